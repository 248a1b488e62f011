/**
 * The plan of a run over the Maelstrom runtime: N processes of a Maelstrom-protocol program behind
 * the routed network, driven by a Maelstrom workload. `--target maelstrom` (any binary) and
 * `--target raft` (the bundled Raft, a Maelstrom-protocol program) both stand on it, so neither
 * target imports the other's folder.
 */
import fs from 'node:fs';
import { InputError } from '../../ground/history/errors.js';
import { choiceOption, flagValue, parseDuration, REQUEST_TIMEOUT, valueOf, type TypedFlag } from '../../ground/contracts/flags.js';
import { buildFaults, faultOptionsOf } from '../faults/nemesis/index.js';
import type { LatencyDist } from '../../ground/contracts/roles.js';
import type { CheckResult } from '../../../checkers/contract.js';
import { CONSISTENCY_MODELS } from '../workloads/consistency-models.js';
import { KEYS } from '../workloads/keys.js';
import { judgeEfficiency } from '../../../checkers/efficiency.js';
import { netStatsOfFile, type NetStats } from '../../../checkers/net-stats.js';
import { stableLatency } from '../../../checkers/stable-latency.js';
import type { Op } from '../../ground/history/op.js';
import type { PlanContext, RunDir, RunPlan, RunRequest, TargetFlag } from '../../ground/contracts/run-contract.js';
import { getWorkload, TOPOLOGY_KINDS, type MaelstromWorkload, type MaelstromWorkloadOptions } from '../workloads/index.js';
import { MaelstromCluster } from './cluster.js';
import type { MaelstromClusterOptions } from './cluster-options.js';
import { describeLatency, meanLatencyMs } from './latency.js';
import { GLOMERS_PRESETS } from './presets.js';

/** `--latency`: the delay of messages between nodes and services (never of client messages), typed where the settings are read. */
export const LATENCY: TypedFlag<LatencyDist> = {
  name: 'latency', kind: 'value',
  help: 'base message latency between nodes: 0 | 5ms (constant) | 1-10ms (uniform) | exp:5ms (exponential mean); default 0 (a bare number means seconds)',
  type: { parse: (text) => parseLatency(text) },
};
/** `--topology` of broadcast: the neighbours each node is told (the first is the default). */
export const TOPOLOGY = choiceOption('topology', TOPOLOGY_KINDS, 'broadcast topology');

