/**
 * The lock workload for real stores: each client repeatedly acquires one shared lock, updates a shared
 * counter under it (read, then write read + 1: safe only if the lock excludes), and releases it. The
 * lock checker verifies mutual exclusion as observed — no two holders' critical sections overlap —
 * and reports counter updates that read the same value (what an overlap does to guarded data).
 *
 * Ops per client thread, in a loop: `acquire` (ok once held; value names the node and the lock key),
 * `update` (value `{read, wrote}`; `fail` without touching anything when the client holds no lock),
 * `release` (`fail` when nothing was held).
 */
import { lockChecker } from '../../../checkers/lock.js';
import { eachThread, repeat, sleep } from '../../ground/generator/index.js';
import type { StoreWorkload } from './store-types.js';

/** Pause between a release and the next acquire of the same client, ns: lets other clients in. */
export const LOCK_THINK_NS = 20e6;

export const lock: StoreWorkload = {
  name: 'lock',
  description: 'lock: acquire a shared lock, update a counter under it, release; checks mutual exclusion',
  generator: () => eachThread(repeat([{ f: 'acquire' }, { f: 'update' }, { f: 'release' }, sleep(LOCK_THINK_NS)])),
  checkers: [lockChecker()],
};
