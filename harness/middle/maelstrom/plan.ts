/**
 * The plan of a run over the Maelstrom runtime: N processes of a Maelstrom-protocol program behind
 * the routed network, driven by a Maelstrom workload. `--target maelstrom` (any binary) and
 * `--target raft` (the bundled Raft, a Maelstrom-protocol program) both stand on it, so neither
 * target imports the other's folder.
 */
import { InputError } from '../../ground/history/errors.js';
import { flagValue, intFlag, parseDuration, REQUEST_TIMEOUT, valueOf } from '../../ground/contracts/flags.js';
import { buildFaults, faultOptionsOf } from '../faults/nemesis/index.js';
import type { LatencyDist } from '../../ground/contracts/roles.js';
import type { CheckResult } from '../../../checkers/contract.js';
import type { PlanContext, RunDir, RunPlan, RunRequest, TargetFlag } from '../../ground/contracts/run-contract.js';
import { getWorkload, TOPOLOGY_KINDS, type MaelstromWorkloadOptions, type TopologyKind } from '../workloads/index.js';
import { MaelstromCluster } from './cluster.js';
import type { MaelstromClusterOptions } from './cluster-options.js';
import { describeLatency } from './latency.js';

export const MAELSTROM_FLAGS: readonly TargetFlag[] = [
  { name: 'bin', kind: 'value', help: 'the node binary (a path, or a command on PATH); required' },
  { name: 'arg', kind: 'list', help: 'an argument for every node (repeat for several)' },
  { name: 'latency', kind: 'value', help: 'base message latency: 0 | 5ms (constant) | 1-10ms (uniform) | exp:5ms (exponential mean); default 0 (a bare number means seconds)' },
  { name: 'keys', kind: 'value', help: 'independent keys of lin-kv / txn-list-append (default 5; was --key-count)' },
  { name: 'topology', kind: 'value', help: `broadcast topology: ${TOPOLOGY_KINDS.join(', ')} (default grid)` },
  REQUEST_TIMEOUT,
  { name: 'env', kind: 'value', help: 'local only: nodes run as processes of this machine on the routed network' },
];

/**
 * Maelstrom nodes (and the bundled Raft) run only as local processes: they talk through the
 * controller's routed network over stdin/stdout, so in containers their messages would still cross
 * the controller's pipes and container network faults would never touch them.
 */
export function checkLocalOnly(req: { flags: ReadonlyMap<string, unknown> }, target: string, elsewhere?: (env: string) => string): void {
  const env = req.flags.get('env');
  if (env === undefined || env === 'local') return;
  // A target with a mode of its own for that environment says so (`elsewhere`), rather than leave
  // the user at a wall.
  const instead = elsewhere ? `; ${elsewhere(String(env))}` : '';
  throw new InputError(`--target ${target} runs only with --env local, not ${String(env)}: its nodes talk through the controller's routed network over stdin/stdout, so ${env === 'ssh' ? 'host' : 'container'} network faults would never touch their messages${instead}`);
}

const ms = parseDuration;

/** Parses `--latency`: `5ms`, `1-10ms` (uniform), `exp:5ms` (exponential with that mean). */
export function parseLatency(text: string): LatencyDist {
  const t = text.trim();
  if (t.startsWith('exp:')) return { kind: 'exponential', meanMs: ms(t.slice(4), 'latency') };
  const range = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(ms|s)?$/.exec(t);
  if (range) {
    const unit = range[3] ?? 's';
    const lo = ms(`${range[1]}${unit}`, 'latency');
    const hi = ms(`${range[2]}${unit}`, 'latency');
    if (hi < lo) throw new InputError(`--latency ${text}: the upper bound is below the lower; write e.g. 1-10ms`);
    return { kind: 'uniform', minMs: lo, maxMs: hi };
  }
  return { kind: 'constant', ms: ms(t, 'latency') };
}


