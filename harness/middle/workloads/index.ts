/**
 * Maelstrom workloads, one file each, registered in one map (as Maelstrom's own are). Explicit
 * exports, no `export *`.
 */
import { InputError } from '../../ground/history/errors.js';
import { broadcast } from './broadcast.js';
import { echo } from './echo.js';
import { gCounter } from './g-counter.js';
import { gSet } from './g-set.js';
import { linKv } from './lin-kv.js';
import { pnCounter } from './pn-counter.js';
import { txnListAppend } from './txn-list-append.js';
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
});

/** The workload called `name`, or an InputError listing the valid names. */
export function getWorkload(name: string): MaelstromWorkload {
  const w = Object.prototype.hasOwnProperty.call(WORKLOADS, name) ? WORKLOADS[name] : undefined;
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
export { broadcast, echo, gCounter, gSet, linKv, pnCounter, txnListAppend, uniqueIds };
