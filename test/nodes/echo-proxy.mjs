#!/usr/bin/env node
// Every node but the first forwards a client's echo to the first node as Maelstrom programs proxy
// requests to their leader: the same message re-sent with the client's src, so the first node
// answers the client directly. Maelstrom's network accepts this; so must Faultline's.
import { runNode } from './node-lib.mjs';

runNode({
  echo: (msg, node) => {
    const leader = node.ids[0];
    if (node.id === leader) return node.reply(msg, { type: 'echo_ok', echo: msg.body.echo });
    process.stdout.write(JSON.stringify({ src: msg.src, dest: leader, body: msg.body }) + '\n');
  },
});
