/**
 * The roles of a run (docs/architecture.md, "The floors"): small interfaces, optional capabilities as separate
 * interfaces, so a nemesis asks a target for exactly what it needs and a target that lacks it is
 * reported as unsupported instead of silently skipped.
 */
import type { Checker } from '../../../checkers/contract.js';
import type { GenLike } from '../generator/types.js';

/** What a client says about one op: happened, definitely did not, or unknown. */
export interface Completion {
  type: 'ok' | 'fail' | 'info';
  value?: unknown;
  error?: unknown;
}

/** The part of an op a client needs to perform it. */
export interface ClientOp {
  process: number;
  f: string;
  value: unknown;
  key?: string | number;
}

/** A single-threaded logical client bound to one node (Jepsen's client). */
export interface Client {
  /** Performs the op. Must not throw for errors of the system under test: map them to a Completion. */
  invoke(op: ClientOp): Promise<Completion>;
  close(): Promise<void>;
}

/** Where a fault is applied: nodes by name. A grudge maps a node to the nodes it drops traffic FROM. */
export type Grudge = Record<string, string[]>;

/** Latency of the routed network: constant, uniform in [min, max], or exponential with a mean (ms). */
export type LatencyDist =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number };

/** Capabilities a target may offer the nemesis. */
export interface Killable {
  kill(node: string): Promise<void>;
  start(node: string): Promise<void>;
}
export interface Pausable {
  pause(node: string): Promise<void>;
  resume(node: string): Promise<void>;
}
export interface ClockControl {
  /** Shifts the node's clock by `deltaMs` relative to true time (cumulative offsets are replaced). */
  setClockOffset(node: string, offsetMs: number): Promise<void>;
  /** Current offsets, for the report. */
  clockOffsets(): Record<string, number>;
}
export interface NetControl {
  /** Replaces the current partition with this grudge (an empty grudge heals). */
  partition(grudge: Grudge): Promise<void>;
  /** Drops each message with this probability (0 heals). */
  setLoss(probability: number): Promise<void>;
  /** Extra latency on top of the base latency (null restores the base). */
  setExtraLatency(dist: LatencyDist | null): Promise<void>;
  /** Caps every node's egress at this rate in kbit/s (null lifts the cap); absent when the network cannot. */
  setBandwidth?(rateKbit: number | null): Promise<void>;
  /** Why `setBandwidth` is absent, for the unsupported-fault record. */
  bandwidthUnsupportedReason?: string;
}
export interface HasPrimaries {
  /** Nodes that currently believe they lead (may be several during a split brain). */
  primaries(): Promise<string[]>;
}

/** A system under test, with its lifecycle; capabilities are optional fields. */
export interface Target {
  name: string;
  nodes: readonly string[];
  /** Start the cluster and wait until it is healthy. */
  setup(): Promise<void>;
  /** Stop everything this target started. Must be idempotent and must not throw. */
  teardown(): Promise<void>;
  killable?: Killable;
  pausable?: Pausable;
  clock?: ClockControl;
  net?: NetControl;
  primaries?: HasPrimaries;
  /**
   * Servers that exited without the run asking (not killed by the nemesis, not at teardown), with
   * `process.hrtime.bigint()` of the exit and of the restart that brought the node back, if any: the
   * run's verdict is unknown when every node was gone this way (harness/top/run/liveness.ts).
   */
  ownExits?(): readonly { node: string; at: bigint; back?: bigint }[];
}

/** A fault family's nemesis (Jepsen's nemesis protocol). */
export interface Nemesis {
  /** The fault ops it handles, e.g. `start-partition`, `stop-partition`. */
  fs: readonly string[];
  setup?(): Promise<void>;
  /** Applies the fault; the returned value is recorded in the nemesis' info completion. */
  invoke(op: { f: string; value: unknown }): Promise<unknown>;
  /** Heals whatever is still applied. Must not throw. */
  teardown(): Promise<void>;
}

/** One fault family packaged with its schedule (Jepsen's nemesis.combined). */
export interface FaultPackage {
  name: string;
  nemesis: Nemesis;
  /** Nemesis ops during the run. */
  generator: GenLike;
  /** Ops that heal everything at the end of the run. */
  finalGenerator: GenLike;
  /** When this fault is in force: the report's bands and the progress line come from these alone. */
  bands: FaultBand[];
}

/**
 * A fault's time in force, as its package declares it: from a nemesis op `start` until the next op
 * `stop` (a `stop` equal to `start` means the op itself: in force from its invoke to its completion,
 * as a clock strobe). Stored in test.json, so the report of a run reads the bands its faults declared.
 */
export interface FaultBand {
  name: string;
  start: string;
  stop: string;
}

/** A fault the target cannot take: reported in results, never silently skipped. */
export interface UnsupportedFault {
  fault: string;
  reason: string;
}

export interface WorkloadOptions {
  /** Client ops per second across all clients. */
  rate: number;
  concurrency: number;
  nodes: readonly string[];
  /** Keys for independent-key workloads. */
  keyCount?: number;
}

/** A workload: what clients do and how the history is judged. */
export interface Workload {
  name: string;
  /** Client ops during the run (wrapped by the run in its time limit). */
  generator(opts: WorkloadOptions): GenLike;
  /** Ops after healing and the quiet period (final reads), if any. */
  finalGenerator?(opts: WorkloadOptions): GenLike;
  checkers: Checker[];
}
