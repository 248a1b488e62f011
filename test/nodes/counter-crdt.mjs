#!/usr/bin/env node
// A correct counter for both g-counter and pn-counter: a PN-counter CRDT. Each node counts its own
// increments in P[self] and its decrements in N[self]; the value is ΣP − ΣN. Every GOSSIP_MS a node
// sends both maps to every peer, which merges them entry by entry with max (each entry only grows and
// only its owner writes it), so after a partition heals all nodes converge on the total.
import { runNode } from './node-lib.mjs';

const GOSSIP_MS = 150;
const P = {};
const N = {};

const merge = (into, from) => {
  for (const [node, n] of Object.entries(from ?? {})) if (Number.isSafeInteger(n) && n > (into[node] ?? 0)) into[node] = n;
};
const sum = (m) => Object.values(m).reduce((a, b) => a + b, 0);

runNode({
  add: (msg, node) => {
    const d = msg.body.delta;
    if (!Number.isSafeInteger(d)) return node.reply(msg, { type: 'error', code: 12, text: `delta ${JSON.stringify(d)} is not an integer` });
    if (d >= 0) P[node.id] = (P[node.id] ?? 0) + d;
    else N[node.id] = (N[node.id] ?? 0) - d;
    node.reply(msg, { type: 'add_ok' });
  },
  read: (msg, node) => node.reply(msg, { type: 'read_ok', value: sum(P) - sum(N) }),
  gossip: (msg) => {
    merge(P, msg.body.p);
    merge(N, msg.body.n);
  },
}, {
  onInit: (node) => setInterval(() => {
    for (const peer of node.ids) if (peer !== node.id) node.send(peer, { type: 'gossip', p: P, n: N });
  }, GOSSIP_MS),
});
