import { describe, expect, it } from 'vitest';
import { limit, phases, simulate, type SimulatedCompletion } from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { FINAL_READ_ATTEMPTS, FINAL_READ_WINDOW_NS, getWorkload } from '../../../harness/middle/workloads/index.js';
import { appendTxns } from '../../../harness/middle/workloads/txn-list-append.js';

const NODES = ['n0', 'n1', 'n2'];
const OPTS = { rate: 100, concurrency: 3, nodes: NODES, keyCount: 4 };
const MS = 1_000_000;

const invokes = (h: readonly Op[]) => h.filter((o) => o.type === 'invoke');
const run = (name: string, n = 300, opts = OPTS, seed: number | string = 1) => simulate(limit(n, getWorkload(name).generator(opts)), { concurrency: opts.concurrency, seed });

describe('workload generators', () => {
  it('lin-kv: reads, writes and cas on keys 0..keyCount-1 with small values', () => {
    const ops = invokes(run('lin-kv'));
    expect(new Set(ops.map((o) => o.f))).toEqual(new Set(['read', 'write', 'cas']));
    for (const o of ops) {
      expect(o.key).toBeTypeOf('number');
      expect(o.key).toBeGreaterThanOrEqual(0);
      expect(o.key).toBeLessThan(4);
      if (o.f === 'read') expect(o.value).toBeNull();
      if (o.f === 'write') expect([0, 1, 2, 3, 4]).toContain(o.value);
      if (o.f === 'cas') {
        expect(o.value).toHaveLength(2);
        for (const v of o.value as number[]) expect([0, 1, 2, 3, 4]).toContain(v);
      }
    }
    expect(new Set(ops.map((o) => o.key)).size).toBe(4);
  });

  it('lin-kv: refuses a key count that is not a positive integer', () => {
    expect(() => getWorkload('lin-kv').generator({ ...OPTS, keyCount: 0 })).toThrow(/keyCount must be a positive integer/);
  });

  it.each(['g-set', 'broadcast'])('%s: each element sent once, numbered 0, 1, 2, ... and mixed with reads', (name) => {
    const ops = invokes(run(name));
    const addF = name === 'g-set' ? 'add' : 'broadcast';
    const adds = ops.filter((o) => o.f === addF).map((o) => o.value);
    expect(adds).toEqual(adds.map((_, i) => i));
    expect(adds.length).toBeGreaterThan(100);
    const reads = ops.filter((o) => o.f === 'read');
    expect(reads.length).toBeGreaterThan(100);
    for (const r of reads) expect(r.value).toBeNull();
  });

  it.each([
    ['g-counter', 0, 4],
    ['pn-counter', -5, 4],
  ] as const)('%s: deltas in [%d, %d]', (name, lo, hi) => {
    const deltas = invokes(run(name, 600)).filter((o) => o.f === 'add').map((o) => o.value as number);
    expect(Math.min(...deltas)).toBe(lo);
    expect(Math.max(...deltas)).toBe(hi);
  });

  it('unique-ids: generate only; echo: payloads to send back', () => {
    expect(new Set(invokes(run('unique-ids', 50)).map((o) => `${o.f}:${String(o.value)}`))).toEqual(new Set(['generate:null']));
    for (const o of invokes(run('echo', 50))) expect(o).toMatchObject({ f: 'echo', value: expect.stringMatching(/^Please echo \d+$/) });
  });

  it('txn-list-append: 1–4 micro-ops, appends unique and in order per key, keys retiring', () => {
    const ops = invokes(simulate(limit(600, appendTxns({ keyCount: 3, maxWritesPerKey: 4 })), { concurrency: 3 }));
    const perKey = new Map<unknown, number[]>();
    for (const o of ops) {
      expect(o.f).toBe('txn');
      const txn = o.value as [string, number, unknown][];
      expect(txn.length).toBeGreaterThanOrEqual(1);
      expect(txn.length).toBeLessThanOrEqual(4);
      for (const [f, k, v] of txn) {
        expect(['r', 'append']).toContain(f);
        if (f === 'r') expect(v).toBeNull();
        else perKey.set(k, [...(perKey.get(k) ?? []), v as number]);
      }
    }
    for (const vs of perKey.values()) {
      expect(vs).toEqual(vs.map((_, i) => i));
      expect(vs.length).toBeLessThanOrEqual(4);
    }
    expect(perKey.size).toBeGreaterThan(10);
  });

  it('paces ops at the rate across all clients', () => {
    const ops = invokes(run('unique-ids', 1000, { ...OPTS, rate: 50 }));
    const span = ops[ops.length - 1].time - ops[0].time;
    expect(span / (ops.length - 1)).toBeGreaterThan(15 * MS);
    expect(span / (ops.length - 1)).toBeLessThan(25 * MS);
  });

  it('is the same schedule for the same seed, and another for another seed', () => {
    const a = run('lin-kv', 100, OPTS, 'x');
    expect(run('lin-kv', 100, OPTS, 'x')).toEqual(a);
    expect(run('lin-kv', 100, OPTS, 'y')).not.toEqual(a);
  });
});