export function workloadOptions(req: RunRequest, nodes: readonly string[]): MaelstromWorkloadOptions {
  const opts: MaelstromWorkloadOptions = { rate: req.config.rate, concurrency: req.config.concurrency, nodes };
  if (flagValue(req, 'keys') !== undefined) opts.keyCount = intFlag(req, 'keys', 5);
  const topo = flagValue(req, 'topology');
  if (topo !== undefined) {
    if (!(TOPOLOGY_KINDS as readonly string[]).includes(topo)) throw new InputError(`--topology ${topo} is not a topology; choose ${TOPOLOGY_KINDS.join(', ')}`);
    opts.topology = topo as TopologyKind;
  }
  opts.rpcTimeoutMs = valueOf(req, REQUEST_TIMEOUT);
  return opts;
}

/**
 * The plan of a Maelstrom run over `bin args…`. Shared by the bundled Raft target, which is a
 * Maelstrom node with its own binary and arguments.
 */
export function maelstromPlan(
  req: RunRequest, run: RunDir, ctx: PlanContext, bin: string, args: string[], targetName = 'maelstrom',
  extra: Partial<MaelstromClusterOptions> = {},
): RunPlan {
  const workload = getWorkload(req.workload);
  const latencyText = flagValue(req, 'latency');
  const latency = latencyText === undefined ? undefined : parseLatency(latencyText);
  // The workload's options are read once; the cluster's rpc timeout is theirs.
  const base = workloadOptions(req, []);
  const cluster = new MaelstromCluster({
    bin, args, nodeCount: req.nodeCount, dir: run.dir, seed: req.config.seed, latency,
    rpcTimeoutMs: base.rpcTimeoutMs, timeOrigin: ctx.t0, log: (line) => run.log(line), ...extra,
  });
  const wopts: MaelstromWorkloadOptions = { ...base, nodes: cluster.nodes };
  wopts.onProtocolError = (e) => run.log(`protocol error: ${e.message}`);
  run.log(`${targetName}: ${[bin, ...args].join(' ')} × ${req.nodeCount}, workload ${workload.name}, latency ${latency ? describeLatency(latency) : 'none'}`);
  return {
    target: cluster,
    workload,
    workloadOptions: wopts,
    model: req.workload === 'lin-kv' ? { name: 'cas-register' } : undefined,
    async afterSetup() {
      if (!workload.setup) return;
      const details = await workload.setup(cluster.client(), wopts);
      run.log(`workload setup: ${JSON.stringify(details)}`);
    },
    async openClient(thread) {
      // Threads spread over nodes round-robin; a new process (after an info) keeps its thread's node.
      const node = cluster.nodes[thread % cluster.nodes.length];
      return workload.client(cluster.client(), node, wopts);
    },
    faults: (target) => buildFaults(req.config.faults, target, { ...faultOptionsOf(req.config), log: (m) => run.log(m) }),
    extraResults() {
      const s = cluster.journal.stats();
      return {
        messages: s,
        crashes: cluster.crashes.map((c) => ({ node: c.node, pid: c.pid, code: c.code, signal: c.signal })),
        clockOffsets: cluster.clock?.clockOffsets(),
      };
    },
    targetVerdicts(): Record<string, CheckResult> {
      // Lines a node printed that are not Maelstrom messages: the node broke the protocol.
      const count = cluster.protocolErrorCount;
      const examples = cluster.protocolErrors.slice(0, 10);
      // Where Faultline is stricter than Maelstrom on purpose, it warns and never fails the verdict.
      const warnings = [...cluster.protocolWarnings.values()].map((w) => ({ node: w.node, rule: w.rule, count: w.count, message: w.text }));
      return {
        'node-protocol': count === 0
          ? { valid: true, count: 0, ...(warnings.length ? { warnings } : {}) }
          : { valid: false, count, examples, reason: `${count} line(s) printed by nodes were not valid Maelstrom messages (see examples)`, ...(warnings.length ? { warnings } : {}) },
      };
    },
  };
}
