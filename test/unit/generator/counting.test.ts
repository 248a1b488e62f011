import { describe, expect, it } from 'vitest';
import type { GenLike, SimulatedCompletion } from '../../../harness/ground/generator/index.js';
import { clients, eachThread, limit, once, repeat, simulate, sleep, untilOk } from '../../../harness/ground/generator/index.js';
import { completions, expectWellFormed, fs, invokes, S } from './helpers.js';

const read = () => ({ f: 'read' });

describe('limit and once', () => {
  const cases: { name: string; gen: GenLike; want: number }[] = [
    { name: 'limit cuts an endless generator', gen: limit(7, read), want: 7 },
    { name: 'limit of a shorter generator', gen: limit(7, [{ f: 'a' }, { f: 'b' }]), want: 2 },
    { name: 'limit 0', gen: limit(0, read), want: 0 },
    { name: 'once', gen: once(read), want: 1 },
    { name: 'waits do not count', gen: limit(2, [sleep(S), { f: 'a' }, sleep(S), { f: 'b' }, { f: 'c' }]), want: 2 },
    { name: 'nested limits take the smaller', gen: limit(5, limit(3, read)), want: 3 },
  ];
  it.each(cases)('$name', ({ gen, want }) => {
    const history = simulate(clients(gen), { concurrency: 3 });
    expect(invokes(history).length).toBe(want);
    expectWellFormed(history, 3);
  });

  it.each([-1, 1.5, NaN])('rejects a count of %d', (n) => {
    expect(() => limit(n, read)).toThrow(RangeError);
    expect(() => repeat(n, read)).toThrow(RangeError);
  });
});

describe('repeat', () => {
  it.each([
    { times: 3, gen: { f: 'a' }, want: ['a', 'a', 'a'] },
    { times: 2, gen: [{ f: 'a' }, { f: 'b' }], want: ['a', 'b', 'a', 'b'] },
    { times: 0, gen: { f: 'a' }, want: [] },
  ])('repeat($times, $gen) runs it whole each time', ({ times, gen, want }) => {
    expect(fs(simulate(clients(repeat(times, gen)), { concurrency: 2 }))).toEqual(want);
  });

  it('repeats forever without a count', () => {
    expect(invokes(simulate(clients(repeat({ f: 'a' })), { concurrency: 2, maxOps: 123 })).length).toBe(123);
  });

  it('ends at once when the generator is empty instead of spinning', () => {
    expect(simulate(repeat([]), { concurrency: 1 })).toEqual([]);
    expect(simulate(repeat(() => null), { concurrency: 1 })).toEqual([]);
  });
});

describe('untilOk', () => {
  /** Fails the first `n` invocations, then succeeds. */
  const failFirst = (n: number) => {
    let seen = 0;
    return (): SimulatedCompletion => (seen++ < n ? { type: 'fail' } : { type: 'ok' });
  };

  it.each([0, 1, 4])('retries a single op one at a time until ok (%d failures first)', (failures) => {
    const history = simulate(clients(untilOk({ f: 'read' })), { concurrency: 5, completer: failFirst(failures) });
    expect(invokes(history).length).toBe(failures + 1);
    expect(completions(history).map((op) => op.type)).toEqual([...Array(failures).fill('fail'), 'ok']);
    expectWellFormed(history, 5);
  });

  it('counts info as not ok, and follows the op across the process change', () => {
    const answers: SimulatedCompletion['type'][] = ['info', 'fail', 'info', 'ok'];
    const history = simulate(clients(untilOk({ f: 'read' })), {
      concurrency: 2,
      completer: () => ({ type: answers.shift() ?? 'ok' }),
    });
    expect(completions(history).map((op) => op.type)).toEqual(['info', 'fail', 'info', 'ok']);
  });

  it('keeps every free thread busy with an endless generator, and stops at the first ok', () => {
    let n = 0;
    const history = simulate(clients(untilOk(read)), {
      concurrency: 4,
      completer: () => (n++ < 6 ? { type: 'fail', latencyNs: 10 } : { type: 'ok', latencyNs: 10 }),
    });
    expect(invokes(history).filter((op) => op.time === 0).length).toBe(4);
    const oks = completions(history).filter((op) => op.type === 'ok');
    expect(oks.length).toBeGreaterThanOrEqual(1);
    expect(invokes(history).length).toBeLessThanOrEqual(7 + 3);
    // Nothing is invoked after the first ok completion.
    const firstOk = history.findIndex((op) => op.type === 'ok');
    expect(history.slice(firstOk).some((op) => op.type === 'invoke')).toBe(false);
  });

  it('ends after a run that invoked nothing, instead of rerunning it forever', () => {
    const history = simulate([clients(untilOk(sleep(1))), clients({ f: 'next' })], { concurrency: 1 });
    expect(invokes(history).map((o) => [o.f, o.time])).toEqual([['next', 1]]);
  });

  it('tracks its own ops per thread inside eachThread', () => {
    const history = simulate(clients(eachThread(untilOk({ f: 'read' }))), {
      concurrency: 3,
      completer: (op) => ({ type: op.time === 0 && op.process === 1 ? 'fail' : 'ok' }),
    });
    expect(invokes(history).map((op) => op.process).sort()).toEqual([0, 1, 1, 2]);
  });
});
