/**
 * Client overhead of `--target custom`: a 3-node cluster of the bundled Raft in `--listen` mode (real
 * TCP between namespaces, http-kv clients), warmed up for 3 s, then driven by a bare HTTP loop (N
 * concurrent loops of the same op mix through the same transport, no harness) for S seconds, then —
 * same cluster, same run — by the whole pipeline (generator → interpreter → driver → http-kv client →
 * completion → history.jsonl), unpaced, N clients, S seconds, then by the bare loop again. The
 * harness's ratio is its ops/s over the mean of the two bare phases around it, so a cluster that
 * speeds up or slows down during the round (JIT, log growth, snapshots, the machine's other jobs)
 * weighs on both sides alike. `--rounds R` (default 3) repeats the round on a fresh cluster; the
 * figures are printed per round, then min / median / max of each. Floor 0.8. Prints figures;
 * asserts nothing.
 *
 *   npm run bench:harness -- --target custom [--seconds 10 --clients 50 --rounds 3]
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { runTest } from '../harness/top/run/run.js';
import type { RunConfig, RunRequest } from '../harness/ground/contracts/run-contract.js';
import { customParts } from '../targets/custom/index.js';
import { httpRequest, keepAliveAgent } from '../targets/custom/http-request.js';

const KEYS = 100;
const VALUES = 5;

/** One bare request of the register mix (read, write, cas in equal parts), any answer counted. */
async function bareLoop(node: { host: string; port: number }, until: number, counts: { ok: number; errors: number }): Promise<void> {
  const agent = keepAliveAgent();
  let seed = Math.floor(Math.random() * 2 ** 31);
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  while (Date.now() < until) {
    // Keys of its own: the run after it checks its registers from their initial value (absent).
    const url = { host: node.host, port: node.port, path: `/kv/bare-${rnd(KEYS)}` };
    const f = rnd(3);
    try {
      if (f === 0) await httpRequest(agent, url, 'GET', undefined, {}, 2_000);
      else if (f === 1) await httpRequest(agent, url, 'PUT', JSON.stringify({ value: rnd(VALUES) }), {}, 2_000);
      else await httpRequest(agent, url, 'PUT', JSON.stringify({ value: rnd(VALUES), expect: rnd(VALUES) }), {}, 2_000);
      counts.ok++;
    } catch {
      counts.errors++;
    }
  }
  agent.destroy();
}

/** What one round measured. */
interface Round {
  bareRates: number[];
  harnessRate: number;
  ratio: number;
  /** Controller CPU per op while the harness drove the cluster (setup, teardown and checking excluded), µs. */
  harnessCpuUs: number;
  bareCpuUs: number;
  valid: unknown;
  error?: string;
}

/** A bare phase of `seconds` on every node, `clients` loops: answers per second and CPU per answer. */
async function barePhase(nodes: { host: string; port: number }[], clients: number, seconds: number): Promise<{ rate: number; cpuUs: number; errors: number }> {
  const counts = { ok: 0, errors: 0 };
  const cpu0 = process.cpuUsage();
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, (_, i) => bareLoop(nodes[i % nodes.length], until, counts)));
  const c = process.cpuUsage(cpu0);
  const n = counts.ok + counts.errors;
  return { rate: n / seconds, cpuUs: (c.user + c.system) / Math.max(1, n), errors: counts.errors };
}

/** One round on a fresh cluster: warm-up, bare, harness, bare. */
async function round(seconds: number, clients: number): Promise<Round> {
  const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-harness-custom-'));
  const config: RunConfig = {
    name: 'bench-harness-custom', store, seed: 1, timeLimitS: seconds, rate: Infinity, concurrency: clients,
    quietS: 0, faults: [], faultIntervalS: 10, target: 'custom', workload: 'register', nodes: 3,
  };
  const req: RunRequest = {
    config, workload: 'register', nodeCount: 3,
    flags: new Map<string, string>([
      ['start', 'faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}'],
      ['client', 'http-kv'], ['health', '/health'], ['keys', String(KEYS)], ['values', String(VALUES)],
    ]),
  };
  const bare: { rate: number; cpuUs: number }[] = [];
  let harnessCpu = { user: 0, system: 0 };
  let cpuAtHarness = process.cpuUsage();
  const { results } = await runTest(config, async (run) => {
    const { plan, cluster } = await customParts(req, run);
    const nodes = (): { host: string; port: number }[] => cluster.nodes.map((n) => cluster.clientNode(n));
    plan.afterSetup = async () => {
      // Warm-up, not counted: a cold cluster (JIT, first snapshots) would count against the first phase.
      await barePhase(nodes(), clients, 3);
      bare.push(await barePhase(nodes(), clients, seconds));
      cpuAtHarness = process.cpuUsage();
    };
    // The second bare phase runs when the harness's clients are done, before the cluster goes.
    const teardown = plan.target.teardown.bind(plan.target);
    plan.target.teardown = async () => {
      harnessCpu = process.cpuUsage(cpuAtHarness);
      bare.push(await barePhase(nodes(), clients, seconds));
      return teardown();
    };
    return plan;
  }, fs.createWriteStream('/dev/null') as unknown as NodeJS.WriteStream);
  fs.rmSync(store, { recursive: true, force: true });
  const completions = Math.floor(results.ops / 2);
  const harnessRate = completions / seconds;
  const bareMean = bare.reduce((a, b) => a + b.rate, 0) / Math.max(1, bare.length);
  const lin = results.checkers.linearizable as { valid: unknown } | undefined;
  return {
    bareRates: bare.map((b) => b.rate), harnessRate, ratio: harnessRate / Math.max(1, bareMean),
    harnessCpuUs: (harnessCpu.user + harnessCpu.system) / Math.max(1, completions),
    bareCpuUs: bare.reduce((a, b) => a + b.cpuUs, 0) / Math.max(1, bare.length),
    valid: lin?.valid ?? results.valid, ...(results.error ? { error: results.error } : {}),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs: number[], digits: number): string => `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;

/** Runs the bench and prints its figures. */
export async function benchCustom(seconds: number, clients: number, rounds = 3): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cores; 3 Raft nodes (faultline-raft --listen) in namespaces, ${clients} clients, unpaced, register on ${KEYS} keys; ${rounds} rounds of bare ${seconds} s, harness ${seconds} s, bare ${seconds} s`);
  const all: Round[] = [];
  for (let i = 1; i <= rounds; i++) {
    const r = await round(seconds, clients);
    all.push(r);
    console.log(`round ${i}: bare ${r.bareRates.map((x) => x.toFixed(0)).join(' and ')} ops/s (CPU per op ${r.bareCpuUs.toFixed(1)} µs), harness ${r.harnessRate.toFixed(0)} ops/s (CPU per op ${r.harnessCpuUs.toFixed(1)} µs), ratio ${r.ratio.toFixed(2)}; linearizable ${String(r.valid)}${r.error ? `; error: ${r.error}` : ''}`);
  }
  console.log('                       min / median / max');
  console.log(`bare HTTP client       ${spread(all.flatMap((r) => r.bareRates), 0)} ops/s`);
  console.log(`harness, http-kv       ${spread(all.map((r) => r.harnessRate), 0)} ops/s`);
  console.log(`ratio                  ${spread(all.map((r) => r.ratio), 2)} × bare (floor 0.80)`);
  console.log(`CPU per op, bare       ${spread(all.map((r) => r.bareCpuUs), 1)} µs`);
  console.log(`CPU per op, harness    ${spread(all.map((r) => r.harnessCpuUs), 1)} µs (while driving: setup, teardown and checking excluded)`);
}
