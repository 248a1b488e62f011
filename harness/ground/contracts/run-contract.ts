/**
 * The run contract: what a run is made of (config, plan, results) and what `faultline run --target
 * NAME` needs from a target (its flags, preflight, plan builder). Targets, reports and the controller
 * all speak these types; the file imports only the other contracts, so none of them reaches into the
 * controller (`harness/top/run`, `harness/top/cli`) to get them.
 */
import type { CheckResult } from '../../../checkers/contract.js';
import type { GenLike } from '../generator/types.js';
import type { Op } from '../history/op.js';
import type { Clock } from '../generator/clock.js';
import type { Client, FaultPackage, Nemesis, Target, UnsupportedFault, Workload, WorkloadOptions } from './roles.js';

/** What a requirement may ask about the machine (injected, so preflights are unit-tested). */
export interface MachineProbe {
  isRoot(): boolean;
  /** True when `bin` is an executable on PATH, or an existing absolute path. */
  hasCommand(bin: string): boolean;
  hasFile(path: string): boolean;
}

/** One thing a target, an environment or a fault needs on the machine; `faultline doctor` lists them. */
export interface Requirement {
  /** What is missing, as the message names it, e.g. `etcd (Debian package etcd-server)`. */
  what: string;
  present(probe: MachineProbe): boolean;
  /** The command that installs it. */
  install: string;
  /** Its version, for `faultline doctor` (when present). */
  version?(): Promise<string | undefined>;
}

/** A run's directory in the store and its harness log (created by the controller). */
export interface RunDir {
  dir: string;
  log(message: string): void;
  writeJson(name: string, value: unknown): void;
  close(): void;
  /** Points the `latest` links at this run: done once the run starts something, never before. */
  publish?(): void;
  /** Removes the directory (and the test and store directories if this run created them). */
  discard?(): void;
}

/** What a run's config says about its faults (`faultline run` flags). */
export interface RunFaultSettings {
  /** The run's seed: an integer; one beyond 2^53 as its exact decimal digits, which a JSON number would round. */
  seed: number | string;
  faultIntervalS: number;
  /** `--partition-shapes`: the shapes partitions draw from (default all). */
  partitionShapes?: readonly string[];
  /** `--node-targets`: the nodes kill, pause and clock faults draw from (defaults: see each family). */
  nodeTargets?: readonly string[];
  /** `--clock-offsets`: [min, max] ms of clock bumps and strobes. */
  clockOffsetsMs?: readonly [number, number];
  /** `--churn-long-wait`: leader-churn's longest long wait, ms. */
  churnLongWaitMs?: number;
  /** `--membership-every`: ms between membership changes (default half the fault interval). */
  membershipEveryMs?: number;
  /** `--churn-cut`: how leader-churn cuts a leader off: `partition` (default) or `pause`. */
  churnCut?: string;
  /** `--disk-faults`: the disk faults `--nemesis disk` takes in turn (default all the target can apply). */
  diskFaults?: readonly string[];
  /**
   * `--auto-schedule DIR`: with `--nemesis auto`, replay the choices recorded in that run directory's
   * history (its `auto-decide` completions) instead of learning; `--replay` of an auto run sets it.
   */
  autoSchedule?: string;
  /** The fault names (`--nemesis`); RunConfig requires them. */
  faults?: readonly string[];
  /**
   * Not a flag: a campaign's learned table for `--nemesis auto`, handed from run to run (`--repeat`,
   * the matrix); never written to test.json.
   */
  autoLearned?: object;
}

/** Everything that decides a run; written whole to `test.json` so a run can be replayed. */
export interface RunConfig extends RunFaultSettings {
  name: string;
  store: string;
  seed: number | string;
  timeLimitS: number;
  /** Client ops per second, all clients together. */
  rate: number;
  concurrency: number;
  /** Seconds of calm after healing, before final reads. */
  quietS: number;
  faults: string[];
  /** Seconds between fault starts. */
  faultIntervalS: number;
  /** `--watch-window`: how long one `watch` op of the watch workload observes, ms. */
  watchWindowMs?: number;
  /** `--watch-compact-every`: seconds between the watch workload's compactions (0: none). */
  watchCompactEveryS?: number;
  /** `--watch-wait`: the longest a long poll or blocking query of a watcher waits, ms. */
  watchWaitMs?: number;
  /** The rest of the config: target, workload and their options, as the CLI received them. */
  [more: string]: unknown;
}

