#!/usr/bin/env node
// WRONG on purpose: a g-set whose author forgot the gossip timer. Each node keeps only the elements
// added through it, so every element acknowledged by one node is missing from the final reads of all
// the others: lost elements, deterministically, as soon as two nodes serve adds.
import { runNode } from './node-lib.mjs';

const set = new Map();

runNode({
  add: (msg, node) => {
    set.set(JSON.stringify(msg.body.element), msg.body.element);
    node.reply(msg, { type: 'add_ok' });
  },
  read: (msg, node) => node.reply(msg, { type: 'read_ok', value: [...set.values()] }),
});
