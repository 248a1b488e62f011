#!/usr/bin/env node
// On `tear`, writes the first half of a message with no newline and stays up (a kill then tears the
// line, as SIGKILL mid-write does); on `tear_and_exit`, writes half a line and exits by itself.
import { runNode } from './node-lib.mjs';

const half = (node, msg) => JSON.stringify({ src: node.id, dest: msg.src, body: { type: 'tear_ok', in_reply_to: msg.body.msg_id } }).slice(0, 30);

runNode({
  tear: (msg, node) => process.stdout.write(half(node, msg)),
  tear_and_exit: (msg, node) => process.stdout.write(half(node, msg), () => process.exit(3)),
});
