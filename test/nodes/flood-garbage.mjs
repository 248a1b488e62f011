#!/usr/bin/env node
// Never answers init; floods stdout with lines that are not JSON (a node printing debug output to
// stdout from its first instant), then idles.
const junk = `${'garbage '.repeat(20)}\n`;
let left = 5000;
const burst = () => { for (let i = 0; i < 100 && left > 0; i++, left--) process.stdout.write(junk); if (left > 0) setImmediate(burst); };
burst();
process.stdin.on('data', () => {});
