#!/usr/bin/env node
// WRONG on purpose: copies the payload into a fixed 14-character buffer, as a C-minded port might, so
// every payload longer than 14 characters comes back truncated ("Please echo 123" → "Please echo 12").
// Deterministic: the echo workload's payloads are "Please echo N" with N < 128, so every one with a
// three-digit N (about a fifth) is cut.
import { runNode } from './node-lib.mjs';

const BUFFER = 14;

runNode({
  echo: (msg, node) => {
    const p = msg.body.echo;
    node.reply(msg, { type: 'echo_ok', echo: typeof p === 'string' ? p.slice(0, BUFFER) : p });
  },
});
