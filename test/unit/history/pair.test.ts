/**
 * Pairing invokes with completions: the Operation records checkers see, and the one-copy rule for
 * a completion that repeats its invoke's value.
 */
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
