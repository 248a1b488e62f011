/**
 * The register workload for real stores (etcd, ZooKeeper): independent registers under keys
 * 0..keyCount-1, each read, written and compare-and-set by concurrent clients, checked for
 * linearizability per key with the cas-register model (initial value null = absent; a failed cas did
 * not happen; a read that did not succeed constrains nothing).
 *
 * Ops: `read {key}` → the value or null; `write {key, value}`; `cas {key, value: [from, to]}` → ok
 * when the store compared and swapped, `fail` when the compare failed (the value differed or the key
 * is absent). Values are small integers (Jepsen's `(rand-int 5)`) so that cas matches often enough.
 */
import { linearizableChecker } from '../../../checkers/linearizability.js';
import { mix } from '../../ground/generator/index.js';
import { paced } from './common.js';
import type { StoreWorkload, StoreWorkloadOptions } from './store-types.js';

export const REGISTER_DEFAULT_KEYS = 3;
export const REGISTER_VALUES = 5;

export const register: StoreWorkload = {
  name: 'register',
  description: 'register: read/write/cas on independent keys, checked for linearizability per key',
  generator(opts) {
    const keys = opts.keyCount ?? REGISTER_DEFAULT_KEYS;
    if (!Number.isInteger(keys) || keys < 1) throw new RangeError(`register: keyCount must be a positive integer, got ${keys}`);
    // More values make a stale read harder to explain away by an indeterminate write of the same value.
    const values = (opts as StoreWorkloadOptions).valueCount ?? REGISTER_VALUES;
    if (!Number.isInteger(values) || values < 2) throw new RangeError(`register: valueCount must be an integer ≥ 2, got ${values}`);
    return paced(opts, mix([
      (ctx) => ({ f: 'read', key: ctx.rng.int(keys), value: null }),
      (ctx) => ({ f: 'write', key: ctx.rng.int(keys), value: ctx.rng.int(values) }),
      (ctx) => ({ f: 'cas', key: ctx.rng.int(keys), value: [ctx.rng.int(values), ctx.rng.int(values)] }),
    ]));
  },
  checkers: [linearizableChecker({ name: 'cas-register' })],
  model: { name: 'cas-register' },
};