/** Client completions counted so far in a run: cumulative, by type. */
export interface ClientOutcomes {
  ok: number;
  fail: number;
  info: number;
}

/** What a run observes as it goes, offered to its faults. */
export interface RunObservations {
  /** The client completions recorded so far. */
  outcomes(): ClientOutcomes;
}

/** The parts a run is made of, built from the config by the caller (CLI or test). */
export interface RunPlan {
  target: Target;
  workload: Workload;
  workloadOptions: WorkloadOptions;
  openClient(thread: number, process: number): Promise<Client>;
  /**
   * Builds the fault packages once the target is up (capabilities may depend on it). `observed` is
   * what the run observes as it goes (client outcomes), for a nemesis that adapts (`--nemesis auto`).
   */
  faults(target: Target, observed?: RunObservations): { nemesis: Nemesis; generator: GenLike; finalGenerator: GenLike; packages: FaultPackage[]; unsupported: UnsupportedFault[] };
  /** Model spec for `faultline check` of this run later (written to test.json). */
  model?: { name: string; options?: Record<string, unknown> };
  /**
   * Runs once the target is healthy and before any op (a workload's own setup, e.g. broadcast's
   * topology). A throw ends the run like a failed setup.
   */
  afterSetup?(): Promise<void>;
  /**
   * Extra results from the target (message counts, crashes), merged into results.json; `history` is
   * the run's history, for figures per op (messages per op).
   */
  extraResults?(history: readonly Op[]): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Nodes whose clients hold a lock right now (lock workloads): the fault record's holder mark. */
  holders?(): readonly string[];
  /**
   * How this run's leases meet clock faults (harness/top/run/lease-clock.ts); only for a workload that
   * relies on a lease (a lock's TTL, a session, a read lease). Without it, the run has no lease to report.
   */
  leaseClock?: LeaseClock;
  /**
   * Verdicts the target itself reached (e.g. a node that broke the wire protocol), merged with the
   * workload's checkers so they count toward the run's verdict.
   */
  targetVerdicts?(): Record<string, CheckResult>;
}

/**
 * Whether a clock fault reaches the clock a target's lease is timed by: `skewable` with what the lease
 * is, or not, with why (a Go binary libfaketime cannot skew; a session timed on a monotonic clock).
 */
export type LeaseClock = { skewable: true; lease: string } | { skewable: false; why: string };

/** What a plan builder gets besides the run directory. */
export interface PlanContext {
  /** The run clock's reading (`process.hrtime.bigint()` on the real clock) that history times count from; targets align their journals with it. */
  t0: bigint;
  /**
   * The run's clock: real for every target on real nodes; the in-memory target (targets/memory) waits
   * only on it, so a run on the simulated clock is deterministic. Absent from older callers: real.
   */
  clock?: Clock;
}

export interface RunOutcome {
  dir: string;
  results: RunResults;
}

export interface RunResults {
  valid: true | false | 'unknown';
  checkers: Record<string, CheckResult>;
  unsupportedFaults: UnsupportedFault[];
  interrupted?: string;
  error?: string;
  ops: number;
  durationS: number;
  [more: string]: unknown;
}

/** The parsed command line of a run: common settings in `config`, target flags in `flags`. */
export interface RunRequest {
  /** Everything common to all targets (name, store, seed, time limit, rate, concurrency, faults…). */
  config: RunConfig;
  /** The target's own flags, by name without `--`: a string, `true` for a bare flag, or a list when repeated. */
  flags: ReadonlyMap<string, string | true | string[]>;
  /** Workload name (`--workload`). */
  workload: string;
  /** Node count (`--nodes`). */
  nodeCount: number;
  /**
   * The target's typed flag values by flag name (its declared default when absent), parsed and
   * range-checked once where the settings were read; read them with `valueOf` (harness/ground/contracts/flags.ts).
   */
  values?: ReadonlyMap<string, unknown>;
}

