/**
 * `npm run bench:faults [-- --target etcd|consul] [--env local|docker|ssh [--hosts …]]`: real faults on
 * a 5-server cluster (etcd by default, or Consul; needs root and the store's binary, `--env docker` a
 * daemon and the image; `--env ssh` the `--hosts`/`--hosts-file` and `--ssh-*` flags when given, else
 * the SSH test bed: 5 namespace hosts with a real sshd each, so every fault goes through ssh2 as it
 * would to real machines). Prints the time from setup to a healthy cluster, how long each fault takes to apply and
 * to heal on all hosts, what a latency fault does to a write, and the store's failover after its
 * leader is isolated: until a server of the majority names a new leader, and until a write through
 * the majority commits, with a line per round (who was cut off, who leads after, the failed write
 * attempts and, for Consul, whether the forwarding server's serf held the new leader failed). Median of
 * 5 rounds each. With `--env docker` the same is measured on `--env
 * local` too and the tables are printed side by side, with the docker floors checked (a partition of
 * 5 containers ≤ 100 ms; 5 etcd containers healthy ≤ 10 s); likewise `--env ssh` (a partition of 5
 * hosts over SSH ≤ 300 ms).
 *
 * `--layer` measures something else: etcd's writes/s with the lose-un-fsynced FUSE layer under its
 * data directories and without, in alternating runs (bench/layer-throughput.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { complete } from '../harness/middle/faults/nemesis/grudge.js';
import { errorMessage } from '../harness/ground/history/errors.js';
import type { RunFlags } from '../harness/middle/hosts/environment.js';
import { startTestBed, type TestBed } from '../harness/middle/hosts/ssh/test-bed.js';
import { BENCH_TARGETS } from './fault-targets.js';
import { layerBench } from './layer-throughput.js';

/** `--name value` / `--flag` pairs of the bench's command line (environment flags such as `--hosts`). */
function benchFlags(argv: readonly string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const [name, inline] = argv[i].slice(2).split(/=(.*)/s);
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) { flags.set(name, next); i++; } else flags.set(name, true);
  }
  return flags;
}

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

async function measure(target: string, env: string, given: RunFlags): Promise<Measured> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-faults-'));
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  // Over SSH without hosts of your own: the test bed, so the faults still travel over ssh2.
  let bed: TestBed | undefined;
  if (env === 'ssh' && !given.has('hosts') && !given.has('hosts-file')) bed = await startTestBed({ nodes });
  const t = BENCH_TARGETS[target](nodes, dir, env, bed ? bed.flags() : given);
  const { cluster, put } = t;
  const m: Measured = { env, setupMs: 0, rows: [], lines: [] };
  const console = { log: (line: string) => { m.lines.push(line); process.stderr.write(`[${env}] ${line}\n`); } };
  try {
    m.setupMs = await timed(() => cluster.setup());
    const net = cluster.net!;
    console.log(`${t.name} ${nodes.length} servers (--env ${env}): provisioned and healthy in ${m.setupMs.toFixed(0)} ms`);
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
    await cluster.waitHealthy(30_000);
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
    const rounds: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Consul's healed old leader deposes the new one (no pre-vote): start each round from a settled cluster.
      await sleep(1_500);
      await cluster.waitHealthy(30_000);
      const [leader] = await cluster.primaries.primaries();
      const rest = nodes.filter((n) => n !== leader);
      const t0 = performance.now();
      await net.partition(complete([[leader], rest]));
      // A server of the majority names a leader that is itself in the majority.
      while (!rest.includes(await t.leaderOf(rest[0]).catch(() => ''))) await sleep(10);
      newLeader.push(performance.now() - t0);
      const named = await t.leaderOf(rest[0]).catch(() => '?');
      // Every failed attempt: its error, and what the store says stands between rest[0] and the leader.
      const errors = new Map<string, number>();
      const why = new Map<string, number>();
      for (;;) {
        try { await put(rest[0], 500); break; } catch (err) {
          const e = (err as Error).name === 'TimeoutError' ? 'no answer within 500 ms' : errorMessage(err).slice(0, 120);
          errors.set(e, (errors.get(e) ?? 0) + 1);
          const w = await t.whyNotForwarded?.(rest[0], named).catch(() => '');
          if (w) why.set(w, (why.get(w) ?? 0) + 1);
        }
      }
      commit.push(performance.now() - t0);
      await net.partition({});
      const failed = [...errors].map(([e, k]) => `${k}× ${e}`).join(', ');
      const notes = [...why].map(([w, k]) => `${w} at ${k} of them`).join(', ');
      rounds.push(`  round ${i + 1}: ${leader} isolated; ${rest[0]} named ${named === rest[0] ? 'itself' : named} after ${newLeader[i].toFixed(0)} ms; `
        + `first write through ${rest[0]} committed after ${commit[i].toFixed(0)} ms${failed ? ` (failed attempts: ${failed}${notes ? `; ${notes}` : ''})` : ''}`);
    }
    console.log(`${t.name} failover after isolating the leader (${t.tuning}), ${ROUNDS} rounds:`);
    console.log(`  majority names a new leader: median ${median(newLeader).toFixed(0)} ms (min ${Math.min(...newLeader).toFixed(0)}, max ${Math.max(...newLeader).toFixed(0)})`);
    console.log(`  first write through the majority commits: median ${median(commit).toFixed(0)} ms (min ${Math.min(...commit).toFixed(0)}, max ${Math.max(...commit).toFixed(0)})`);
    for (const r of rounds) console.log(r);
  } finally {
    t.close();
    await cluster.teardown();
    await bed?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return m;
}

