#!/usr/bin/env node
// WRONG on purpose: a counter that never talks to its peers. Each node answers reads with the sum of
// the deltas added through it alone, so once two nodes serve adds, no node's final read is the total.
import { runNode } from './node-lib.mjs';

let count = 0;

runNode({
  add: (msg, node) => {
    count += msg.body.delta;
    node.reply(msg, { type: 'add_ok' });
  },
  read: (msg, node) => node.reply(msg, { type: 'read_ok', value: count }),
});
