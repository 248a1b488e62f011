/**
 * Faults from a CLI list (Jepsen's nemesis.combined/nemesis-package): each named family becomes a
 * package if the target can take it, or an unsupported-fault record naming what is missing; the
 * packages are then composed into one nemesis, one generator and one final healing generator.
 */
import { any, createRng, nemesis, ownRng, sleep as quiet, type GenLike, runSeed, type Rng, type Seed } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { FaultPackage, Nemesis, NetControl, Target, UnsupportedFault } from '../../../ground/contracts/roles.js';
import type { RunFaultSettings, RunObservations } from '../../../ground/contracts/run-contract.js';
import { bandwidthPackage, type BandwidthOptions } from './bandwidth.js';
import { churnPackage, type ChurnCut, type ChurnOptions } from './churn.js';
import { clockPackage, type ClockOptions } from './clock.js';
import { composeNemeses } from './compose.js';
import { checkDiskFaults, diskPackage, type DiskOptions } from './disk.js';
import type { FaultContext, FamilyBuild } from './family.js';
import { killPackage, type KillOptions } from './kill.js';
import { latencyPackage, lossPackage, type LatencyOptions, type LossOptions } from './net-faults.js';
import { partitionPackage, type PartitionOptions } from './partition.js';
import { PARTITION_SHAPES, type PartitionShape } from './grudge.js';
import { NODE_SPECS, type HoldersView, type NodeSpec } from './nodes.js';
import { pausePackage, type PauseOptions } from './pause.js';
import { membershipPackage, type MembershipOptions } from './membership.js';
import type { AutoFamily } from './auto/actions.js';
import { autoParts, type AutoOptions } from './auto/auto.js';
import type { LearnedState } from './auto/learner.js';
import { recordedChoices } from './auto/schedule.js';

/**
 * The fault names a run may ask for; `none` asks for nothing, `standard` for the target's standard
 * package (STANDARD_FAULTS, each where the target can take it).
 */
