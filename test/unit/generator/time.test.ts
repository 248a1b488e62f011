import { describe, expect, it } from 'vitest';
import {
  clients,
  delay,
  nemesis,
  phases,
  repeat,
  simulate,
  sleep,
  stagger,
  timeLimit,
} from '../../../harness/ground/generator/index.js';
import { expectWellFormed, fs, gaps, invokes, MS, S, US } from './helpers.js';

const read = () => ({ f: 'read' });
const fast = () => ({ type: 'ok' as const, latencyNs: US });

describe('stagger', () => {
  it.each([1 * MS, 10 * MS, 50 * MS])('spaces ops uniformly in [0, 2dt) with mean dt = %d ns', (dt) => {
    const history = simulate(timeLimit(400 * dt, clients(stagger(dt, read))), { concurrency: 8, completer: fast });
    const g = gaps(history);
    expect(g.length).toBeGreaterThan(300);
    expect(g.length).toBeLessThan(500);
    expect(Math.min(...g)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...g)).toBeLessThan(2 * dt);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    expect(mean).toBeGreaterThan(0.85 * dt);
    expect(mean).toBeLessThan(1.15 * dt);
    expectWellFormed(history, 8);
  });

  it('spaces the whole stream, not each thread', () => {
    const history = simulate(timeLimit(S, clients(stagger(10 * MS, read))), { concurrency: 50, completer: fast });
    expect(invokes(history).length).toBeLessThan(130);
  });
});

describe('delay', () => {
  it('spaces ops exactly dt apart while a thread is free', () => {
    const history = simulate(timeLimit(S, clients(delay(100 * MS, read))), { concurrency: 2 });
    expect(invokes(history).map((op) => op.time)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => i * 100 * MS));
  });

  it('does not burst to catch up after the threads were busy', () => {
    const history = simulate(timeLimit(S, clients(delay(100 * MS, read))), {
      concurrency: 1,
      completer: () => ({ type: 'ok', latencyNs: 250 * MS }),
    });
    expect(gaps(history)).toEqual([250 * MS, 250 * MS, 250 * MS]);
  });
});

describe('timeLimit', () => {
  it.each([
    { limit: 1 * MS, dt: 100 * US },
    { limit: 50 * MS, dt: 3 * MS },
    { limit: 2 * S, dt: 7 * MS },
  ])('invokes nothing at or after $limit ns (stagger $dt)', ({ limit, dt }) => {
    const history = simulate(timeLimit(limit, clients(stagger(dt, read))), { concurrency: 3 });
    const times = invokes(history).map((op) => op.time);
    expect(times.length).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThan(limit);
    expect(Math.max(...times)).toBeGreaterThan(limit - 10 * dt);
  });

  it('starts its clock when first asked, not when the run starts', () => {
    const history = simulate(
      phases(clients({ f: 'setup' }), timeLimit(S, clients(delay(100 * MS, read)))),
      { concurrency: 1, completer: (op) => ({ type: 'ok', latencyNs: op.f === 'setup' ? 500 * MS : MS }) },
    );
    const reads = invokes(history).filter((op) => op.f === 'read');
    expect(reads[0].time).toBe(500 * MS);
    expect(reads.length).toBe(10);
    expect(reads.at(-1)!.time).toBe(1400 * MS);
  });

  it('ends exactly at the cutoff even while its generator waits for a busy thread', () => {
    const history = simulate([timeLimit(S, clients(repeat({ f: 'slow' }))), nemesis({ f: 'after' })], {
      concurrency: 1,
      completer: () => ({ type: 'ok', latencyNs: 3 * S }),
    });
    expect(invokes(history).map((op) => [op.f, op.time])).toEqual([
      ['slow', 0],
      ['after', S],
    ]);
  });

  it('ends at the cutoff when its next op would come later', () => {
    const history = simulate([timeLimit(S, nemesis(repeat([sleep(10 * S), { f: 'never' }]))), clients({ f: 'after' })], {
      concurrency: 1,
    });
    expect(invokes(history).map((op) => [op.f, op.time])).toEqual([['after', S]]);
  });
});

describe('sleep', () => {
  it('waits from when it is reached, taking no thread', () => {
    const history = simulate(clients([{ f: 'a' }, sleep(2 * S), { f: 'b' }, sleep(S), { f: 'c' }]), { concurrency: 1 });
    expect(invokes(history).map((op) => [op.f, op.time])).toEqual([
      ['a', 0],
      ['b', 2 * S],
      ['c', 3 * S],
    ]);
  });

  it('does not hold back other generators running alongside', () => {
    const history = simulate(timeLimit(10 * MS, clients(delay(MS, read), [sleep(5 * S), { f: 'kill' }])), {
      concurrency: 1,
    });
    expect(fs(history).filter((f) => f === 'read').length).toBe(10);
    expect(fs(history)).not.toContain('kill');
  });

  it.each([-1, NaN, Infinity])('rejects a duration of %d', (ns) => {
    expect(() => sleep(ns)).toThrow(RangeError);
    expect(() => stagger(ns, read)).toThrow(RangeError);
    expect(() => timeLimit(ns, read)).toThrow(RangeError);
  });
});