async function main(): Promise<void> {
  const given = benchFlags(process.argv.slice(2));
  const flag = (name: string, dflt: string): string => { const v = given.get(name); return typeof v === 'string' ? v : dflt; };
  if (process.getuid?.() !== 0) throw new Error('bench:faults needs root (network namespaces, nsenter, the ssh test bed, the FUSE layer); run it with sudo');
  // --layer: etcd's writes/s with the lose-un-fsynced layer and without, in alternating runs (bench/layer-throughput.ts).
  if (given.has('layer')) return layerBench(flag);
  const env = flag('env', 'local');
  const target = flag('target', 'etcd');
  if (env !== 'local' && env !== 'docker' && env !== 'ssh') throw new Error(`--env must be local, docker or ssh, got "${env}"`);
  if (!Object.hasOwn(BENCH_TARGETS, target)) throw new Error(`--target must be one of ${Object.keys(BENCH_TARGETS).join(', ')}, got "${target}"`);
  // Another environment is printed beside local: the cost of containers is the difference.
  const envs = env === 'local' ? ['local'] : ['local', env];
  const results: Measured[] = [];
  for (const e of envs) results.push(await measure(target, e, given));
  const out = (line = ''): void => { process.stdout.write(`${line}\n`); };
  out(`time from setup to 5 healthy ${target} servers: ${results.map((r) => `--env ${r.env} ${(r.setupMs / 1000).toFixed(1)} s`).join(', ')}`);
  out();
  out(`${'fault (all 5 hosts in parallel)'.padEnd(36)}${results.map((r) => `${`${r.env} apply`.padStart(14)}${`${r.env} heal`.padStart(14)}`).join('')}`);
  for (const [k, row] of results[0].rows.entries()) {
    out(`${row.name.padEnd(36)}${results.map((r) => `${fmt(r.rows[k].apply).padStart(14)}${fmt(r.rows[k].heal).padStart(14)}`).join('')}`);
  }
  for (const r of results) {
    out();
    out(`--env ${r.env}:`);
    for (const l of r.lines.filter((x) => /^(write|\w+ failover|  )/.test(x))) out(l);
  }
  const ssh = results.find((r) => r.env === 'ssh');
  if (ssh) {
    const part = ssh.rows.find((r) => r.name.startsWith('partition'))!.apply;
    out();
    out(`floor (--env ssh): partition of 5 hosts ${part.toFixed(1)} ms (≤ 300 ms: ${part <= 300 ? 'met' : 'MISSED'})`);
  }
  const docker = results.find((r) => r.env === 'docker');
  if (docker) {
    const part = docker.rows.find((r) => r.name.startsWith('partition'))!.apply;
    out();
    out(`floors (--env docker): partition of 5 containers ${part.toFixed(1)} ms (≤ 100 ms: ${part <= 100 ? 'met' : 'MISSED'}); 5 ${target} containers healthy in ${(docker.setupMs / 1000).toFixed(1)} s (≤ 10 s: ${docker.setupMs <= 10_000 ? 'met' : 'MISSED'})`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:faults: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
