/**
 * `npm run bench:faults -- --layer [--rounds 4] [--seconds 10] [--writers 16]`: etcd's writes/s with
 * the lose-un-fsynced FUSE layer under every member's data directory (as `--nemesis disk` mounts it)
 * and without it, side by side, in alternating runs: each round sets up a fresh 3-member etcd cluster
 * in namespaces once with the layer and once without (the order flips every round, so a machine
 * getting busier does not favour one side), and `--writers` concurrent clients put distinct keys
 * through the members for `--seconds`. Prints each run, the medians and their ratio (the issue asks
 * ≥ 0.5×). Needs root and fuse3.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { Etcd3 } from 'etcd3';
import { EtcdCluster } from '../targets/etcd/cluster.js';
import { lazyFsUnavailable } from '../harness/middle/faults/disk/lazy-fs-build.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One run: a fresh cluster, with or without the layer; its writes per second. */
async function writesPerSecond(layer: boolean, seconds: number, writers: number): Promise<number> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-layer-'));
  const nodes = ['n1', 'n2', 'n3'];
  const cluster = new EtcdCluster({ nodes, dir, env: 'local', ...(layer ? { disk: { layer: true } } : {}) });
  const clients: Etcd3[] = [];
  try {
    await cluster.setup();
    if (layer && !cluster.disk?.faults.includes('lose-unfsynced')) throw new Error(`the layer was not mounted: ${cluster.disk?.unsupported['lose-unfsynced'] ?? 'no disk'}`);
    for (const n of nodes) clients.push(new Etcd3({ hosts: cluster.endpoint(n) }));
    let done = 0;
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      const c = clients[w % clients.length];
      for (let k = 0; performance.now() < end; k++) {
        await c.put(`w${w}-${k % 100}`).value(String(k));
        done++;
      }
    }));
    return done / ((performance.now() - t0) / 1000);
  } finally {
    for (const c of clients) c.close();
    await cluster.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function layerBench(flag: (name: string, dflt: string) => string): Promise<void> {
  const why = lazyFsUnavailable();
  if (why) throw new Error(`the FUSE layer cannot run here: ${why}`);
  const rounds = Number(flag('rounds', '4'));
  const seconds = Number(flag('seconds', '10'));
  const writers = Number(flag('writers', '16'));
  const with_: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternating order: round 1 without first, round 2 with first, …
    for (const layer of r % 2 === 0 ? [false, true] : [true, false]) {
      const w = await writesPerSecond(layer, seconds, writers);
      (layer ? with_ : without).push(w);
      console.log(`  round ${r + 1}: ${layer ? 'with the layer   ' : 'without the layer'} ${w.toFixed(0).padStart(6)} writes/s`);
    }
  }
  const a = median(with_);
  const b = median(without);
  console.log(`\netcd, 3 members in namespaces, ${writers} writers, ${seconds} s a run, ${rounds} rounds alternating (load average ${os.loadavg()[0].toFixed(1)}):`);
  console.log(`  ${'without the layer'.padEnd(20)}${'with the layer'.padEnd(20)}ratio`);
  console.log(`  ${`${b.toFixed(0)} writes/s`.padEnd(20)}${`${a.toFixed(0)} writes/s`.padEnd(20)}${(a / b).toFixed(2)}× (target ≥ 0.5×: ${a / b >= 0.5 ? 'met' : 'MISSED'})`);
  console.log(`  each run: without ${without.map((x) => x.toFixed(0)).join(', ')}; with ${with_.map((x) => x.toFixed(0)).join(', ')}`);
}
