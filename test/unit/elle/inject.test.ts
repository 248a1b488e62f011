/**
 * Anomaly injection: each class (G0, G1a, G1b, G1c, G-single, G2-item, lost update, and the
 * real-time and process variants of the cycles) is planted, as a small template of transactions,
 * into an otherwise serial random history. The checker must report the planted class, and nothing
 * beyond what the template shows: the background is serial and on other keys and processes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../checkers/elle/cycles.js';
import { kindName, PROCESS, REALTIME, RW, WR, WW } from '../../../checkers/elle/graph.js';
import { checkElle } from '../../../checkers/elle/index.js';
import { ruledOutBy } from '../../../checkers/elle/models.js';
import type { Op } from '../../../harness/ground/history/op.js';

type M = [string, string | number, unknown];
/** A template event: invoke (`i`) or complete (`ok`/`fail`) transaction `t` with micro-ops. */
type Ev = { t: number; type: 'invoke' | 'ok' | 'fail'; value: M[]; process: number };

const inv = (t: number, value: M[], process = t): Ev => ({ t, type: 'invoke', value: value.map(([f, k]) => [f, k, f === 'r' ? null : value.find((x) => x[1] === k && x[0] === f)?.[2] ?? null]) as M[], process });
const done = (t: number, value: M[], process = t, type: 'ok' | 'fail' = 'ok'): Ev => ({ t, type, value, process });
/** Both events of a transaction that runs alone. */
const whole = (t: number, value: M[], process = t, type: 'ok' | 'fail' = 'ok'): Ev[] => [inv(t, value, process), done(t, value, process, type)];
/** Transactions all invoked before any completes: mutually concurrent. */
const concurrent = (...txns: [number, M[]][]): Ev[] => [...txns.map(([t, v]) => inv(t, v)), ...txns.map(([t, v]) => done(t, v))];

const KIND: Record<string, number> = Object.fromEntries([WW, WR, RW, PROCESS, REALTIME].map((k) => [kindName(k), k]));

const TEMPLATES: Record<string, { events: Ev[]; allowed: string[] }> = {
  G0: { events: [...concurrent([1, [['append', 'x', 1], ['append', 'y', 1]]], [2, [['append', 'x', 2], ['append', 'y', 2]]]), ...whole(3, [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]])], allowed: ['G0'] },
  G1a: { events: [...whole(1, [['append', 'x', 1]], 1, 'fail'), ...whole(2, [['r', 'x', [1]]])], allowed: ['G1a'] },
  G1b: { events: [...concurrent([1, [['append', 'x', 1], ['append', 'x', 2]]], [2, [['r', 'x', [1]]]])], allowed: ['G1b', 'G-single'] },
  G1c: { events: concurrent([1, [['append', 'x', 1], ['r', 'y', [1]]]], [2, [['append', 'y', 1], ['r', 'x', [1]]]]), allowed: ['G1c'] },
  'G-single': { events: concurrent([1, [['r', 'x', []], ['r', 'y', [1]]]], [2, [['append', 'x', 1], ['append', 'y', 1]]]), allowed: ['G-single'] },
  'G2-item': { events: concurrent([1, [['r', 'x', []], ['append', 'y', 1]]], [2, [['r', 'y', []], ['append', 'x', 1]]]), allowed: ['G2-item'] },
  'lost-update': { events: [...concurrent([1, [['r', 'x', []], ['append', 'x', 1]]], [2, [['r', 'x', []], ['append', 'x', 2]]]), ...whole(3, [['r', 'x', [1, 2]]])], allowed: ['lost-update', 'G-single'] },
  'G0-realtime': { events: [...whole(1, [['append', 'x', 1], ['append', 'y', 1]]), ...whole(2, [['append', 'x', 2], ['append', 'y', 2]]), ...whole(3, [['r', 'x', [2, 1]], ['r', 'y', [2, 1]]])], allowed: ['G0-realtime'] },
  'G1c-realtime': { events: [...whole(1, [['r', 'x', [1]]]), ...whole(2, [['append', 'x', 1]])], allowed: ['G1c-realtime'] },
  'G-single-realtime': { events: [...whole(1, [['append', 'x', 1]]), ...whole(2, [['r', 'x', []]])], allowed: ['G-single-realtime'] },
  'G-single-process': { events: [...whole(1, [['append', 'x', 1]], 1), ...whole(2, [['r', 'x', []]], 1)], allowed: ['G-single-process'] },
  'G2-item-realtime': {
    events: [inv(2, [['append', 'y', 1], ['r', 'x', []]]), ...whole(3, [['append', 'x', 1]]), ...whole(1, [['r', 'y', []]]), done(2, [['append', 'y', 1], ['r', 'x', []]])],
    allowed: ['G2-item-realtime'],
  },
};

