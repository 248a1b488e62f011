#!/usr/bin/env node
// Answers echo with echo_ok.
import { runNode } from './node-lib.mjs';

runNode({
  echo: (msg, node) => node.reply(msg, { type: 'echo_ok', echo: msg.body.echo }),
});