describe('final generators', () => {
  it.each(['g-set', 'g-counter', 'pn-counter', 'broadcast'])('%s: one final read per node, naming it', (name) => {
    const final = getWorkload(name).finalGenerator!({ ...OPTS, concurrency: 2 });
    const ops = invokes(simulate(final, { concurrency: 2 }));
    expect(ops.map((o) => o.f)).toEqual(['read', 'read', 'read']);
    expect(ops.map((o) => (o.value as { node: string }).node).sort()).toEqual(NODES);
    for (const o of ops) expect(o.value).toMatchObject({ final: true });
  });

  it('retries a node whose final read fails, a pause apart, at most FINAL_READ_ATTEMPTS times', () => {
    const completer = (op: Op): SimulatedCompletion =>
      (op.value as { node: string }).node === 'n1' ? { type: 'fail', latencyNs: 10 * MS } : { type: 'ok', value: [] };
    const ops = invokes(simulate(getWorkload('g-set').finalGenerator!(OPTS), { concurrency: 3, completer }));
    const n1 = ops.filter((o) => (o.value as { node: string }).node === 'n1');
    expect(n1).toHaveLength(FINAL_READ_ATTEMPTS);
    expect(n1[1].time - n1[0].time).toBeGreaterThanOrEqual(1000 * MS);
    expect(ops.filter((o) => (o.value as { node: string }).node === 'n0')).toHaveLength(1);
  });

  it('stops retrying a node whose reads keep timing out when FINAL_READ_WINDOW_NS closes', () => {
    const completer = (op: Op): SimulatedCompletion =>
      (op.value as { node: string }).node === 'n1' ? { type: 'info', latencyNs: 3000 * MS } : { type: 'ok', value: [] };
    const ops = invokes(simulate(getWorkload('g-set').finalGenerator!(OPTS), { concurrency: 3, completer }));
    const n1 = ops.filter((o) => (o.value as { node: string }).node === 'n1');
    // The pause runs from an attempt's invocation, so a 3 s timeout outlasts it: attempts at 0, 3, ...,
    // 18 s, none at or after the 20 s window.
    expect(n1.length).toBe(Math.ceil(FINAL_READ_WINDOW_NS / (3000 * MS)));
    expect(n1.length).toBeLessThan(FINAL_READ_ATTEMPTS);
    expect(n1[n1.length - 1].time - n1[0].time).toBeLessThan(FINAL_READ_WINDOW_NS);
  });

  it('has none for workloads without final reads', () => {
    for (const name of ['echo', 'lin-kv', 'unique-ids', 'txn-list-append']) expect(getWorkload(name).finalGenerator).toBeUndefined();
  });

  it('runs after the main phase, with concurrency below the node count', () => {
    const w = getWorkload('broadcast');
    const h = simulate(phases(limit(20, w.generator(OPTS)), w.finalGenerator!(OPTS)), { concurrency: 1 });
    const finals = invokes(h).filter((o) => (o.value as { final?: boolean } | null)?.final === true);
    expect(finals).toHaveLength(3);
    expect(invokes(h).slice(-3)).toEqual(finals);
  });
});
