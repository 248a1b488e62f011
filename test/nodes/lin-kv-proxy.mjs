#!/usr/bin/env node
// Forwards client read/write/cas to the lin-kv service and relays the reply: a correct KV node.
import { runNode } from './node-lib.mjs';

const forward = async (msg, node) => {
  const { msg_id, ...req } = msg.body;
  const reply = await node.rpc('lin-kv', req, 2000);
  const { in_reply_to, ...rest } = reply;
  node.reply(msg, rest);
};
runNode({ read: forward, write: forward, cas: forward });