export const FAULT_NAMES = ['partition', 'leader-churn', 'kill', 'pause', 'clock', 'loss', 'latency', 'bandwidth', 'disk', 'membership', 'standard', 'auto', 'none'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** The standard package, as `npm start` runs it: partition, kill, pause, and clock. */
export const STANDARD_FAULTS = ['partition', 'kill', 'pause', 'clock'] as const;

/**
 * The standard families `target` can take: a family whose capability the target lacks is left out
 * (not reported unsupported: the package is "each where supported"), so the clock joins only where
 * the target can skew clocks.
 */
export function standardFamilies(target: Target, net?: NetControl): FaultName[] {
  const can: Record<(typeof STANDARD_FAULTS)[number], boolean> = {
    partition: (net ?? target.net) !== undefined && target.nodes.length > 1,
    kill: target.killable !== undefined,
    pause: target.pausable !== undefined,
    clock: target.clock !== undefined,
  };
  return STANDARD_FAULTS.filter((f) => can[f]);
}

export const DEFAULT_INTERVAL_NS = 10e9;

export interface FaultOptions {
  /** Nanoseconds from a start op's completion to its stop, and from a stop's completion to the next start. Default 10 s. */
  interval?: number;
  /** Seed of the nemesis' choices (which nodes, which offsets); use the run's seed. Default 0. */
  seed?: Seed;
  /** A stream to fork the nemesis' choices from instead of `seed`. */
  rng?: Rng;
  /** The network to partition / degrade instead of `target.net` (e.g. a real network's control). */
  net?: NetControl;
  partition?: PartitionOptions;
  churn?: ChurnOptions;
  kill?: KillOptions;
  pause?: PauseOptions;
  clock?: ClockOptions;
  loss?: LossOptions;
  latency?: LatencyOptions;
  bandwidth?: BandwidthOptions;
  disk?: DiskOptions;
  membership?: MembershipOptions;
  /** Waits inside long nemesis ops (clock strobes). Default: a real timer; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Where teardown problems go (they never throw). Default: dropped. */
  log?: (message: string) => void;
  /**
   * Nodes whose clients hold the lock or lead right now (the workload's live state). Only workloads
   * with holders pass it; without it `holders` (node target or partition shape) is refused. Its
   * `inside`, when there, names the holders inside the hold of their critical section (the aim's first choice).
   */
  holders?: HoldersView;
  /** `--nemesis auto`: the client outcomes it observes, a campaign's learned table, a schedule to replay. */
  auto?: AutoOptions;
}

/** Everything a run needs from its faults. */
export interface Faults {
  /** The families the target can take, in heal order. */
  packages: FaultPackage[];
  /** The families (or parts of them, e.g. `partition:primaries`) it cannot, with the reason. */
  unsupported: UnsupportedFault[];
  /** Routes each op to its package's nemesis; teardown heals everything and never throws. */
  nemesis: Nemesis;
  /** All packages' schedules running side by side, on the nemesis thread. */
  generator: GenLike;
  /** Every package's healing op, in heal order, on the nemesis thread. */
  finalGenerator: GenLike;
}

type Family = Exclude<FaultName, 'none' | 'standard' | 'auto'>;

/**
 * Builders in heal order: the network first (so restarted nodes rejoin a whole cluster), then clocks
 * (so nodes come back at true time), then resume, then restart (kills, then disk faults).
 */
const FAMILIES: ReadonlyArray<readonly [Family, (ctx: FaultContext, opts: FaultOptions) => FamilyBuild]> = [
  ['partition', (ctx, o) => partitionPackage(ctx, o.partition)],
  ['leader-churn', (ctx, o) => churnPackage(ctx, o.churn)],
  ['loss', (ctx, o) => lossPackage(ctx, o.loss)],
  ['latency', (ctx, o) => latencyPackage(ctx, o.latency)],
  ['bandwidth', (ctx, o) => bandwidthPackage(ctx, o.bandwidth)],
  ['clock', (ctx, o) => clockPackage(ctx, o.clock)],
  ['pause', (ctx, o) => pausePackage(ctx, o.pause)],
  ['kill', (ctx, o) => killPackage(ctx, o.kill)],
  ['disk', (ctx, o) => diskPackage(ctx, o.disk)],
  // Last: its final op records the views once everything else is healed and restarted.
  ['membership', (ctx, o) => membershipPackage(ctx, o.membership)],
];

/** Validates fault names; entries may also be comma-separated lists, as a CLI flag gives them. */
export function parseFaultNames(names: readonly string[]): FaultName[] {
  const parsed = names.flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n !== '');
  const unknown = parsed.filter((n) => !(FAULT_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    const quoted = unknown.map((n) => `'${n}'`).join(', ');
    throw new InputError(`unknown fault ${quoted}; valid faults are ${FAULT_NAMES.join(', ')}`);
  }
  if (parsed.includes('standard') && parsed.includes('leader-churn')) {
    throw new InputError('the standard faults include partition, and partition and leader-churn both set who can hear whom; use one of them per run');
  }
  const besideAuto = parsed.filter((n) => n !== 'auto' && n !== 'disk' && n !== 'none');
  if (parsed.includes('auto') && besideAuto.length > 0) {
    // auto chooses among the standard families itself; another schedule beside it would fight it.
    throw new InputError(`--nemesis auto chooses among partition, kill, pause and clock itself and takes only disk beside it (auto,disk), not ${besideAuto.join(',')}; drop ${besideAuto.join(',')} or use --nemesis ${besideAuto.join(',')} without auto`);
  }
  if (parsed.includes('partition') && parsed.includes('leader-churn')) {
    // Each replaces the whole grudge, so one would silently undo the other's cuts.
    throw new InputError('the faults partition and leader-churn both set who can hear whom, so each would undo the other; use one of them per run');
  }
  return [...new Set(parsed as FaultName[])];
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the named fault families against `target`; see `Faults`. */
export function buildFaults(names: readonly string[], target: Target, opts: FaultOptions = {}): Faults {
  const wanted = new Set<FaultName>(parseFaultNames(names));
  const auto = wanted.has('auto');
  if (wanted.has('standard') || auto) for (const f of standardFamilies(target, opts.net)) wanted.add(f);
  const interval = opts.interval ?? DEFAULT_INTERVAL_NS;
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new InputError(`the fault interval must be a positive number of nanoseconds, got ${interval}`);
  }
  const root = opts.rng ?? createRng(opts.seed ?? 0);
  const log = opts.log ?? ((): void => undefined);
  const packages: FaultPackage[] = [];
  const unsupported: UnsupportedFault[] = [];
  for (const [name, build] of FAMILIES) {
    if (!wanted.has(name)) continue;
    const ctx: FaultContext = {
      target,
      net: opts.net ?? target.net,
      interval,
      // Forked by name, so enabling another family does not change this one's choices.
      rng: root.fork(`nemesis:${name}`),
      sleep: opts.sleep ?? realSleep,
      log,
      ...(opts.holders ? { holders: opts.holders } : {}),
    };
    const built = build(ctx, opts);
    if (built.package !== undefined) packages.push(built.package);
    unsupported.push(...built.unsupported);
  }
  if (auto) {
    // The families' nemeses do the faults; the adaptive nemesis decides which, when and on whom.
    const families = packages.map((p) => p.name as AutoFamily);
    const parts = autoParts({ target, net: opts.net ?? target.net, interval, rng: root.fork('nemesis:auto'), sleep: opts.sleep ?? realSleep, log,
      ...(opts.holders ? { holders: opts.holders } : {}) }, families, opts.auto ?? {});
    return {
      packages,
      unsupported,
      nemesis: composeNemeses([...packages.map((p) => p.nemesis), parts.nemesis], log),
      generator: parts.generator,
      finalGenerator: nemesis(packages.map((p) => p.finalGenerator)),
    };
  }
  // Each family keeps its own start/stop rhythm; shifting family k by k/n of an interval makes the
  // faults overlap part of the time instead of all starting and stopping in lockstep.
  // Shifts are whole milliseconds, so schedules read cleanly.
  const shift = (k: number): number => Math.floor((k * interval) / packages.length / 1e6) * 1e6;
  // Each family draws its choices (a shape, a node selection, bump or strobe, a kind of change) from
  // a stream of its own, counted in its own invocations: which family goes next depends on when each
  // one's ops completed, so under the run's one nemesis stream a family's k-th fault got whatever
  // draw the interleaving handed it, and one seed gave other faults when the machine was slower. A
  // family alone has no interleaving: the run's nemesis stream is already its own.
  const own = (p: FaultPackage): GenLike => {
    if (packages.length === 1) return p.generator;
    const mine = new Set(p.nemesis.fs);
    return ownRng(root.fork(`nemesis-draws:${p.name}`), (e) => e.type === 'invoke' && e.process === 'nemesis' && mine.has(e.f), p.generator);
  };
  const shifted = packages.map((p, k) => [quiet(shift(k)), own(p)]);
  return {
    packages,
    unsupported,
    nemesis: composeNemeses(packages.map((p) => p.nemesis), log),
    generator: nemesis(any(...shifted)),
    finalGenerator: nemesis(packages.map((p) => p.finalGenerator)),
  };
}


/** Checks `--partition-shapes` and `--node-targets`; one sentence naming the bad name and the valid ones. */
export function checkFaultSettings(s: RunFaultSettings): void {
  const bad = (s.partitionShapes ?? []).filter((x) => !(PARTITION_SHAPES as readonly string[]).includes(x));
  if (bad.length > 0) throw new InputError(`--partition-shapes: unknown shape ${bad.join(', ')}; the shapes are ${PARTITION_SHAPES.join(', ')}`);
  const badNodes = (s.nodeTargets ?? []).filter((x) => !(NODE_SPECS as readonly string[]).includes(x));
  if (badNodes.length > 0) throw new InputError(`--node-targets: unknown target ${badNodes.join(', ')}; the targets are ${NODE_SPECS.join(', ')}`);
  checkDiskFaults(s.diskFaults ?? []);
}

/**
 * The FaultOptions of a run's settings (seed, interval, shapes, node targets, clock offsets, churn). It
 * does not validate: the CLI ran checkFaultSettings before the cluster started, and each family checks
 * its own options again when built.
 */
export function faultOptionsOf(s: RunFaultSettings, observed?: RunObservations): FaultOptions {
  const o: FaultOptions = { seed: runSeed(s.seed), interval: s.faultIntervalS * 1e9 };
  if (s.faults?.includes('auto')) {
    o.auto = {
      ...(observed ? { outcomes: () => observed.outcomes() } : {}),
      ...(s.autoSchedule ? { schedule: recordedChoices(s.autoSchedule) } : {}),
      ...(s.autoLearned ? { learned: s.autoLearned as LearnedState } : {}),
    };
  }
  if (s.partitionShapes?.length) o.partition = { shapes: s.partitionShapes as PartitionShape[] };
  if (s.nodeTargets?.length) {
    o.kill = { targets: s.nodeTargets as NodeSpec[] };
    o.pause = { targets: s.nodeTargets as NodeSpec[] };
    o.clock = { targets: s.nodeTargets as NodeSpec[] };
    o.disk = { targets: s.nodeTargets as NodeSpec[] };
  }
  if (s.diskFaults?.length) o.disk = { ...o.disk, faults: s.diskFaults };
  if (s.clockOffsetsMs) o.clock = { ...o.clock, minOffsetMs: s.clockOffsetsMs[0], maxOffsetMs: s.clockOffsetsMs[1] };
  if (s.churnLongWaitMs !== undefined) o.churn = { longWaitMs: s.churnLongWaitMs };
  if (s.membershipEveryMs !== undefined) o.membership = { everyMs: s.membershipEveryMs };
  if (s.churnCut !== undefined) o.churn = { ...o.churn, cut: s.churnCut as ChurnCut };
  return o;
}
