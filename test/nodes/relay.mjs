#!/usr/bin/env node
// `relay {to}`: pings node `to` and answers relay_ok when the pong comes back, or error 0 (timeout)
// after `timeout_ms` (default 300). Exercises node↔node traffic for partition and loss tests.
import { runNode } from './node-lib.mjs';

runNode({
  relay: async (msg, node) => {
    const r = await node.rpc(msg.body.to, { type: 'ping' }, msg.body.timeout_ms ?? 300);
    if (r.type === 'pong') node.reply(msg, { type: 'relay_ok', from: r.from });
    else node.reply(msg, { type: 'error', code: 0, text: `no pong from ${msg.body.to}` });
  },
  ping: (msg, node) => node.reply(msg, { type: 'pong', from: node.id }),
});
