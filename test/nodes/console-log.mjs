#!/usr/bin/env node
// A classic first bug: answers init with console.log(message) instead of JSON.stringify, so stdout
// gets util.inspect's `{ src: 'n0', ... }`, which is not JSON. The harness must name the node, quote
// the line and say what was expected; the node never initialises.
import { createInterface } from 'node:readline';

createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.body.type === 'init') {
    console.log({ src: msg.body.node_id, dest: msg.src, body: { type: 'init_ok', in_reply_to: msg.body.msg_id } });
  }
});