export const MAELSTROM_FLAGS: readonly TargetFlag[] = [
  { name: 'bin', kind: 'value', help: 'the node binary (a path, or a command on PATH); required' },
  { name: 'arg', kind: 'list', help: 'an argument for every node (repeat for several)' },
  LATENCY,
  KEYS,
  TOPOLOGY,
  REQUEST_TIMEOUT,
  CONSISTENCY_MODELS,
  { name: 'preset', kind: 'value', help: `a Gossip Glomers challenge's settings: ${Object.keys(GLOMERS_PRESETS).join(', ')} (node count, rate, latency, faults; flags given beside it win)` },
  { name: 'strict-protocol', kind: 'bool', help: 'a line a node prints that is not a Maelstrom message makes the run INVALID (default: it is dropped and reported as a protocol warning, as Maelstrom logs and drops it)' },
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


/** The workload options of a run: rate, keys, topology, and the request timeout Maelstrom would use. */
export function workloadOptions(req: RunRequest, nodes: readonly string[]): MaelstromWorkloadOptions {
  const latency = valueOf(req, LATENCY) as LatencyDist | undefined;
  const opts: MaelstromWorkloadOptions = { rate: req.config.rate, concurrency: req.config.concurrency, nodes };
  const keys = valueOf(req, KEYS);
  if (keys !== undefined) opts.keyCount = keys;
  if (req.flags.has(TOPOLOGY.name)) opts.topology = valueOf(req, TOPOLOGY);
  opts.rpcTimeoutMs = valueOf(req, REQUEST_TIMEOUT);
  // Not set by the user: the workload's own, where Maelstrom computes one (lin-kv, from the latency).
  const workload = getWorkload(req.workload);
  if (flagValue(req, REQUEST_TIMEOUT.name) === undefined && workload.requestTimeoutMs) {
    opts.rpcTimeoutMs = workload.requestTimeoutMs(latency ? meanLatencyMs(latency) : 0, opts.rpcTimeoutMs);
  }
  return opts;
}

/** True when the run's faults include clock skew (named, or in the standard package). */
export function clockFaultsAsked(faults: readonly string[]): boolean {
  return faults.some((f) => f === 'clock' || f === 'standard' || f === 'auto');
}

/** The workload of the run, checked for --consistency-models when given; an InputError when it has no such choice. */
export function workloadOf(req: RunRequest): MaelstromWorkload {
  const w = getWorkload(req.workload);
  if (!req.flags.has('consistency-models')) return w;
  const models = valueOf(req, CONSISTENCY_MODELS);
  if (!w.withConsistencyModels) throw new InputError(`--consistency-models is for the txn-list-append and txn-rw-register workloads, not ${w.name}; drop it`);
  return w.withConsistencyModels(models);
}

/** results.json's `net`, or nothing (logged) when the journal is missing or cannot be read whole. */
function netStatsOrNothing(journal: string, history: readonly Op[], log: (line: string) => void): { net?: NetStats } {
  if (!fs.existsSync(journal)) return {};
  try {
    return { net: netStatsOfFile(journal, history) };
  } catch (err) {
    log(`net statistics: ${journal} could not be read: ${(err as Error).message}`);
    return {};
  }
}

/**
 * The plan of a Maelstrom run over `bin args…`. Shared by the bundled Raft target, which is a
 * Maelstrom node with its own binary and arguments.
 */
export function maelstromPlan(
  req: RunRequest, run: RunDir, ctx: PlanContext, bin: string, args: string[], targetName = 'maelstrom',
  extra: Partial<MaelstromClusterOptions> = {},
): RunPlan {
  const workload = workloadOf(req);
  const presetName = flagValue(req, 'preset');
  const latency = valueOf(req, LATENCY) as LatencyDist | undefined;
  // The workload's options are read once; the cluster's rpc timeout is theirs.
  const base = workloadOptions(req, []);
  const cluster = new MaelstromCluster({
    bin, args, nodeCount: req.nodeCount, dir: run.dir, seed: req.config.seed, latency,
    rpcTimeoutMs: base.rpcTimeoutMs, timeOrigin: ctx.t0, log: (line) => run.log(line),
    // libfaketime only when clock faults are asked for: preloaded, it breaks programs Maelstrom runs
    // fine (Python's time.sleep fails with EINVAL under it), and Maelstrom itself preloads nothing.
    ...(clockFaultsAsked(req.config.faults) ? {} : { faketime: false as const }),
    ...extra,
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
    faults: (target, observed) => buildFaults(req.config.faults, target, { ...faultOptionsOf(req.config, observed), log: (m) => run.log(m) }),
    async extraResults(history) {
      const s = cluster.journal.stats();
      // Per-op figures from the journal file as written (checkers/net-stats.ts), so they equal what a
      // reader of messages.jsonl and history.jsonl computes.
      await cluster.journal.flush();
      const net = netStatsOrNothing(cluster.journal.path, history, (line) => run.log(line));
      return {
        messages: s,
        ...net,
        crashes: cluster.crashes.map((c) => ({ node: c.node, pid: c.pid, code: c.code, signal: c.signal })),
        clockOffsets: cluster.clock?.clockOffsets(),
        // The challenge and its efficiency targets, judged met or not (never the verdict).
        ...presetResults(presetName, net.net, history),
      };
    },
    targetVerdicts(): Record<string, CheckResult> {
      return { 'node-protocol': nodeProtocolVerdict(cluster, req.flags.get('strict-protocol') === true) };
    },
  };
}

/** results.json's `preset` (the challenge, its targets, and whether the run met them), or nothing. */
function presetResults(name: string | undefined, net: NetStats | undefined, history: readonly Op[]): Record<string, unknown> {
  const p = name !== undefined && Object.prototype.hasOwnProperty.call(GLOMERS_PRESETS, name) ? GLOMERS_PRESETS[name] : undefined;
  if (p === undefined) return {};
  const efficiency = p.efficiency ? judgeEfficiency(p.efficiency, net, history.some((o) => o.f === 'broadcast') ? stableLatency(history) : undefined) : undefined;
  return { preset: { name, ...p, ...(efficiency ? { efficiency } : {}) } };
}

/**
 * The `node-protocol` result. A line a node printed that is not a Maelstrom message was dropped;
 * Maelstrom logs such a line and drops it (its Ruby library even answers a peer's message during
 * init with `src: null`), so by default each is a warning naming node, line and time and the
 * workload's checkers decide the verdict. `strict` makes any such line INVALID, as before #31.
 */
export function nodeProtocolVerdict(cluster: Pick<MaelstromCluster, 'protocolErrorCount' | 'protocolErrors' | 'protocolWarnings' | 'initFailures'>, strict: boolean): CheckResult {
  const count = cluster.protocolErrorCount;
  const examples = cluster.protocolErrors.slice(0, 10);
  // Where Faultline is stricter than Maelstrom on purpose, it warns and never fails the verdict.
  const warnings: Record<string, unknown>[] = [...cluster.protocolWarnings.values()].map((w) => ({ node: w.node, rule: w.rule, count: w.count, message: w.text }));
  if (count === 0) return { valid: true, count: 0, ...(warnings.length ? { warnings } : {}) };
  // A node that printed malformed lines and never initialised (its init_ok among them, typically):
  // there is no history to decide, and the lines are why — the run's finding, as Maelstrom's test fails.
  const unready = [...new Set(cluster.protocolErrors.map((e) => e.node))].filter((n) => cluster.initFailures.has(n));
  if (strict || unready.length > 0) {
    const why = strict ? '--strict-protocol makes that INVALID' : `${unready.join(', ')} never answered init`;
    return { valid: false, count, examples, reason: `${count} line(s) printed by nodes were not valid Maelstrom messages (see examples; ${why})`, ...(warnings.length ? { warnings } : {}) };
  }
  for (const e of examples) {
    warnings.push({ node: e.node, rule: 'malformed-line', count: 1, time: e.time, line: e.line,
      message: `${e.node} printed a line that is not a Maelstrom message at ${(e.time / 1e9).toFixed(3)} s (${e.problem}); dropped, as Maelstrom drops it: ${e.line}` });
  }
  if (count > examples.length) warnings.push({ rule: 'malformed-line', count: count - examples.length, message: `${count - examples.length} more malformed line(s), dropped (the first ${examples.length} are listed)` });
  return { valid: true, count, dropped: count, warnings };
}

