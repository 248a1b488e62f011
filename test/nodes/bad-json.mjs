#!/usr/bin/env node
// Initialises correctly, then prints a line that is not JSON (a classic: a debug print on stdout),
// and on `echo` replies with a body lacking "type".
import { runNode } from './node-lib.mjs';

runNode({
  echo: (msg, node) => node.send(msg.src, { in_reply_to: msg.body.msg_id, echo: msg.body.echo }),
}, {
  onInit: (node) => process.stdout.write(`DEBUG ${node.id}: ready to serve {not json}\n`),
});
