#!/usr/bin/env node
// A correct g-set: a grow-only set CRDT. `add` puts the element in the local set and acknowledges at
// once; every GOSSIP_MS the node sends its whole set to every peer, which merges it by union. Nothing
// is ever acknowledged between nodes: a gossip lost to a partition is simply superseded by the next
// one, so once the network heals every node converges on the union of all adds.
import { runNode } from './node-lib.mjs';

const GOSSIP_MS = 150;
/** Canonical JSON → element, so equal elements count once whatever object key order they came with. */
const set = new Map();
const addAll = (elements) => { for (const e of elements) set.set(JSON.stringify(e), e); };

runNode({
  add: (msg, node) => {
    addAll([msg.body.element]);
    node.reply(msg, { type: 'add_ok' });
  },
  read: (msg, node) => node.reply(msg, { type: 'read_ok', value: [...set.values()] }),
  gossip: (msg) => addAll(msg.body.elements),
}, {
  onInit: (node) => setInterval(() => {
    const elements = [...set.values()];
    for (const peer of node.ids) if (peer !== node.id) node.send(peer, { type: 'gossip', elements });
  }, GOSSIP_MS),
});
