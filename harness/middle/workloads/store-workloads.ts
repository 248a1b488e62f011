/**
 * The registry of real-store workloads (separate from Maelstrom's WORKLOADS, whose entries also make
 * Maelstrom clients). A target lists which of these it runs and implements their ops.
 */
import { InputError } from '../../ground/history/errors.js';
import { lock } from './lock.js';
import { fencedLock } from './fenced-lock.js';
import { election } from './election.js';
import { register } from './register.js';
import { setStore } from './set-store.js';
import type { StoreWorkload } from './store-types.js';
import { watch } from './watch.js';
import { listAppend, rwRegister } from './txn-store.js';

export const STORE_WORKLOADS: Readonly<Record<string, StoreWorkload>> = Object.freeze({
  register,
  set: setStore,
  lock,
  watch,
  'list-append': listAppend,
  'rw-register': rwRegister,
  'fenced-lock': fencedLock,
  election,
});

/** The store workload called `name`, if `allowed` (the target's list) includes it; else an InputError. */
export function getStoreWorkload(name: string, allowed: readonly string[] = Object.keys(STORE_WORKLOADS)): StoreWorkload {
  const w = Object.prototype.hasOwnProperty.call(STORE_WORKLOADS, name) && allowed.includes(name) ? STORE_WORKLOADS[name] : undefined;
  if (!w) throw new InputError(`unknown workload "${name}" for this target; choose one of ${allowed.join(', ')} with --workload`);
  return w;
}

export type { StoreWorkload, StoreWorkloadOptions } from './store-types.js';
export { election, fencedLock, lock, register, setStore, watch };
