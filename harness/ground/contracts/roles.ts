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
  /**
   * Records, now, an event the client received (a watch's delivery; history record type `event`,
   * harness/ground/history/op.ts) under this op's process, with the node it came from. A client may
   * keep calling it after the op completed (a ZooKeeper watch fires between windows): the event is
   * recorded when it arrives, until the run's clients are closed. Absent when nothing records events.
   */
  observe?: (value: unknown, node?: string) => void;
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

/** One node's view of the cluster's configuration, as it reports it (the membership health record). */
export interface MemberView {
  /** The members it believes in; null when it could not be asked (down, paused, cut off, not started). */
  members: string[] | null;
  /** Its role as it says (leader, follower, …), when it answered. */
  role?: string;
  /** The controller counts it a member. */
  member: boolean;
  /** Removed by the controller and still running (a removed ZooKeeper server goes on as a follower). */
  removedStillRunning?: boolean;
  /** Its configuration is committed as far as it knows (where the store says). */
  committed?: boolean;
  /** Why there is no view (down, no answer). */
  error?: string;
}

/**
 * Membership changes (`--nemesis membership`): one host at a time leaves or joins. `hosts` are every
 * host that can be a member (the nodes and the spare provisioned for additions); `members` what the
 * controller last applied. Each change resolves once the store accepted it, with what it reported.
 */
export interface MembershipControl {
  readonly hosts: readonly string[];
  /** The members as the controller last applied them (the first `--nodes` hosts at the start). */
  members(): readonly string[];
  /** Removes a member; the value recorded in the history. */
  remove(node: string): Promise<Record<string, unknown>>;
  /** Adds a host that is not a member, with empty data (wiped first if it ever ran). */
  add(node: string): Promise<Record<string, unknown>>;
  /** Every host's view of the configuration. */
  views(): Promise<Record<string, MemberView>>;
  /** Members the leader has not heard from lately, where the store can tell: an operator removes the dead one first. */
  unreachable?(): Promise<string[]>;
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
  /** Members leave and join (`--nemesis membership`). */
  membership?: MembershipControl;
  /** Disk faults on a stopped node's data directory (`--nemesis disk`). */
  disk?: DiskControl;
  /**
   * Servers that exited without the run asking (not killed by the nemesis, not at teardown), with
   * `process.hrtime.bigint()` of the exit and of the restart that brought the node back, if any: the
   * run's verdict is unknown when every node was gone this way (harness/top/run/liveness.ts).
   */
  ownExits?(): readonly { node: string; at: bigint; back?: bigint }[];
}

/** The disk faults, in the order `--disk-faults` lists them by default. */
export const DISK_FAULTS = ['lose-unfsynced', 'truncate', 'bit-flip', 'rollback'] as const;
export type DiskFault = (typeof DISK_FAULTS)[number];

/** What one disk fault did to one file: bytes lost or changed from `offset` on (bit-flip: which bits). */
export interface DiskTouch {
  file: string;
  offset: number;
  bytes: number;
  bits?: number[];
  /** Rollback: how old the copy it went back to was (ms from its taking to the restore). */
  copyAgeMs?: number;
}

/** A target's disk: faults applied to a node's files while the node is down (killed by the nemesis). */
export interface DiskControl {
  /** The faults it can apply; lose-unfsynced needs the FUSE layer mounted before the nodes start. */
  readonly faults: readonly DiskFault[];
  /** Why a fault is missing from `faults`, by fault. */
  readonly unsupported: Readonly<Partial<Record<DiskFault, string>>>;
  /** Records what a later `rollback` restores (called while `node` is down, before any fault). */
  remember(node: string): Promise<void>;
  /** Applies `fault` to the stopped `node`'s files; the files it touched (none: nothing to damage). */
  apply(node: string, fault: DiskFault, pick: (n: number) => number): Promise<DiskTouch[]>;
  /**
   * Whether the restarted `node` is back in service with the others, as its store says (ZooKeeper:
   * `srvr` answers leader or follower, which it does only once synced with a leader; etcd and Consul:
   * it knows a leader). Until then its damaged files are the only copy it has: the disk nemesis
   * damages no other node meanwhile. Absent: a node counts as back once its restart ran.
   */
  rejoined?(node: string): Promise<boolean>;
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
