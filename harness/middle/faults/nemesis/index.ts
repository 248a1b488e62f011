/**
 * Fault injection, after Jepsen's nemesis.combined: one file per fault family, each a package of a
 * nemesis (applies and heals the fault through a target capability), a generator (when) and a final
 * generator (heal at the end). `buildFaults` turns a CLI list into one composed set.
 *
 * ```ts
 * const faults = buildFaults(['partition', 'kill'], target, { interval: 10e9, seed });
 * for (const u of faults.unsupported) log(u.reason);
 * const gen = phases(
 *   timeLimit(60e9, any(clients(workload), faults.generator)),
 *   faults.finalGenerator,
 * );
 * // drive gen with faults.nemesis; always `await faults.nemesis.teardown()` at the end.
 * ```
 */
export type { Faults, FaultName, FaultOptions } from './build.js';
export { buildFaults, checkFaultSettings, DEFAULT_INTERVAL_NS, FAULT_NAMES, faultOptionsOf, parseFaultNames, STANDARD_FAULTS, standardFamilies } from './build.js';

export type { PartitionShape } from './grudge.js';
export { CHURN_CUTS, type ChurnCut } from './churn.js';
export {
  bisect,
  bridge,
  complete,
  halves,
  isolateOne,
  majoritiesRing,
  majority,
  PARTITION_SHAPES,
  ASKED_ONLY_SHAPES,
  primaries,
  randomHalves,
  memberHalves,
  primariesMinority,
  shuffle,
} from './grudge.js';

export type { NodeSpec } from './nodes.js';
export { minoritySize, NODE_SPECS, resolveNodes } from './nodes.js';

export type { Capability, FaultContext, FamilyBuild } from './family.js';
export { missingCapability, startStopCycle } from './family.js';

export type { PartitionApplied, PartitionOptions } from './partition.js';
export { partitionNemesis, partitionPackage } from './partition.js';
export type { ChurnOptions, ChurnResult, ChurnStep } from './churn.js';
export { churnPackage, isolationGrudge, MAX_RECORDED_STEPS } from './churn.js';

export type { NodeActions, NodeFault, NodeFaultOptions } from './node-faults.js';
export { DEFAULT_NODE_TARGETS, nodeFaultNemesis, nodeFaultPackage } from './node-faults.js';
export type { KillOptions } from './kill.js';
export { killPackage } from './kill.js';
export type { PauseOptions } from './pause.js';
export { pausePackage } from './pause.js';

export type { ClockOptions, StrobeResult, StrobeSpec } from './clock.js';
export { clockPackage, MAX_STROBE_FLIPS } from './clock.js';

export type { LatencyOptions, LossOptions } from './net-faults.js';
export { DEFAULT_LATENCY, DEFAULT_LOSS_PROBABILITY, latencyPackage, lossPackage } from './net-faults.js';

export type { BandwidthOptions } from './bandwidth.js';
export { bandwidthPackage, DEFAULT_BANDWIDTH_KBIT } from './bandwidth.js';

export type { DiskApplied, DiskOptions } from './disk.js';
export { checkDiskFaults, DISK_FAULTS, diskPackage } from './disk.js';

export { composeNemeses, NOOP_NEMESIS } from './compose.js';
