#!/usr/bin/env node
// A correct unique-ids node: an id is this node's id and a counter of its own ("n1-42"). No
// coordination needed, and unique across nodes since node ids are. (A restarted node would reuse its
// ids; the unique-ids workload runs without kills.)
import { runNode } from './node-lib.mjs';

let next = 0;

runNode({
  generate: (msg, node) => node.reply(msg, { type: 'generate_ok', id: `${node.id}-${next++}` }),
});
