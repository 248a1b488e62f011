#!/usr/bin/env node
// A single-node list-append store without isolation: each micro-op of a `txn` is applied on its own,
// 10 ms after the one before, so the micro-ops of concurrent transactions interleave. Every append
// lands once and in order, every read is of the key's current list: nothing is lost or corrupted,
// only isolation is missing, so Elle must name isolation anomalies (intermediate reads, read skew,
// anti-dependency cycles), not lost or duplicated elements. Run with --nodes 1.
import { runNode } from './node-lib.mjs';

const lists = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

runNode({
  txn: async (msg, node) => {
    const txn = msg.body.txn;
    if (!Array.isArray(txn)) return node.reply(msg, { type: 'error', code: 12, text: 'txn must be a list of micro-ops' });
    const done = [];
    for (const [f, k, v] of txn) {
      if (done.length > 0) await sleep(10);
      const key = JSON.stringify(k);
      if (f === 'r') done.push(['r', k, lists.has(key) ? [...lists.get(key)] : null]);
      else if (f === 'append') {
        if (!lists.has(key)) lists.set(key, []);
        lists.get(key).push(v);
        done.push(['append', k, v]);
      } else done.push([f, k, v]);
    }
    node.reply(msg, { type: 'txn_ok', txn: done });
  },
});
