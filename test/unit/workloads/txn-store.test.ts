/**
 * runTxn (harness/middle/workloads/txn-store.ts), the one way every store runs a transaction: a snapshot
 * read, then a commit conditional on every key's version. Against an in-memory versioned store
 * (a test double of the store alone; the protocol and Elle are real) with concurrent clients whose
 * reads and commits interleave at random, the histories must be strict-serializable for Elle; the
 * same store with the version check dropped (a ZooKeeper client that sent version 0 as "any"
 * did this) must be caught. Also the micro-op semantics: reads see the txn's own earlier writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTxn } from '../../../checkers/txn.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { runTxn, type TxnStore, type Versioned } from '../../../harness/middle/workloads/txn-store.js';
import type { MicroOp } from '../../../harness/middle/workloads/txn-list-append.js';
import { InputError } from '../../../harness/ground/history/errors.js';
import { CONSISTENCY_MODELS } from '../../../targets/server-base/store-plan.js';
import { consulParts } from '../../../targets/consul/index.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An in-memory store; `checkVersions: false` commits blindly (the bug). Delays come from `delays`. */
function memoryStore(checkVersions: boolean, delays: () => number): TxnStore<number> {
  const data = new Map<number, { value: unknown; version: number }>();
  return {
    read: async (keys) => {
      await tick(delays());
      return new Map(keys.map((k): [number, Versioned<number>] => [k, data.get(k) ?? { value: null, version: -1 }]));
    },
    commit: async (read, writes) => {
      await tick(delays());
      if (checkVersions && [...read].some(([k, v]) => (data.get(k)?.version ?? -1) !== v.version)) return false;
      for (const [k, v] of writes) data.set(k, { value: v, version: (data.get(k)?.version ?? -1) + 1 });
      return true;
    },
    commitError: (err) => ({ type: 'info', error: String(err) }),
  };
}

/** `clients` concurrent clients each running their txns in turn; the history as the run records it. */
async function history(store: TxnStore<number>, perClient: MicroOp[][][]): Promise<Op[]> {
  const ops: Op[] = [];
  const t0 = performance.now();
  const rec = (o: Omit<Op, 'index' | 'time'>): void => { ops.push({ ...o, index: ops.length, time: Math.round((performance.now() - t0) * 1e6) } as Op); };
  await Promise.all(perClient.map(async (txns, process) => {
    for (const txn of txns) {
      rec({ process, type: 'invoke', f: 'txn', value: txn });
      const c = await runTxn(store, txn);
      rec({ process, type: c.type, f: 'txn', value: c.type === 'ok' ? c.value : txn, ...(c.error ? { error: c.error } : {}) } as Omit<Op, 'index' | 'time'>);
    }
  }));
  return ops;
}

/** Transactions of 1–4 micro-ops on keys 0–2, appends unique per key (as the generator makes them). */
function txnsArb(clients: number, each: number): fc.Arbitrary<MicroOp[][][]> {
  return fc.array(fc.array(fc.array(fc.tuple(fc.boolean(), fc.nat(2)), { minLength: 1, maxLength: 4 }), { minLength: each, maxLength: each }), { minLength: clients, maxLength: clients })
    .map((plan) => {
      let next = 0;
      return plan.map((txns) => txns.map((txn) => txn.map(([write, k]): MicroOp => (write ? ['append', k, next++] : ['r', k, null]))));
    });
}

describe('runTxn', () => {
  it('reads see the transaction\'s own earlier writes, and a read-only txn commits nothing', async () => {
    const store = memoryStore(true, () => 0);
    expect(await runTxn(store, [['r', 1, null], ['append', 1, 5], ['r', 1, null], ['append', 1, 6]]))
      .toEqual({ type: 'ok', value: [['r', 1, null], ['append', 1, 5], ['r', 1, [5]], ['append', 1, 6]] });
    expect(await runTxn(store, [['r', 1, null]])).toEqual({ type: 'ok', value: [['r', 1, [5, 6]]] });
    expect(await runTxn(store, [['w', 2, 3], ['r', 2, null]])).toEqual({ type: 'ok', value: [['w', 2, 3], ['r', 2, 3]] });
  });

  it('concurrent transactions over a version-checked commit are strict-serializable (Elle)', async () => {
    await fc.assert(fc.asyncProperty(txnsArb(4, 6), fc.integer({ min: 1, max: 1e6 }), async (plan, seed) => {
      let s = seed;
      const delays = (): number => { s = (s * 1103515245 + 12345) % 2 ** 31; return s % 3; };
      const h = await history(memoryStore(true, delays), plan);
      const r = checkTxn(h, { workload: 'list-append', consistencyModels: ['strict-serializable'] });
      expect(r.anomalyTypes).toEqual({});
    }), { numRuns: 25 });
  }, 60_000);

  it('the same store committing without the version check is caught', async () => {
    let caught = 0;
    for (let seed = 1; seed <= 5; seed++) {
      let s = seed;
      const delays = (): number => { s = (s * 1103515245 + 12345) % 2 ** 31; return s % 3; };
      const plan = fc.sample(txnsArb(6, 15), { seed, numRuns: 1 })[0];
      const r = checkTxn(await history(memoryStore(false, delays), plan), { workload: 'list-append' });
      if (r.valid === false) caught++;
    }
    // Measured 5/5; each run has dozens of read-modify-write races.
    expect(caught).toBe(5);
  }, 60_000);
});

describe('--consistency-models', () => {
  it('takes a comma list of Elle\'s models and refuses an unknown one in one sentence', () => {
    expect(CONSISTENCY_MODELS.type.parse('serializable, strict-serializable', 'consistency-models')).toEqual(['serializable', 'strict-serializable']);
    expect(() => CONSISTENCY_MODELS.type.parse('serialisable', 'consistency-models')).toThrow(InputError);
    expect(() => CONSISTENCY_MODELS.type.parse(',', 'consistency-models')).toThrow(/names no model; choose from read-uncommitted/);
    // Absent: no default here; the store's model for its --reads mode applies (store-target.ts).
    expect(CONSISTENCY_MODELS.type.default).toBeUndefined();
  });
});

describe('each store\'s model for its read mode', () => {
  const plan = async (target: 'etcd' | 'consul' | 'zookeeper', flags: Record<string, string>): Promise<string[]> => {
    const parts = { etcd: etcdParts, consul: consulParts, zookeeper: zookeeperParts }[target] as unknown as (req: unknown, run: unknown) => { plan: { workload: { checkers: { check(h: Op[], c: object): unknown }[] } } };
    const req = { config: { target, faults: [], rate: 10, concurrency: 2 }, flags: new Map(Object.entries(flags)), workload: 'list-append', nodeCount: 3 };
    const p = parts(req, { dir: '/nonexistent', log: () => undefined }).plan;
    return (p.workload.checkers[0].check([], {}) as { consistencyModels: string[] }).consistencyModels;
  };

  it('strict-serializable where every read is current; serializable where a member or any server may answer alone', async () => {
    expect(await plan('etcd', {})).toEqual(['strict-serializable']);
    expect(await plan('etcd', { reads: 'serializable' })).toEqual(['serializable']);
    expect(await plan('zookeeper', { reads: 'plain' })).toEqual(['strict-serializable']);
    expect(await plan('consul', {})).toEqual(['strict-serializable']);
    expect(await plan('consul', { reads: 'stale' })).toEqual(['serializable']);
    expect(await plan('consul', { reads: 'stale', 'consistency-models': 'strict-serializable' })).toEqual(['strict-serializable']);
  });
});
