// Prints the bundled Raft's figures on this machine (not a test; no assertions):
//   election time after a leader kill, write latency (through the leader and through a follower),
//   and ops/s through one node with many concurrent clients.
// Run after a build: node test/integration/raft/figures.mjs [--latency-ms N]
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { MaelstromCluster } from '../../../dist/harness/middle/maelstrom/index.js';

const root = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
const main = nodePath.join(root, 'dist/targets/raft/main.js');
const li = process.argv.indexOf('--latency-ms');
const latencyMs = li > 0 ? Number(process.argv[li + 1]) : 0;
const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-raft-figures-'));
const c = new MaelstromCluster({
  bin: process.execPath, args: [main, '--data-dir', nodePath.join(dir, 'data')], nodeCount: 5, dir, seed: 1,
  services: [], latency: { kind: 'constant', ms: latencyMs }, rpcTimeoutMs: 2000,
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (xs) => `p50 ${pct(xs, 0.5).toFixed(1)} ms, p99 ${pct(xs, 0.99).toFixed(1)} ms (n=${xs.length})`;

async function leader(conn) {
  for (;;) {
    const up = c.nodes.filter((n) => c.stateOf(n) === 'running');
    const st = await Promise.all(up.map((n) => conn.rpc(n, { type: 'raft_status' }, 300).then((s) => [n, s], () => [n, undefined])));
    for (const [n, s] of st) {
      if (s?.role === 'leader' && st.filter(([, x]) => x?.leader === n && x.term === s.term).length >= 3) return n;
    }
    await sleep(5);
  }
}

try {
  await c.setup();
  const conn = c.client();
  let l = await leader(conn);
  const elections = [];
  for (let i = 0; i < 5; i++) {
    await sleep(500);
    l = await leader(conn);
    await c.killable.kill(l);
    const t0 = performance.now();
    const next = await leader(conn);
    elections.push(performance.now() - t0);
    await c.killable.start(l);
    l = next;
  }
  console.log(`election after leader kill: ${elections.map((x) => x.toFixed(0)).join(', ')} ms (${fmt(elections)})`);
  await sleep(500);
  l = await leader(conn);
  const follower = c.nodes.find((n) => n !== l);
  for (const [what, node] of [['via the leader', l], ['via a follower', follower]]) {
    const lat = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const r = await conn.rpc(node, { type: 'write', key: i % 10, value: i });
      if (r.type === 'write_ok') lat.push(performance.now() - t0);
    }
    console.log(`write latency ${what}, one client: ${fmt(lat)}`);
  }
  for (const [what, node] of [['the leader', l], ['a follower', follower]]) {
    for (const f of ['write', 'read']) {
      let ok = 0;
      let stop = false;
      const clients = Array.from({ length: 32 }, () => c.client());
      const t0 = performance.now();
      const runs = clients.map(async (cc, w) => {
        for (let i = 0; !stop; i++) {
          const r = await cc.rpc(node, f === 'write' ? { type: 'write', key: (w * 7 + i) % 50, value: i } : { type: 'read', key: (w + i) % 10 }).catch(() => undefined);
          if (r?.type === `${f}_ok`) ok++;
        }
      });
      await sleep(3000);
      stop = true;
      await Promise.all(runs);
      console.log(`${f}s through ${what}, 32 concurrent clients: ${(ok / ((performance.now() - t0) / 1000)).toFixed(0)} ops/s`);
    }
  }
} finally {
  await c.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
}
