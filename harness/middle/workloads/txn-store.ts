/**
 * The transactional workloads of the real stores, `list-append` and `rw-register` (Jepsen's append
 * and wr-register tests: a few active keys, keys retired after a number of writes, 1–4 reads and
 * writes mixed per transaction; generators shared with Maelstrom's txn-list-append), and the one way
 * every store runs such a transaction on its own conditional writes (`runTxn`).
 *
 * A store offers a snapshot read of the keys with a version per key (etcd's mod revision, a znode's
 * version, Consul's ModifyIndex) and a conditional commit: write these values if every key read still
 * has the version read (etcd `Txn` compares, ZooKeeper `multi` with version checks, Consul `/v1/txn`
 * `cas`/`check-index`). The transaction then takes effect at its commit, atomically, as if it had
 * read there: the history is as strict-serializable as the store's commit. A read-only transaction is
 * its snapshot read (atomic on etcd and Consul) or, where the reads are not one snapshot, a check-only
 * commit of their versions (ZooKeeper).
 */
import { txnChecker } from '../../../checkers/txn.js';
import { errorMessage } from '../../ground/history/errors.js';
import type { Client, ClientOp, Completion } from '../../ground/contracts/roles.js';
import { any, clients, limit, sleep, timeLimit, untilOk } from '../../ground/generator/index.js';
import type { WorkloadOptions } from '../../ground/contracts/roles.js';
import { FINAL_READ_ATTEMPTS, FINAL_READ_RETRY_NS, FINAL_READ_WINDOW_NS, paced } from './common.js';
import type { StoreWorkload } from './store-types.js';
import { appendTxns, DEFAULT_APPEND, registerTxns, type MicroOp } from './txn-list-append.js';

/** One key as read: its value (a list for list-append, a number for rw-register; null when absent) and the store's version of it. */
export interface Versioned<V> { value: unknown; version: V }

/** What a store gives `runTxn`. */
export interface TxnStore<V> {
  /** Reads the keys; `readOnly` when the transaction writes nothing (the store may serve it from a snapshot alone). */
  read(keys: readonly number[], readOnly: boolean): Promise<Map<number, Versioned<V>>>;
  /** Writes `writes` if every key of `read` still has its version; false when a compare failed (nothing written). */
  commit(read: ReadonlyMap<number, Versioned<V>>, writes: ReadonlyMap<number, unknown>): Promise<boolean>;
  /** A read-only transaction's reads were not one snapshot: confirm their versions are all current at once. */
  confirm?(read: ReadonlyMap<number, Versioned<V>>): Promise<boolean>;
  /** A commit that threw: fail when it certainly did not apply, else info. */
  commitError(err: unknown): Completion;
}

/** A client of a transactional workload over `store`: each `txn` op is one `runTxn`. */
export function txnStoreClient<V>(store: TxnStore<V>, workload: string): Client {
  return {
    invoke: async (op: ClientOp): Promise<Completion> => (op.f === 'txn' && Array.isArray(op.value)
      ? runTxn(store, op.value as MicroOp[])
      : { type: 'fail', error: `${workload}: unknown op ${op.f}` }),
    close: async () => undefined,
  };
}

/** Runs the micro-ops `txn` as one transaction on `store` (see the module comment). Never throws. */
export async function runTxn<V>(store: TxnStore<V>, txn: readonly MicroOp[]): Promise<Completion> {
  const keys = [...new Set(txn.map((m) => Number(m[1])))];
  const readOnly = txn.every((m) => m[0] === 'r');
  let snap: Map<number, Versioned<V>>;
  try {
    snap = await store.read(keys, readOnly);
  } catch (err) {
    return { type: 'fail', error: `read: ${errorMessage(err)}` };
  }
  const state = new Map<number, unknown>(keys.map((k) => [k, snap.get(k)?.value ?? null]));
  const writes = new Map<number, unknown>();
  const done: MicroOp[] = [];
  for (const [f, key, v] of txn) {
    const k = Number(key);
    if (f === 'r') {
      const cur = state.get(k);
      done.push(['r', key, Array.isArray(cur) ? [...cur] : cur ?? null]);
    } else if (f === 'append') {
      const cur = state.get(k);
      if (cur !== null && !Array.isArray(cur)) return { type: 'fail', error: `key ${k} holds ${JSON.stringify(cur)}, not a list` };
      const next = [...((cur as unknown[] | null) ?? []), v];
      state.set(k, next);
      writes.set(k, next);
      done.push(['append', key, v]);
    } else {
      state.set(k, v);
      writes.set(k, v);
      done.push(['w', key, v]);
    }
  }
  if (writes.size === 0) {
    if (!store.confirm) return { type: 'ok', value: done };
    try {
      return (await store.confirm(snap)) ? { type: 'ok', value: done } : { type: 'fail', error: 'a key changed between the reads' };
    } catch (err) {
      return { type: 'fail', error: `confirm: ${errorMessage(err)}` }; // a check writes nothing
    }
  }
  try {
    return (await store.commit(snap, writes)) ? { type: 'ok', value: done } : { type: 'fail', error: 'a key changed since it was read' };
  } catch (err) {
    return store.commitError(err);
  }
}

/** A key's stored text (JSON) as a value; absent is null. */
export function decodeValue(text: string | null | undefined): unknown {
  return text === null || text === undefined || text === '' ? null : JSON.parse(text) as unknown;
}

/**
 * After healing and the calm: one read-only transaction of the first keys per node, retried until it
 * commits (as the other workloads' final reads), so a run shows the store serving again after its
 * last fault (cluster-liveness) and Elle orders these reads after everything before them.
 */
export function finalTxnReads(opts: WorkloadOptions): ReturnType<typeof clients> {
  const reads: MicroOp[] = Array.from({ length: opts.keyCount ?? DEFAULT_APPEND.keyCount }, (_, k) => ['r', k, null]);
  return clients(any(...opts.nodes.map(() =>
    timeLimit(FINAL_READ_WINDOW_NS, limit(FINAL_READ_ATTEMPTS, untilOk([{ f: 'txn', value: reads }, sleep(FINAL_READ_RETRY_NS)]))))));
}

export const listAppend: StoreWorkload = {
  name: 'list-append',
  description: 'list-append: transactions of reads and appends to lists, checked by Elle (default strict-serializable)',
  generator: (opts) => paced(opts, appendTxns(opts.keyCount === undefined ? {} : { keyCount: opts.keyCount })),
  finalGenerator: finalTxnReads,
  checkers: [txnChecker({ workload: 'list-append' })],
  elle: 'list-append',
};

export const rwRegister: StoreWorkload = {
  name: 'rw-register',
  description: 'rw-register: transactions of reads and writes of registers (unique values per key), checked by Elle (default strict-serializable)',
  generator: (opts) => paced(opts, registerTxns(opts.keyCount === undefined ? {} : { keyCount: opts.keyCount })),
  finalGenerator: finalTxnReads,
  checkers: [txnChecker({ workload: 'rw-register' })],
  elle: 'rw-register',
};
