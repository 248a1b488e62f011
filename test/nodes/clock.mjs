#!/usr/bin/env node
// Answers `time` with its wall clock (Date.now(), which libfaketime skews).
import { runNode } from './node-lib.mjs';

runNode({
  time: (msg, node) => node.reply(msg, { type: 'time_ok', time: Date.now() }),
});
