#!/usr/bin/env node
// WRONG on purpose: every node answers from its own map and never replicates, as if each node were
// the whole store. A client that writes through one node and reads through another reads an old
// value (or none): stale reads, which the linearizability checker must catch. Correct only with
// --nodes 1.
import { applyKv } from './kv-map.mjs';
import { runNode } from './node-lib.mjs';

const map = new Map();
const handle = (msg, node) => node.reply(msg, applyKv(map, msg.body));

runNode({ read: handle, write: handle, cas: handle });
