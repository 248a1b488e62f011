#!/usr/bin/env node
// Prints a few lines on stderr, then throws from deep inside (a long stack trace) before answering
// init: the error report must show the "Error:" line, and the tail must be whole lines.
process.stderr.write('throw-before-init: starting\n');
process.stderr.write('throw-before-init: reading the config\n');
function deep(n) {
  if (n === 0) throw new Error('boom: the config file is missing (expected ./node.conf)');
  return deep(n - 1) + 1;
}
deep(60);
