#!/usr/bin/env node
// Prints a lot on stderr, then its last words, and exits before init: the error must show the last
// words, which arrive after the exit is seen unless the harness waits for the streams to close.
process.stderr.write(`${'filler line of a chatty node\n'.repeat(20_000)}fatal: last words before exiting\n`);
process.exitCode = 2; // not process.exit(): that would cut its own pending stderr write short
