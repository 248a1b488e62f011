import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCounter } from '../../../checkers/counter.js';
import { MAX_RANGES, RangeSet } from '../../../checkers/range-set.js';
import { fin, history, type Row } from './history.js';

const add = (p: number, d: number, outcome: 'ok' | 'fail' | 'info'): Row[] => [[p, 'invoke', 'add', d], [p, outcome, 'add', d]];
const read = (p: number, v: unknown, node?: string): Row[] => [[p, 'invoke', 'read', node ? fin(node) : null], [p, 'ok', 'read', v]];

type Case = { name: string; rows: Row[]; valid: true | false | 'unknown'; expect?: (r: ReturnType<typeof checkCounter>) => void };

const cases: Case[] = [
  {
    name: 'final reads equal to the acknowledged sum',
    rows: [...add(0, 1, 'ok'), ...add(1, 2, 'ok'), ...read(0, 3, 'n0'), ...read(1, 3, 'n1')],
    valid: true,
    expect: (r) => expect(r).toMatchObject({ okSum: 3, acceptable: [[3, 3]], bounds: [3, 3], finalReads: 2, adds: { ok: 2, info: 0, fail: 0 } }),
  },
  {
    name: 'a final read off the sum',
    rows: [...add(0, 1, 'ok'), ...add(1, 2, 'ok'), ...read(0, 2, 'n0')],
    valid: false,
    expect: (r) => expect(r.errors).toEqual({ count: 1, examples: [{ read: 5, node: 'n0', value: 2, allowed: [[3, 3]] }] }),
  },
  {
    name: 'an indeterminate add may or may not count, but nothing in between',
    rows: [...add(0, 1, 'ok'), ...add(1, 5, 'info'), ...read(2, 6, 'n0'), ...read(3, 1, 'n1'), ...read(4, 3, 'n2')],
    valid: false,
    expect: (r) => {
      expect(r.acceptable).toEqual([[1, 1], [6, 6]]);
      expect(r.bounds).toEqual([1, 6]);
      expect(r.errors.examples.map((e) => e.value)).toEqual([3]);
    },
  },
  {
    name: 'pn: negative and positive indeterminate deltas',
    rows: [...add(0, 1, 'ok'), ...add(1, -2, 'info'), ...add(2, 3, 'info'), ...read(3, -1, 'n0'), ...read(4, 4, 'n1')],
    valid: true,
    // {1} + subsets of {-2, 3} = {1, -1, 4, 2}
    expect: (r) => expect(r).toMatchObject({ acceptable: [[-1, -1], [1, 2], [4, 4]], bounds: [-1, 4] }),
  },
  {
    name: 'failed adds did not happen',
    rows: [...add(0, 4, 'fail'), ...read(0, 0, 'n0')],
    valid: true,
    expect: (r) => expect(r.adds).toEqual({ ok: 0, info: 0, fail: 1 }),
  },
  {
    name: 'an add invoked but never completed is indeterminate',
    rows: [[0, 'invoke', 'add', 2], ...read(1, 2, 'n0')],
    valid: true,
    expect: (r) => expect(r.acceptable).toEqual([[0, 0], [2, 2]]),
  },
  {
    name: 'a stale read during the run is allowed',
    rows: [...add(0, 3, 'ok'), ...read(1, 0), ...read(1, 3, 'n0')],
    valid: true,
  },
  {
    name: 'a read during the run that no subset of the adds so far explains',
    rows: [...add(0, 3, 'ok'), ...read(1, 10), ...add(0, 7, 'ok'), ...read(1, 10, 'n0')],
    valid: false,
    expect: (r) => {
      expect(r.impossibleReads).toEqual({ count: 1, examples: [{ read: 3, value: 10, allowed: [[0, 0], [3, 3]] }] });
      expect(r.errors.count).toBe(0);
    },
  },
  {
    name: 'a read during the run may see an add still in flight',
    rows: [[0, 'invoke', 'add', 4], ...read(1, 4), [0, 'ok', 'add', 4], ...read(1, 4, 'n0')],
    valid: true,
  },
  {
    name: 'a read may not see an add that failed',
    rows: [[0, 'invoke', 'add', 4], ...read(1, 4), [0, 'fail', 'add', 4], ...read(1, 0, 'n0')],
    valid: false,
  },
  {
    name: 'a non-integer final read is an error',
    rows: [...add(0, 1, 'ok'), ...read(0, '1', 'n0')],
    valid: false,
  },
  {
    name: 'no final read: unknown',
    rows: [...add(0, 1, 'ok'), [0, 'invoke', 'read', fin('n0')], [0, 'fail', 'read', fin('n0')]],
    valid: 'unknown',
    expect: (r) => expect(r.reason).toMatch(/no final read succeeded/),
  },
  {
    name: 'a node whose final reads all failed: unknown',
    rows: [...add(0, 1, 'ok'), ...read(0, 1, 'n0'), [1, 'invoke', 'read', fin('n1')], [1, 'info', 'read', fin('n1')]],
    valid: 'unknown',
    expect: (r) => expect(r.nodesWithoutFinalRead).toEqual(['n1']),
  },
  {
    name: 'unmarked history: the last read is final',
    rows: [...add(0, 2, 'ok'), ...read(0, 0), ...read(0, 2)],
    valid: true,
    expect: (r) => expect(r.finalReadSource).toBe('last-read'),
  },
];

describe('counter checker', () => {
  it.each(cases)('$name', ({ rows, valid, expect: more }) => {
    const r = checkCounter(history(rows));
    expect(r.valid).toBe(valid);
    more?.(r);
  });

  it('says which add has a delta that is not an integer', () => {
    expect(() => checkCounter(history(add(0, 1.5, 'ok')))).toThrow(/index 0 has delta 1.5/);
  });

  it('matches brute-force subset sums for small histories', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.constantFrom('ok', 'info', 'fail') as fc.Arbitrary<'ok' | 'info' | 'fail'>), { maxLength: 8 }),
      fc.integer({ min: -30, max: 30 }),
      (adds, value) => {
        const rows: Row[] = adds.flatMap(([d, o], i) => add(i, d, o));
        rows.push(...read(99, value, 'n0'));
        const okSum = adds.filter(([, o]) => o === 'ok').reduce((s, [d]) => s + d, 0);
        let sums = new Set([okSum]);
        for (const [d, o] of adds) if (o === 'info') sums = new Set([...sums, ...[...sums].map((s) => s + d)]);
        expect(checkCounter(history(rows)).valid).toBe(sums.has(value));
      },
    ));
  });
});

describe('RangeSet', () => {
  it('merges touching ranges', () => {
    const s = RangeSet.of(0).maybeAdd(1).maybeAdd(2);
    expect(s.toJSON()).toEqual([[0, 3]]);
    expect(s.has(3)).toBe(true);
    expect(s.has(4)).toBe(false);
  });

  it('widens to its hull rather than growing without bound', () => {
    let s = RangeSet.of(0);
    for (let i = 0; i < 12; i++) s = s.maybeAdd(1000 * 2 ** i);
    expect(s.approximate).toBe(true);
    expect(s.ranges.length).toBeLessThanOrEqual(MAX_RANGES);
    expect(s.hull()).toEqual([0, 1000 * (2 ** 12 - 1)]);
  });
});
