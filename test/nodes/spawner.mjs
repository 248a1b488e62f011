#!/usr/bin/env node
// An echo node that, like a wrapper script, starts a child process (a sleeper) and prints its PID to
// stderr: teardown must leave neither behind.
import { spawn } from 'node:child_process';
import { runNode } from './node-lib.mjs';

const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
process.stderr.write(`grandchild pid ${child.pid}\n`);
runNode({
  echo: (msg, node) => node.reply(msg, { type: 'echo_ok', echo: msg.body.echo, grandchild: child.pid }),
});
