#!/usr/bin/env node
// Throughput of the Maelstrom runner: C concurrent clients doing read/write/cas against the lin-kv
// service through the routed network (0 latency, journal on) for S seconds; prints ops/s, harness
// CPU per op and latency percentiles. A benchmark script, not a test.
//
//   npx tsc -p tsconfig.json && node test/integration/maelstrom/throughput-bench.mjs [seconds] [clients] [--via-nodes]
//
// --via-nodes sends the same ops to 3 lin-kv-proxy nodes instead (client → node → lin-kv → node → client).
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
const { MaelstromCluster, SeededRng } = await import(nodePath.join(here, '../../../dist/harness/middle/maelstrom/index.js'));

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(args[0] ?? 5);
const clients = Number(args[1] ?? 50);
const viaNodes = process.argv.includes('--via-nodes');
const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-maelstrom-bench-'));

const cluster = await MaelstromCluster.start({
  bin: nodePath.join(here, '../../nodes', viaNodes ? 'lin-kv-proxy.mjs' : 'echo.mjs'),
  nodeCount: viaNodes ? 3 : 1, dir, seed: 1, latency: { kind: 'constant', ms: 0 },
});
const rng = new SeededRng('bench');
const lat = [];
let ops = 0;
let errors = 0;
const end = performance.now() + seconds * 1000;
const cpu0 = process.cpuUsage();
const t0 = performance.now();

async function worker(i) {
  const conn = cluster.client();
  const dest = viaNodes ? `n${i % 3}` : 'lin-kv';
  while (performance.now() < end) {
    const key = rng.int(10);
    const r = rng.int(3);
    const body = r === 0 ? { type: 'read', key } : r === 1 ? { type: 'write', key, value: rng.int(5) }
      : { type: 'cas', key, from: rng.int(5), to: rng.int(5) };
    const s = performance.now();
    try {
      const reply = await conn.rpc(dest, body, 5000);
      if (reply.type === 'error' && reply.code !== 20 && reply.code !== 22) errors++;
    } catch {
      errors++;
    }
    lat.push(performance.now() - s);
    ops++;
  }
}

await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const stats = cluster.journal.stats();
await cluster.teardown();
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2);
const journalBytes = fs.statSync(nodePath.join(dir, 'messages.jsonl')).size;
console.log(JSON.stringify({
  mode: viaNodes ? 'client → 3 lin-kv-proxy nodes → lin-kv' : 'client → lin-kv service',
  seconds: Number(wall.toFixed(2)), clients, ops, errors,
  opsPerSec: Math.round(ops / wall),
  messagesPerSec: Math.round(stats.total / wall),
  harnessCpuPerOpUs: Number((((cpu.user + cpu.system) / ops)).toFixed(1)),
  harnessCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100),
  latencyMs: { p50: pct(0.5), p99: pct(0.99), max: lat.at(-1).toFixed(2) },
  journal: { messages: stats.total, bytes: journalBytes },
}, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
