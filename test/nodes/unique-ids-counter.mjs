#!/usr/bin/env node
// WRONG on purpose: a bare counter per node. Unique on one node, but every node hands out 0, 1, 2, ...
// so as soon as two nodes serve requests the same ids come back twice.
import { runNode } from './node-lib.mjs';

let next = 0;

runNode({
  generate: (msg, node) => node.reply(msg, { type: 'generate_ok', id: next++ }),
});