/** What a setting's declaration tells the reader of its value: whom the value is for. */
export interface FlagContext {
  target: string;
  workload: string;
}

/** How a flag's text becomes a typed value: its parser, default and range, declared once. */
export interface FlagType<T> {
  /** The value of `text`, or an InputError naming the flag and what is allowed (range included). */
  parse(text: string, flag: string): T;
  /** The value when the flag is absent (may depend on the target or workload); none: absent stays absent. */
  default?: T | ((c: FlagContext) => T);
  /** The default as help shows it, e.g. `2s`. */
  defaultText?: string | ((c: FlagContext) => string);
  /** A check against the other flags' values (e.g. two ports that must differ), after every flag is parsed. */
  check?(value: T, values: ReadonlyMap<string, unknown>, flag: string): void;
}

export interface TargetFlag {
  /** Flag name without `--`. */
  name: string;
  /** `value` takes one value, `list` may repeat (or take a comma list), `bool` takes none. */
  kind: 'value' | 'list' | 'bool';
  help: string;
  /** Its parser, default and range; a flag without one is read as text. */
  type?: FlagType<unknown>;
}

/** An image recipe as the contracts see it (the full type: harness/middle/hosts/docker/images.ts). */
export interface TargetImageRecipe {
  name: string;
  tag: string;
  describe: string;
  from?: TargetImageRecipe;
  build(docker: unknown, log: (m: string) => void): Promise<void>;
}

/**
 * An image a target offers other runs (the bundled Raft's, for `--target custom --env docker`):
 * `faultline images` and doctor find it here, through the target registry, not by the target's path.
 */
export interface TargetImage {
  /** The name `faultline images --target` takes. */
  name: string;
  /** The name a user passes to `--image`, pointed at the recipe's image after a build. */
  alias: string;
  /** What it is for, as doctor says it. */
  for: string;
  recipe(): TargetImageRecipe;
  tagAlias(docker: unknown, tag: string): Promise<void>;
}

/**
 * A named set of flags for a target (`--preset NAME`), e.g. a Gossip Glomers challenge; flags given
 * beside it win. `efficiency` holds the targets the challenge states, for the run's views to judge.
 */
export interface TargetPreset {
  /** What it stands for, e.g. "3d: Efficient Broadcast, Part I". */
  challenge: string;
  args: readonly string[];
  efficiency?: { msgsPerOp?: number; medianLatencyMs?: number; maxLatencyMs?: number };
}

export interface TargetEntry {
  name: string;
  /** Named flag sets (`--preset NAME`), declared by the target; needs a `preset` flag among `flags`. */
  presets?: Readonly<Record<string, TargetPreset>>;
  /** One line for `faultline run --help`. */
  summary: string;
  /** Workloads this target runs, first is the default. */
  workloads: readonly string[];
  flags: readonly TargetFlag[];
  /** The fewest nodes the target runs, and why (refused where the settings are read, before anything starts). */
  minNodes?: { min: number; why: string; suggest: number };
  /**
   * Checks the machine and the flags before anything starts; throws an InputError naming what is
   * missing and the command that installs it (root, a package, a binary).
   */
  preflight?(req: RunRequest): void | Promise<void>;
  /**
   * What this machine needs to run the target (beyond its environment's own needs): binaries, jars,
   * libraries. Without a request, the defaults — what `faultline doctor` lists.
   */
  requirements?(req?: RunRequest): readonly Requirement[];
  /**
   * Builds the plan inside the run directory (logs and node files go there); `ctx.t0` is the
   * instant history times count from.
   */
  plan(req: RunRequest, run: RunDir, ctx: PlanContext): Promise<RunPlan> | RunPlan;
  /** An image this target builds for other runs, if any. */
  image?: TargetImage;
}
