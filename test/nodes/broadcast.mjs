#!/usr/bin/env node
// A correct broadcast node. It keeps the neighbours the `topology` message gives it; a message it has
// not seen before (from a client or a peer) is stored, acknowledged, and sent on to every neighbour
// but the one it came from, each copy retried every RETRY_MS until that neighbour acknowledges it.
// A partition only delays the retries, so once it heals every message reaches every node.
import { ignoreReplies } from './ignore-replies.mjs';
import { runNode } from './node-lib.mjs';

const RETRY_MS = 400;
const seen = new Map();
let neighbours;

/** Sends `message` to `peer` until it says broadcast_ok. */
async function deliver(node, peer, message) {
  for (;;) {
    const r = await node.rpc(peer, { type: 'broadcast', message }, RETRY_MS);
    if (r.type === 'broadcast_ok') return;
  }
}

runNode({
  topology: (msg, node) => {
    neighbours = msg.body.topology?.[node.id] ?? [];
    node.reply(msg, { type: 'topology_ok' });
  },
  broadcast: (msg, node) => {
    const m = msg.body.message;
    const key = JSON.stringify(m);
    const fresh = !seen.has(key);
    seen.set(key, m);
    node.reply(msg, { type: 'broadcast_ok' });
    if (!fresh) return;
    // Before any topology arrives, every other node is a neighbour.
    const peers = neighbours ?? node.ids.filter((n) => n !== node.id);
    for (const peer of peers) if (peer !== msg.src) void deliver(node, peer, m);
  },
  read: (msg, node) => node.reply(msg, { type: 'read_ok', messages: [...seen.values()] }),
  ...ignoreReplies('broadcast_ok'),
});
