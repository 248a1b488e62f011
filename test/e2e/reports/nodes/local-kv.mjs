#!/usr/bin/env node
// A broken KV node: each node keeps its own map and never replicates, so a read on one node misses
// a write acknowledged by another. Clients spread over nodes see a non-linearizable register.
import { runNode } from '../../../nodes/node-lib.mjs';

const store = new Map();
runNode({
  read: (msg, node) => {
    const { key } = msg.body;
    if (!store.has(key)) node.reply(msg, { type: 'error', code: 20, text: 'key does not exist' });
    else node.reply(msg, { type: 'read_ok', value: store.get(key) });
  },
  write: (msg, node) => {
    store.set(msg.body.key, msg.body.value);
    node.reply(msg, { type: 'write_ok' });
  },
  cas: (msg, node) => {
    const { key, from, to } = msg.body;
    if (!store.has(key)) node.reply(msg, { type: 'error', code: 20, text: 'key does not exist' });
    else if (store.get(key) !== from) node.reply(msg, { type: 'error', code: 22, text: `expected ${from}, had ${store.get(key)}` });
    else { store.set(key, to); node.reply(msg, { type: 'cas_ok' }); }
  },
});
