/**
 * Pairing invokes with completions: the Operation records checkers see, and the one-copy rule for
 * a completion that repeats its invoke's value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { pairOps } from '../../../harness/ground/history/pair.js';

const rec = (index: number, process: number, type: Op['type'], f: string, value: unknown, key?: string | number): Op => {
  const op: Op = { index, time: index, process, type, f, value };
  if (key !== undefined) op.key = key;
  return op;
};

describe('pairOps', () => {
  it('pairs by process: call and return positions, outcome, output; info and never-completed ops stay open', () => {
    const ops = pairOps([
      rec(0, 0, 'invoke', 'write', 1, 'k'),
      rec(1, 1, 'invoke', 'read', null),
      rec(2, 2, 'invoke', 'write', 2),
      rec(3, 0, 'ok', 'write', 1, 'k'),
      rec(4, 1, 'ok', 'read', 1),
      rec(5, 2, 'info', 'write', null),
      rec(6, 3, 'invoke', 'read', null),
    ]);
    expect(ops.map((o) => [o.f, o.key, o.outcome, o.call, o.ret, o.input, o.output, o.completionIndex])).toEqual([
      ['write', 'k', 'ok', 0, 3, 1, 1, 3],
      ['read', undefined, 'ok', 1, 4, null, 1, 4],
      ['write', undefined, 'unknown', 2, Infinity, 2, null, 5],
      ['read', undefined, 'unknown', 6, Infinity, null, undefined, undefined],
    ]);
  });

  it('a completion equal to its invoke (primitives, arrays of primitives) shares the invoke\'s value', () => {
    const from = [3, 4];
    const ops = pairOps([
      rec(0, 0, 'invoke', 'cas', from),
      rec(1, 0, 'ok', 'cas', [3, 4]),
      rec(2, 1, 'invoke', 'append', 'x '),
      rec(3, 1, 'ok', 'append', 'x '),
      rec(4, 2, 'invoke', 'cas', [1, 2]),
      rec(5, 2, 'ok', 'cas', [1, 3]),
      rec(6, 3, 'invoke', 'write', { a: [1] }),
      rec(7, 3, 'ok', 'write', { a: [1] }),
      rec(8, 4, 'invoke', 'write', 0),
      rec(9, 4, 'ok', 'write', -0),
      rec(10, 5, 'invoke', 'cas', [[1], 2]),
      rec(11, 5, 'ok', 'cas', [[1], 2]),
    ]);
    expect(ops[0].output).toBe(from);
    expect(ops[1].output).toBe(ops[1].input);
    expect(ops[2].output).toEqual([1, 3]);
    // Objects and nested arrays are kept as read; -0 stays -0.
    expect(ops[3].output).not.toBe(ops[3].input);
    expect(ops[3].output).toEqual({ a: [1] });
    expect(Object.is(ops[4].output, -0)).toBe(true);
    expect(ops[5].output).not.toBe(ops[5].input);
    expect(ops[5].output).toEqual([[1], 2]);
  });
});

describe('pairOps with event records (watch deliveries: observations, not ops)', () => {
  const ev = (index: number, process: number, value: unknown = { kind: 'put', rev: index }): Op => ({ index, time: index, process, type: 'event', f: 'event', value, node: 'n1' });

  it('an event between an invoke and its completion neither completes it nor opens another', () => {
    const ops = pairOps([
      rec(0, 0, 'invoke', 'watch', null),
      ev(1, 0),
      ev(2, 0),
      rec(3, 1, 'invoke', 'put', 1),
      ev(4, 0),
      rec(5, 0, 'ok', 'watch', { end: 'window' }),
      rec(6, 1, 'ok', 'put', 1),
    ]);
    expect(ops.map((o) => [o.process, o.f, o.outcome, o.index, o.completionIndex, o.output])).toEqual([
      [0, 'watch', 'ok', 0, 5, { end: 'window' }],
      [1, 'put', 'ok', 3, 6, 1],
    ]);
  });

  it('an event after an info keeps the process retired: the next op is a new process, the indeterminate op stays open', () => {
    const ops = pairOps([
      rec(0, 0, 'invoke', 'watch', null),
      rec(1, 0, 'info', 'watch', null),
      ev(2, 0),
      rec(3, 5, 'invoke', 'watch', null),
      ev(4, 0),
      ev(5, 5),
      rec(6, 5, 'ok', 'watch', null),
    ]);
    expect(ops.map((o) => [o.process, o.outcome, o.ret])).toEqual([[0, 'unknown', Infinity], [5, 'ok', 6]]);
  });

  it('an event of a process with nothing open is no "completion without an invoke", and an event before an invoke opens nothing', () => {
    expect(pairOps([ev(0, 3), rec(1, 3, 'invoke', 'read', null), rec(2, 3, 'ok', 'read', 1), ev(3, 3)]).map((o) => [o.outcome, o.call, o.ret])).toEqual([['ok', 1, 2]]);
    // Without the skip an event after an invoke would be taken for its completion (f 'event' ≠ 'read').
    expect(() => pairOps([rec(0, 3, 'invoke', 'read', null), ev(1, 3), rec(2, 3, 'invoke', 'read', null)])).toThrow(/invokes read while its read invoked at index 0 has not completed/);
  });

  it('inserting events anywhere changes nothing of the pairing (same ops, outcomes, values and real-time order)', () => {
    const base: Op[] = [
      rec(0, 0, 'invoke', 'write', 1, 'k'), rec(1, 1, 'invoke', 'read', null), rec(2, 0, 'ok', 'write', 1, 'k'),
      rec(3, 2, 'invoke', 'cas', [1, 2]), rec(4, 1, 'info', 'read', null), rec(5, 2, 'fail', 'cas', [1, 2]),
      rec(6, 4, 'invoke', 'read', null), rec(7, 0, 'invoke', 'write', 3), rec(8, 4, 'ok', 'read', 1), rec(9, 0, 'ok', 'write', 3),
    ];
    const shape = (ops: ReturnType<typeof pairOps>) => ({
      ops: ops.map((o) => [o.process, o.f, o.key, o.outcome, o.input, o.output, o.error]),
      order: ops.map((a) => ops.map((b) => (a.ret < b.call ? '<' : a.call > b.ret ? '>' : '~'))),
    });
    const want = shape(pairOps(base));
    fc.assert(fc.property(fc.array(fc.record({ at: fc.nat(base.length), process: fc.constantFrom(0, 1, 2, 4, 7) }), { maxLength: 12 }), (inserts) => {
      const h: Op[] = base.map((o) => ({ ...o }));
      for (const { at, process } of inserts) h.splice(Math.min(at, h.length), 0, ev(0, process));
      h.forEach((o, i) => { o.index = i; o.time = i; });
      expect(shape(pairOps(h))).toEqual(want);
    }), { numRuns: 300 });
  });
});
