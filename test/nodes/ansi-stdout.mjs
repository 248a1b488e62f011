#!/usr/bin/env node
// Initialises, then prints a line of terminal escapes on stdout (clear screen, OSC window title,
// a carriage return): the harness must quote it, never let it act on the user's terminal.
import { runNode } from './node-lib.mjs';

runNode({
  echo: (msg, node) => node.reply(msg, { type: 'echo_ok', echo: msg.body.echo }),
}, {
  onInit: (node) => process.stdout.write(`\x1b[2J\x1b]0;pwned by ${node.id}\x07\rhidden\n`),
});
