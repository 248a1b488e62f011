import { describe, expect, it } from 'vitest';
import type { Context, GenLike } from '../../../harness/ground/generator/index.js';
import { concat, limit, lift, map, simulate, sleep } from '../../../harness/ground/generator/index.js';
import { expectWellFormed, fs, invokes, S } from './helpers.js';

describe('lifting plain data', () => {
  const cases: { name: string; gen: GenLike; want: string[] }[] = [
    { name: 'an op spec is one op', gen: { f: 'read' }, want: ['read'] },
    { name: 'an array is a sequence', gen: [{ f: 'a' }, { f: 'b' }, [{ f: 'c' }, { f: 'd' }]], want: ['a', 'b', 'c', 'd'] },
    { name: 'null is empty', gen: null, want: [] },
    { name: 'an empty array is empty', gen: [], want: [] },
    { name: 'concat runs in order', gen: concat({ f: 'x' }, null, [{ f: 'y' }]), want: ['x', 'y'] },
    {
      name: 'a function runs until it returns null',
      gen: (ctx: Context) => (ctx.time < 3_000_000 ? { f: 'tick' } : null),
      want: ['tick', 'tick', 'tick'],
    },
    {
      name: 'a function may return a sequence, run whole before it is called again',
      gen: limit(6, () => [{ f: 'w' }, { f: 'r' }]),
      want: ['w', 'r', 'w', 'r', 'w', 'r'],
    },
  ];
  it.each(cases)('$name', ({ gen, want }) => {
    const history = simulate(gen, { concurrency: 1 });
    expect(fs(history)).toEqual(want);
    expectWellFormed(history, 1);
  });

  it('fills in value null, keeps key, and times the op at the ask', () => {
    const [a, b] = invokes(simulate([{ f: 'read' }, { f: 'write', value: 3, key: 'k1' }], { concurrency: 1 }));
    expect(a).toMatchObject({ f: 'read', value: null, time: 0, process: 0 });
    expect(a).not.toHaveProperty('key');
    expect(b).toMatchObject({ f: 'write', value: 3, key: 'k1', time: 1_000_000 });
  });

  it('calls a function with a context it can draw values from', () => {
    const gen = limit(50, (ctx: Context) => ({ f: 'write', value: ctx.rng.int(1000) }));
    const values = invokes(simulate(gen, { concurrency: 3, seed: 9 })).map((op) => op.value);
    expect(new Set(values).size).toBeGreaterThan(30);
    expect(invokes(simulate(gen, { concurrency: 3, seed: 9 })).map((op) => op.value)).toEqual(values);
  });

  it('never sends a plain op to the nemesis, even when every client is busy', () => {
    const history = simulate(limit(5, () => ({ f: 'read' })), {
      concurrency: 1,
      completer: () => ({ type: 'ok', latencyNs: S }),
    });
    expect(invokes(history).map((op) => op.process)).toEqual([0, 0, 0, 0, 0]);
  });

  it('spreads plain ops over idle client threads', () => {
    const history = simulate(limit(200, () => ({ f: 'read' })), { concurrency: 4, completer: () => ({ type: 'ok', latencyNs: 0 }) });
    expect(new Set(invokes(history).map((op) => op.process))).toEqual(new Set([0, 1, 2, 3]));
  });

  it.each([42, 'read', { value: 1 }, { f: 3 }])('rejects %j with a clear error', (x) => {
    expect(() => lift(x as unknown as GenLike)).toThrow(/not a generator/);
  });

  it('map rewrites the payload of each invocation but not its thread or time', () => {
    const gen = map((op) => ({ f: op.f, value: [op.key, op.value], key: 'k' }), [
      { f: 'write', value: 1 },
      sleep(5),
      { f: 'read', key: 'x' },
    ]);
    const [a, b] = invokes(simulate(gen, { concurrency: 2 }));
    expect(a).toMatchObject({ f: 'write', value: [undefined, 1], key: 'k', time: 0 });
    expect(b).toMatchObject({ f: 'read', value: ['x', null], key: 'k', time: 5 });
  });
});
