/**
 * Maelstrom workloads, one file each, registered in one map (as Maelstrom's own are). Explicit
 * exports, no `export *`.
 */
import { InputError } from '../../ground/history/errors.js';
import { broadcast } from './broadcast.js';
import { echo } from './echo.js';
import { gCounter } from './g-counter.js';
import { gSet } from './g-set.js';
import { kafka } from './kafka.js';
import { linKv } from './lin-kv.js';
import { pnCounter } from './pn-counter.js';
import { raftElection } from './raft-election.js';
import { txnListAppend } from './txn-list-append.js';
import { txnRwRegister } from './txn-rw-register.js';
import type { MaelstromWorkload } from './types.js';
import { uniqueIds } from './unique-ids.js';

/** Every workload by its CLI name (`--workload`). */
export const WORKLOADS: Readonly<Record<string, MaelstromWorkload>> = Object.freeze({
  echo,
  'lin-kv': linKv,
  'g-set': gSet,
  'g-counter': gCounter,
  'pn-counter': pnCounter,
  'unique-ids': uniqueIds,
  broadcast,
  'txn-list-append': txnListAppend,
  kafka,
  'txn-rw-register': txnRwRegister,
});

/**
 * Workloads of one Maelstrom-protocol target only, not of `--target maelstrom` (any binary): the
 * bundled Raft's `election` asks `raft_status`, which only it answers. A target lists them in its own
 * `workloads`, which the run's options check before a plan is made.
 */
export const TARGET_WORKLOADS: Readonly<Record<string, MaelstromWorkload>> = Object.freeze({ election: raftElection });

/** The workload called `name`, or an InputError listing the valid names. */
export function getWorkload(name: string): MaelstromWorkload {
  const has = (m: Readonly<Record<string, MaelstromWorkload>>): boolean => Object.prototype.hasOwnProperty.call(m, name);
  const w = has(WORKLOADS) ? WORKLOADS[name] : has(TARGET_WORKLOADS) ? TARGET_WORKLOADS[name] : undefined;
  if (!w) {
    throw new InputError(`unknown workload "${name}"; choose one of ${Object.keys(WORKLOADS).join(', ')} with --workload`);
  }
  return w;
}

export type { MaelstromClient, MaelstromCompletion, MaelstromService, MaelstromWorkload, MaelstromWorkloadOptions, TopologyKind } from './types.js';
export { ProtocolError, WorkloadSetupError } from './errors.js';
export type { ProtocolErrorRecord } from './errors.js';
export { TOPOLOGY_KINDS, topology } from './topology.js';
export type { Topology } from './topology.js';
export { FINAL_READ_ATTEMPTS, FINAL_READ_WINDOW_NS, finalReads, numbered, paced } from './common.js';
export { appendTxns } from './txn-list-append.js';
export { raftElection };
export { broadcast, echo, gCounter, gSet, kafka, linKv, pnCounter, txnListAppend, txnRwRegister, uniqueIds };
