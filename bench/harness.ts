/**
 * Harness throughput: the whole run pipeline (generator → interpreter → driver → client → routed
 * network → built-in lin-kv service → completion → history.jsonl), with N client threads sending
 * read/write/cas straight to the `lin-kv` service, unpaced, for S seconds. Prints sustained ops/s and
 * the harness's CPU per op, then checks the history. Prints figures; asserts nothing.
 *
 *   npm run bench:harness [-- --seconds 20 --clients 50]
 *   npm run bench:harness -- --target custom [--seconds 10 --clients 50 --rounds 3]
 *
 * With `--target custom`, the same figures for the http-kv client against the bundled Raft over real
 * TCP, beside a bare HTTP client on the same cluster (harness-custom.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFaults } from '../harness/middle/faults/nemesis/index.js';
import { runTest } from '../harness/top/run/run.js';
import { type RunConfig } from '../harness/ground/contracts/run-contract.js';
import { linKv } from '../harness/middle/workloads/index.js';
import { MaelstromCluster } from '../harness/middle/maelstrom/index.js';
import { benchCustom } from './harness-custom.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 20);
const clients = arg('clients', 50);
if (argv.includes('--target') && argv[argv.indexOf('--target') + 1] === 'custom') {
  await benchCustom(argv.includes('--seconds') ? seconds : 10, clients, arg('rounds', 3));
  process.exit(0);
}
const here = nodePath.dirname(fileURLToPath(import.meta.url));
// dist/bench → the echo node in the source tree: one node is needed for a cluster to exist at all.
const echo = nodePath.resolve(here, '../../test/nodes/echo.mjs');
const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-harness-'));

const config: RunConfig = {
  name: 'bench-harness', store, seed: 1, timeLimitS: seconds, rate: Infinity, concurrency: clients,
  quietS: 0, faults: [], faultIntervalS: 10,
};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { dir, results } = await runTest(config, (run, ctx) => {
  const cluster = new MaelstromCluster({ bin: echo, nodeCount: 1, dir: run.dir, seed: 1, timeOrigin: ctx.t0, log: (l) => run.log(l) });
  const wopts = { rate: Infinity, concurrency: clients, nodes: ['lin-kv'], keyCount: 100, rpcTimeoutMs: 5000 };
  return {
    target: cluster,
    workload: linKv,
    workloadOptions: wopts,
    // Every client talks to the built-in linearizable service itself, not to a node.
    openClient: async () => linKv.client(cluster.client(), 'lin-kv', wopts),
    faults: (t) => buildFaults([], t),
  };
}, fs.createWriteStream('/dev/null') as unknown as NodeJS.WriteStream);
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const completions = Math.floor(results.ops / 2);
const lin = results.checkers.linearizable as { valid: unknown; timeMs?: number } | undefined;
console.log(`node ${process.version}, ${os.cpus().length} cores; ${clients} clients, ${seconds} s, unpaced, lin-kv service, journal on`);
console.log(`ops completed          ${completions}`);
console.log(`sustained throughput   ${(completions / seconds).toFixed(0)} ops/s over the ${seconds} s time limit (floor 5,000)`);
console.log(`harness CPU per op     ${((cpu.user + cpu.system) / completions).toFixed(1)} µs (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s, incl. checking)`);
console.log(`wall, whole run        ${wallS.toFixed(1)} s (setup, run, teardown, checkers)`);
console.log(`verdict                ${String(results.valid)} (linearizable: ${String(lin?.valid)})`);
fs.rmSync(store, { recursive: true, force: true });
void dir;
