#!/usr/bin/env node
// WRONG on purpose: a broadcast node that accepts the topology and acknowledges every message but
// never forwards one, so each node's reads show only the messages its own clients sent: every
// acknowledged message is lost on every other node, deterministically.
import { runNode } from './node-lib.mjs';

const seen = new Map();

runNode({
  topology: (msg, node) => node.reply(msg, { type: 'topology_ok' }),
  broadcast: (msg, node) => {
    seen.set(JSON.stringify(msg.body.message), msg.body.message);
    node.reply(msg, { type: 'broadcast_ok' });
  },
  read: (msg, node) => node.reply(msg, { type: 'read_ok', messages: [...seen.values()] }),
});
