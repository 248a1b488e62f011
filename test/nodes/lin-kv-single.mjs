#!/usr/bin/env node
// A correct lin-kv node with a single copy of the map: the first node of node_ids (the primary) holds
// it and applies requests one at a time in arrival order; every other node forwards its clients'
// requests there and relays the answer. Linearizable at any cluster size (a single node is the
// trivial case), though not fault-tolerant: a partition makes forwarded requests time out (error 0,
// indefinite, so the client records `info`), and a kill of the primary loses the map.
import { applyKv } from './kv-map.mjs';
import { ignoreReplies } from './ignore-replies.mjs';
import { runNode } from './node-lib.mjs';

/** Below the client's 1 s timeout, so the client hears our indefinite error rather than nothing. */
const FORWARD_TIMEOUT_MS = 800;
const map = new Map();

const handle = async (msg, node) => {
  const primary = node.ids[0];
  // A peer's forwarded request looks like a client's: the primary answers whoever sent it.
  if (node.id === primary) return node.reply(msg, applyKv(map, msg.body));
  const { msg_id, ...req } = msg.body;
  const reply = await node.rpc(primary, req, FORWARD_TIMEOUT_MS);
  const { in_reply_to, ...rest } = reply;
  node.reply(msg, rest);
};

runNode({ read: handle, write: handle, cas: handle, ...ignoreReplies('read_ok', 'write_ok', 'cas_ok') });
