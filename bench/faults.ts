/**
 * `npm run bench:faults [-- --target etcd|consul]`: real faults on a 5-server cluster (etcd by
 * default, or Consul) in network namespaces (needs root and the store's binary). Prints how long each
 * fault takes to apply and to heal on all hosts, what a latency fault does to a write, and the
 * store's failover after its leader is isolated: until a server of the majority names a new leader,
 * and until a write through the majority commits. Median of 5 rounds each.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { complete } from '../harness/nemesis/grudge.js';
import { errorMessage } from '../harness/history/errors.js';
import { consulBench, etcdBench, type BenchTarget } from './fault-targets.js';

const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function timed(action: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:faults needs root (network namespaces); run it with sudo');
  const i = process.argv.indexOf('--target');
  const name = i >= 0 ? process.argv[i + 1] : 'etcd';
  const targets: Record<string, (nodes: readonly string[], dir: string) => BenchTarget> = { etcd: etcdBench, consul: consulBench };
  if (!Object.hasOwn(targets, name)) throw new Error(`--target must be one of ${Object.keys(targets).join(', ')}, got "${name}"`);
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-faults-'));
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const t = targets[name](nodes, dir);
  const { cluster, put } = t;
  try {
    const setupMs = await timed(() => cluster.setup());
    const net = cluster.net!;
    console.log(`${t.name} ${nodes.length} servers in namespaces: provisioned and healthy in ${setupMs.toFixed(0)} ms\n`);
    console.log('fault (all 5 hosts in parallel)      apply (median)   heal (median)');
    const row = async (name: string, apply: () => Promise<unknown>, heal: () => Promise<unknown>, settleMs = 200): Promise<void> => {
      const a: number[] = [];
      const h: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        a.push(await timed(apply));
        await sleep(settleMs);
        h.push(await timed(heal));
        await sleep(settleMs);
      }
      console.log(`${name.padEnd(36)}${fmt(median(a))}   ${fmt(median(h))}`);
    };
    await row('partition (halves)', () => net.partition(complete([['n1', 'n2'], ['n3', 'n4', 'n5']])), () => net.partition({}));
    await row('packet loss 20 %', () => net.setLoss(0.2), () => net.setLoss(0));
    await row('latency 50 ms (NFQUEUE delayer)', () => net.setExtraLatency({ kind: 'constant', ms: 50 }), () => net.setExtraLatency(null));
    await row('bandwidth 1 Mbit/s (tbf)', () => net.setBandwidth(1_000), () => net.setBandwidth(null));
    await row('pause one member (SIGSTOP/SIGCONT)', () => cluster.pausable.pause('n5'), () => cluster.pausable.resume('n5'));
    await row('kill one member (SIGKILL / respawn)', () => cluster.killable.kill('n5'), () => cluster.killable.start('n5'), 1_000);

    // What the latency fault does to a write (the leader waits for a majority's acknowledgement).
    await sleep(1_000);
    await cluster.waitHealthy(30_000);
    const leader0 = (await cluster.primaries.primaries())[0];
    const writes = async (): Promise<number> => median(await Promise.all([0, 1, 2, 3, 4].map(async () => timed(() => put(leader0)))));
    const base = await writes();
    await net.setExtraLatency({ kind: 'uniform', minMs: 40, maxMs: 60 });
    const slow = await writes();
    await net.setExtraLatency(null);
    console.log(`\nwrite through the leader: ${base.toFixed(1)} ms normally, ${slow.toFixed(1)} ms with 40–60 ms extra latency on every host`);

    // Failover after isolating the leader.
    const newLeader: number[] = [];
    const commit: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Consul's healed old leader deposes the new one (no pre-vote): start each round from a settled cluster.
      await sleep(1_500);
      await cluster.waitHealthy(30_000);
      const [leader] = await cluster.primaries.primaries();
      const rest = nodes.filter((n) => n !== leader);
      const t0 = performance.now();
      await net.partition(complete([[leader], rest]));
      while (!(await t.restHasLeader(rest))) await sleep(10);
      newLeader.push(performance.now() - t0);
      for (;;) {
        try { await put(rest[0], 500); break; } catch { /* not yet */ }
      }
      commit.push(performance.now() - t0);
      await net.partition({});
    }
    console.log(`\n${t.name} failover after isolating the leader (${t.tuning}), ${ROUNDS} rounds:`);
    console.log(`  majority names a new leader: median ${median(newLeader).toFixed(0)} ms (min ${Math.min(...newLeader).toFixed(0)}, max ${Math.max(...newLeader).toFixed(0)})`);
    console.log(`  first write through the majority commits: median ${median(commit).toFixed(0)} ms (min ${Math.min(...commit).toFixed(0)}, max ${Math.max(...commit).toFixed(0)})`);
  } finally {
    t.close();
    await cluster.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:faults: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
