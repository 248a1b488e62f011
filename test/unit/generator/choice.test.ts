import { describe, expect, it } from 'vitest';
import { any, clients, delay, flipFlop, limit, mix, repeat, simulate, sleep, timeLimit } from '../../../harness/ground/generator/index.js';
import { expectWellFormed, fs, invokes, MS, S } from './helpers.js';

const op = (f: string) => () => ({ f });

describe('mix', () => {
  it('chooses uniformly per op', () => {
    const counts = new Map<string, number>();
    for (const f of fs(simulate(clients(limit(3000, mix([op('a'), op('b'), op('c')]))), { concurrency: 4, seed: 5 }))) {
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    for (const f of ['a', 'b', 'c']) {
      expect(counts.get(f)).toBeGreaterThan(850);
      expect(counts.get(f)).toBeLessThan(1150);
    }
  });

  it('drops exhausted generators and ends when all are', () => {
    const history = simulate(clients(mix([limit(3, op('a')), limit(5, op('b')), null])), { concurrency: 2 });
    const got = fs(history);
    expect(got.filter((f) => f === 'a').length).toBe(3);
    expect(got.filter((f) => f === 'b').length).toBe(5);
    expect(got.length).toBe(8);
    expectWellFormed(history, 2);
  });

  it('interleaves rather than running one child after the other', () => {
    const got = fs(simulate(clients(limit(40, mix([op('a'), op('b')]))), { concurrency: 1, seed: 3 }));
    const switches = got.slice(1).filter((f, i) => f !== got[i]).length;
    expect(switches).toBeGreaterThan(10);
  });
});

describe('any', () => {
  it('takes each op from whichever generator is due first', () => {
    const history = simulate(timeLimit(100 * MS, clients(any(delay(20 * MS, op('fast')), delay(50 * MS, op('slow'))))), {
      concurrency: 2,
      completer: () => ({ type: 'ok', latencyNs: 0 }),
    });
    const at = (f: string) => invokes(history).filter((o) => o.f === f).map((o) => o.time / MS);
    expect(at('fast')).toEqual([0, 20, 40, 60, 80]);
    expect(at('slow')).toEqual([0, 50]);
  });

  it('ends when every generator has ended', () => {
    expect(fs(simulate(clients(any({ f: 'a' }, [sleep(S), { f: 'b' }], null)), { concurrency: 1 }))).toEqual(['a', 'b']);
  });
});

describe('flipFlop', () => {
  it.each([
    { name: 'alternates', a: repeat({ f: 'a' }), b: repeat({ f: 'b' }), n: 6, want: ['a', 'b', 'a', 'b', 'a', 'b'] },
    { name: 'stops when a ends', a: [{ f: 'a1' }, { f: 'a2' }], b: repeat({ f: 'b' }), n: 10, want: ['a1', 'b', 'a2', 'b'] },
    { name: 'stops when b ends', a: repeat({ f: 'a' }), b: { f: 'b' }, n: 10, want: ['a', 'b', 'a'] },
    {
      name: 'a wait is not a turn',
      a: repeat([sleep(S), { f: 'a' }]),
      b: repeat({ f: 'b' }),
      n: 4,
      want: ['a', 'b', 'a', 'b'],
    },
  ])('$name', ({ a, b, n, want }) => {
    expect(fs(simulate(clients(limit(n, flipFlop(a, b))), { concurrency: 2 }))).toEqual(want);
  });
});
