/**
 * Client overhead of `--target custom`: a 3-node cluster of the bundled Raft in `--listen` mode (real
 * TCP between namespaces, http-kv clients), warmed up for 5 s, then driven by a bare HTTP loop (N concurrent loops of
 * the same op mix through the same transport, no harness) for S seconds, then — same cluster, same
 * run — by the whole pipeline (generator → interpreter → driver → http-kv client → completion →
 * history.jsonl), unpaced, N clients, S seconds. Prints both ops/s, their ratio (floor 0.8) and the
 * harness's CPU per op. Prints figures; asserts nothing.
 *
 *   npm run bench:harness -- --target custom [--seconds 20 --clients 50]
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { runTest } from '../harness/run/run.js';
import type { RunConfig, RunRequest } from '../harness/run-contract.js';
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

/** Runs the bench and prints its figures. */
export async function benchCustom(seconds: number, clients: number): Promise<void> {
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
  const bare = { ok: 0, errors: 0, cpuUs: 0 };
  let cpuAtHarness = process.cpuUsage();
  const { results } = await runTest(config, async (run) => {
    const { plan, cluster } = await customParts(req, run);
    plan.afterSetup = async () => {
      // Warm-up, not counted: a cold cluster (JIT, first snapshots) would count against the bare phase.
      const warm = { ok: 0, errors: 0 };
      const warmUntil = Date.now() + 5_000;
      await Promise.all(Array.from({ length: clients }, (_, i) => bareLoop(cluster.clientNode(cluster.nodes[i % cluster.nodes.length]), warmUntil, warm)));
      const cpu0 = process.cpuUsage();
      const until = Date.now() + seconds * 1000;
      await Promise.all(Array.from({ length: clients }, (_, i) => bareLoop(cluster.clientNode(cluster.nodes[i % cluster.nodes.length]), until, bare)));
      const c = process.cpuUsage(cpu0);
      bare.cpuUs = c.user + c.system;
      cpuAtHarness = process.cpuUsage();
    };
    return plan;
  }, fs.createWriteStream('/dev/null') as unknown as NodeJS.WriteStream);
  const cpu = process.cpuUsage(cpuAtHarness);
  const completions = Math.floor(results.ops / 2);
  const bareOps = bare.ok + bare.errors;
  const harnessRate = completions / seconds;
  const bareRate = bareOps / seconds;
  const lin = results.checkers.linearizable as { valid: unknown } | undefined;
  console.log(`node ${process.version}, ${os.cpus().length} cores; 3 Raft nodes (faultline-raft --listen) in namespaces, ${clients} clients, ${seconds} s each, unpaced, register on ${KEYS} keys`);
  console.log(`bare HTTP client       ${bareRate.toFixed(0)} ops/s (${bareOps} answers, ${bare.errors} without one; CPU per op ${(bare.cpuUs / Math.max(1, bareOps)).toFixed(1)} µs)`);
  console.log(`harness, http-kv       ${harnessRate.toFixed(0)} ops/s (${completions} completions)`);
  console.log(`ratio                  ${(harnessRate / Math.max(1, bareRate)).toFixed(2)} × bare (floor 0.80)`);
  console.log(`harness CPU per op     ${((cpu.user + cpu.system) / Math.max(1, completions)).toFixed(1)} µs (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s, incl. teardown and checking)`);
  console.log(`verdict                ${String(results.valid)} (linearizable: ${String(lin?.valid)})${results.error ? `; error: ${results.error}` : ''}`);
  fs.rmSync(store, { recursive: true, force: true });
}
