/**
 * `npm run bench:faults [-- --env docker]`: real faults on a 5-member etcd cluster (needs root and
 * etcd; `--env docker` needs a daemon and the etcd image). Prints the time from setup to a healthy
 * cluster, how long each fault takes to apply and to heal on all hosts, what a latency fault does to a
 * write, and etcd's failover after its leader is isolated: until a member of the majority names a new
 * leader, and until a write through the majority commits. Median of 5 rounds each. With `--env
 * docker` the same is measured on `--env local` too and the tables are printed side by side, with the
 * docker floors checked (a partition of 5 containers ≤ 100 ms; 5 etcd containers healthy ≤ 10 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { Etcd3 } from 'etcd3';
import { complete } from '../harness/nemesis/grudge.js';
import { EtcdCluster } from '../targets/etcd/cluster.js';
import { memberStatus } from '../targets/etcd/http.js';
import { errorMessage } from '../harness/history/errors.js';

const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function timed(action: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

interface Measured {
  env: string;
  setupMs: number;
  rows: { name: string; apply: number; heal: number }[];
  lines: string[];
}

async function measure(env: string): Promise<Measured> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-faults-'));
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const cluster = new EtcdCluster({ nodes, dir, env });
  const setupMs = await timed(() => cluster.setup());
  const m: Measured = { env, setupMs, rows: [], lines: [] };
  const console = { log: (line: string) => { m.lines.push(line); process.stderr.write(`[${env}] ${line}\n`); } };
  const net = cluster.net!;
  const clients = new Map(nodes.map((n) => [n, new Etcd3({ hosts: cluster.endpoint(n), defaultCallOptions: { deadline: Date.now() + 60_000 } })]));
  const put = async (node: string, timeoutMs = 3_000): Promise<void> => { await clients.get(node)!.put('bench').value('x').options({ deadline: Date.now() + timeoutMs }); };
  try {
    console.log(`etcd ${nodes.length} members (--env ${env}): provisioned and healthy in ${setupMs.toFixed(0)} ms`);
    const row = async (name: string, apply: () => Promise<unknown>, heal: () => Promise<unknown>, settleMs = 200): Promise<void> => {
      const a: number[] = [];
      const h: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        a.push(await timed(apply));
        await sleep(settleMs);
        h.push(await timed(heal));
        await sleep(settleMs);
      }
      m.rows.push({ name, apply: median(a), heal: median(h) });
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
    const leader0 = (await cluster.primaries.primaries())[0];
    const writes = async (): Promise<number> => median(await Promise.all([0, 1, 2, 3, 4].map(async () => timed(() => put(leader0)))));
    const base = await writes();
    await net.setExtraLatency({ kind: 'uniform', minMs: 40, maxMs: 60 });
    const slow = await writes();
    await net.setExtraLatency(null);
    console.log(`write through the leader: ${base.toFixed(1)} ms normally, ${slow.toFixed(1)} ms with 40–60 ms extra latency on every host`);

    // Failover after isolating the leader.
    const newLeader: number[] = [];
    const commit: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(1_500);
      const [leader] = await cluster.primaries.primaries();
      const rest = nodes.filter((n) => n !== leader);
      const t0 = performance.now();
      await net.partition(complete([[leader], rest]));
      for (;;) {
        const s = await memberStatus(cluster.endpoint(rest[0]), 300).catch(() => undefined);
        const ids = await Promise.all(rest.map((n) => memberStatus(cluster.endpoint(n), 300).then((x) => x.memberId, () => '')));
        if (s && s.leader !== '0' && ids.includes(s.leader)) break;
        await sleep(10);
      }
      newLeader.push(performance.now() - t0);
      for (;;) {
        try { await put(rest[0], 500); break; } catch { /* not yet */ }
      }
      commit.push(performance.now() - t0);
      await net.partition({});
    }
    console.log(`etcd failover after isolating the leader (heartbeat 50 ms, election 500 ms, pre-vote), ${ROUNDS} rounds:`);
    console.log(`  majority names a new leader: median ${median(newLeader).toFixed(0)} ms (min ${Math.min(...newLeader).toFixed(0)}, max ${Math.max(...newLeader).toFixed(0)})`);
    console.log(`  first write through the majority commits: median ${median(commit).toFixed(0)} ms (min ${Math.min(...commit).toFixed(0)}, max ${Math.max(...commit).toFixed(0)})`);
  } finally {
    for (const c of clients.values()) c.close();
    await cluster.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return m;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:faults needs root (network namespaces, nsenter); run it with sudo');
  const i = process.argv.indexOf('--env');
  const env = i >= 0 ? process.argv[i + 1] : 'local';
  if (env !== 'local' && env !== 'docker') throw new Error(`--env must be local or docker, got "${env}"`);
  // Docker is printed beside local: the cost of containers is the difference.
  const envs = env === 'local' ? ['local'] : ['local', env];
  const results: Measured[] = [];
  for (const e of envs) results.push(await measure(e));
  const out = (line = ''): void => { process.stdout.write(`${line}\n`); };
  out(`time from setup to 5 healthy etcd members: ${results.map((r) => `--env ${r.env} ${(r.setupMs / 1000).toFixed(1)} s`).join(', ')}`);
  out();
  out(`${'fault (all 5 hosts in parallel)'.padEnd(36)}${results.map((r) => `${`${r.env} apply`.padStart(14)}${`${r.env} heal`.padStart(14)}`).join('')}`);
  for (const [k, row] of results[0].rows.entries()) {
    out(`${row.name.padEnd(36)}${results.map((r) => `${fmt(r.rows[k].apply).padStart(14)}${fmt(r.rows[k].heal).padStart(14)}`).join('')}`);
  }
  for (const r of results) {
    out();
    out(`--env ${r.env}:`);
    for (const l of r.lines.filter((x) => /^(write|etcd failover|  )/.test(x))) out(l);
  }
  const docker = results.find((r) => r.env === 'docker');
  if (docker) {
    const part = docker.rows.find((r) => r.name.startsWith('partition'))!.apply;
    out();
    out(`floors (--env docker): partition of 5 containers ${part.toFixed(1)} ms (≤ 100 ms: ${part <= 100 ? 'met' : 'MISSED'}); 5 etcd containers healthy in ${(docker.setupMs / 1000).toFixed(1)} s (≤ 10 s: ${docker.setupMs <= 10_000 ? 'met' : 'MISSED'})`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:faults: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
