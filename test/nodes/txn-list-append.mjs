#!/usr/bin/env node
// A single-node transactional list-append store: each `txn` runs its micro-ops in order, all at once
// (one message is handled to completion before the next, so every transaction is serial). `r` fills
// in the key's list (a copy) or null for a key never appended to; `append` adds to the key's list.
// Correct with --nodes 1; with more nodes each would hold its own lists.
import { runNode } from './node-lib.mjs';

const lists = new Map();

runNode({
  txn: (msg, node) => {
    const txn = msg.body.txn;
    if (!Array.isArray(txn)) return node.reply(msg, { type: 'error', code: 12, text: 'txn must be a list of micro-ops' });
    const done = txn.map(([f, k, v]) => {
      const key = JSON.stringify(k);
      if (f === 'r') return ['r', k, lists.has(key) ? [...lists.get(key)] : null];
      if (f === 'append') {
        if (!lists.has(key)) lists.set(key, []);
        lists.get(key).push(v);
        return ['append', k, v];
      }
      return [f, k, v];
    });
    node.reply(msg, { type: 'txn_ok', txn: done });
  },
});