/** Serial background transactions on numeric keys and processes 100+, with the template's events spliced in. */
function plant(events: Ev[], background: [number, boolean][][], slots: number[]): Op[] {
  const ops: Op[] = [];
  const lists = new Map<number, number[]>();
  let v = 1000;
  const emit = (process: number, type: Op['type'], value: unknown): void => {
    ops.push({ index: ops.length, time: ops.length, process, type, f: 'txn', value });
  };
  let e = 0;
  background.forEach((txn, i) => {
    while (e < events.length && slots[e] <= i) { const x = events[e++]; emit(x.process, x.type, x.value); }
    const invoke: M[] = txn.map(([read, k]) => (read ? ['r', k, null] : ['append', k, v++]));
    const result: M[] = invoke.map(([f, k, x]) => {
      const l = lists.get(k as number) ?? [];
      if (f === 'append') { lists.set(k as number, [...l, x as number]); return [f, k, x]; }
      return ['r', k, l.slice()];
    });
    emit(100 + (i % 3), 'invoke', invoke);
    emit(100 + (i % 3), 'ok', result);
  });
  while (e < events.length) { const x = events[e++]; emit(x.process, x.type, x.value); }
  return ops;
}

const arb = fc.record({
  background: fc.array(fc.array(fc.tuple(fc.boolean(), fc.nat(3)), { minLength: 1, maxLength: 4 }), { maxLength: 30 }),
  slots: fc.array(fc.nat(30), { minLength: 12, maxLength: 12 }),
});

describe('planted anomalies are reported with their class and nothing stronger', () => {
  for (const [name, { events, allowed }] of Object.entries(TEMPLATES)) {
    it(name, () => {
      fc.assert(fc.property(arb, ({ background, slots }) => {
        const ops = plant(events, background, slots.slice(0, events.length).sort((a, b) => a - b));
        const r = checkElle(ops, { consistencyModels: ['strict-serializable'] });
        expect(r.valid).toBe(false);
        expect(Object.keys(r.anomalyTypes)).toContain(allowed[0]);
        // No stronger claim: the models ruled out are exactly those the planted class rules out
        // (the serial background can add cycles through it, but none that rules out more) ...
        expect(r.not).toEqual(ruledOutBy(allowed[0]));
        // ... and each cycle is named from the edges it shows.
        for (const a of r.anomalies) if (a.cycle) expect(classify(a.cycle.map((e) => ({ ...e, kind: KIND[e.kind] })))).toBe(a.type);
        if (background.length === 0) expect(Object.keys(r.anomalyTypes).sort()).toEqual([...allowed].sort());
      }), { numRuns: 100 });
    });
  }

  it('a real-time-only anomaly leaves serializable standing and rules out strict-serializable', () => {
    const ops = plant(TEMPLATES['G-single-realtime'].events, [], []);
    const r = checkElle(ops, { consistencyModels: ['serializable'] });
    expect(r.valid).toBe(true);
    expect(r.not).toContain('strict-serializable');
    expect(r.strongestConsistent).toEqual(['strong-session-serializable']);
  });

  it('write skew (G2-item) rules out repeatable read and serializable, not snapshot isolation', () => {
    const r = checkElle(plant(TEMPLATES['G2-item'].events, [], []), { consistencyModels: ['snapshot-isolation', 'serializable'] });
    expect(r.valid).toBe(false);
    expect(r.not).toEqual(expect.arrayContaining(['repeatable-read', 'serializable', 'strict-serializable']));
    expect(r.not).not.toContain('snapshot-isolation');
    expect(r.strongestConsistent).toEqual(['strong-snapshot-isolation']);
    expect(r.anomalies[0].steps.join(' ')).toMatch(/T\d read key "x" as \[\] without 1, which T\d appended, so T\d → rw → T\d/);
  });
});
