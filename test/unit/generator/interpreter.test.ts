import { describe, expect, it } from 'vitest';
import type { Generator, GenLike } from '../../../harness/ground/generator/index.js';
import {
  any,
  clients,
  delay,
  eachThread,
  Interpreter,
  limit,
  log,
  mix,
  nemesis,
  phases,
  repeat,
  simulate,
  sleep,
  stagger,
  timeLimit,
} from '../../../harness/ground/generator/index.js';
import type { OpType } from '../../../harness/ground/history/op.js';
import { expectWellFormed, invokes, MS, S } from './helpers.js';

describe('process ids', () => {
  it.each<{ answer: Exclude<OpType, 'invoke'>; want: number[] }>([
    { answer: 'ok', want: [0, 0, 0] },
    { answer: 'fail', want: [0, 0, 0] },
    { answer: 'info', want: [0, 3, 6] },
  ])('after $answer a client thread runs as $want', ({ answer, want }) => {
    const history = simulate(clients(eachThread(limit(3, () => ({ f: 'write' })))), {
      concurrency: 3,
      completer: () => ({ type: answer }),
    });
    const onThread0 = invokes(history).filter((o) => typeof o.process === 'number' && o.process % 3 === 0);
    expect(onThread0.map((o) => o.process)).toEqual(want);
  });

  it('keeps the nemesis process after info', () => {
    const history = simulate(nemesis(repeat(3, { f: 'kill' })), { concurrency: 2, completer: () => ({ type: 'info' }) });
    expect(invokes(history).map((o) => o.process)).toEqual(['nemesis', 'nemesis', 'nemesis']);
  });
});

describe('Interpreter', () => {
  it('tells the runner when the next op is due and starts it then', () => {
    const it_ = new Interpreter(clients(delay(100 * MS, () => ({ f: 'read' }))), { concurrency: 1, seed: 1 });
    const first = it_.next(0);
    expect(first).toMatchObject({ kind: 'invoke', thread: 0, op: { index: 0, f: 'read', time: 0, type: 'invoke' } });
    expect(it_.next(10)).toEqual({ kind: 'wait', until: null });
    const done = it_.complete({ process: 0, type: 'ok', value: 5 }, 30 * MS);
    expect(done).toEqual({ index: 1, time: 30 * MS, process: 0, type: 'ok', f: 'read', value: 5 });
    expect(it_.next(30 * MS)).toEqual({ kind: 'wait', until: 100 * MS });
    expect(it_.next(100 * MS)).toMatchObject({ kind: 'invoke', op: { index: 2, time: 100 * MS } });
    expect(it_.outstanding).toBe(1);
  });

  it('copies f, key and the invoked value into completions that carry no value', () => {
    const it_ = new Interpreter({ f: 'write', value: 7, key: 'k' }, { concurrency: 1, seed: 0 });
    it_.next(0);
    expect(it_.complete({ process: 0, type: 'info', error: 'timeout', node: 'n1' }, 5)).toEqual({
      index: 1,
      time: 5,
      process: 0,
      type: 'info',
      f: 'write',
      value: 7,
      key: 'k',
      node: 'n1',
      error: 'timeout',
    });
    expect(it_.next(5)).toEqual({ kind: 'done' });
  });

  it('returns log lines as steps', () => {
    const it_ = new Interpreter([log('hello'), { f: 'a' }], { concurrency: 1, seed: 0 });
    expect(it_.next(0)).toEqual({ kind: 'log', time: 0, message: 'hello' });
    expect(it_.next(0)).toMatchObject({ kind: 'invoke' });
  });

  it('reports a generator that can never continue', () => {
    expect(new Interpreter(clients({ f: 'a' }), { concurrency: 0, seed: 0 }).next(0)).toEqual({ kind: 'stalled' });
    expect(() => simulate(clients({ f: 'a' }), { concurrency: 0 })).toThrow(/can never continue/);
  });

  it('rejects misuse with a clear error', () => {
    const it_ = new Interpreter({ f: 'a' }, { concurrency: 1, seed: 0 });
    it_.next(10);
    expect(() => it_.next(5)).toThrow(/backwards/);
    expect(() => it_.complete({ process: 3, type: 'ok' }, 20)).toThrow(/no operation running/);
    expect(() => it_.complete({ process: 0, type: 'invoke' as 'ok' }, 20)).toThrow(/ok, fail or info/);
    expect(() => new Interpreter(null, { concurrency: -1, seed: 0 })).toThrow(/concurrency/);
  });

  it('rejects a custom generator that picks a busy process', () => {
    const rogue: Generator = {
      op: (ctx) => ({ op: { type: 'invoke', process: 0, f: 'x', value: null, time: ctx.time }, gen: rogue }),
      update: () => rogue,
    };
    expect(() => simulate(rogue, { concurrency: 1 })).toThrow(/not an idle worker/);
  });

  it('rejects a generator that loops without progress', () => {
    const spinner: Generator = {
      op: (ctx) => ({ op: { type: 'wait', time: ctx.time }, gen: spinner }),
      update: () => spinner,
    };
    expect(() => simulate(spinner, { concurrency: 1 })).toThrow(/no progress/);
    expect(() => simulate(repeat(log('again')), { concurrency: 1 })).toThrow(/no progress/);
  });
});

describe('simulate', () => {
  it('stops invoking at maxTimeNs and maxOps but lets running ops complete', () => {
    const byTime = simulate(clients(delay(MS, () => ({ f: 'read' }))), {
      concurrency: 1,
      maxTimeNs: 10 * MS,
      completer: () => ({ type: 'ok', latencyNs: 5 * MS }),
    });
    expect(invokes(byTime).map((o) => o.time / MS)).toEqual([0, 5]);
    expect(byTime.at(-1)).toMatchObject({ type: 'ok', time: 10 * MS });
    const byCount = simulate(clients(() => ({ f: 'read' })), { concurrency: 3, maxOps: 10 });
    expect(invokes(byCount).length).toBe(10);
    expectWellFormed(byCount, 3);
  });

  it('hands the completer the invocation, the time and a seeded stream', () => {
    const seen: string[] = [];
    simulate(clients(limit(2, () => ({ f: 'read' }))), {
      concurrency: 1,
      seed: 8,
      completer: (op, time, rng) => {
        seen.push(`${op.f}@${time}:${rng.int(10)}`);
        return { type: 'ok' };
      },
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatch(/^read@0:\d$/);
  });
});

describe('determinism', () => {
  const typical = (): GenLike =>
    phases(
      timeLimit(
        20 * S,
        any(
          clients(stagger(50 * MS, mix([() => ({ f: 'read' }), (ctx) => ({ f: 'write', value: ctx.rng.int(100) })]))),
          nemesis(repeat([sleep(5 * S), { f: 'start-partition' }, sleep(5 * S), { f: 'stop-partition' }])),
        ),
      ),
      nemesis({ f: 'stop-partition' }),
      clients(eachThread({ f: 'read' })),
    );
  const completer = (_op: unknown, _t: number, rng: { int(n: number): number }) => ({
    type: (['ok', 'ok', 'fail', 'info'] as const)[rng.int(4)],
    latencyNs: rng.int(30) * MS,
  });

  it('gives the same history for the same seed', () => {
    const a = simulate(typical(), { concurrency: 5, seed: 'replay-me', completer });
    const b = simulate(typical(), { concurrency: 5, seed: 'replay-me', completer });
    expect(a.length).toBeGreaterThan(300);
    expect(b).toEqual(a);
    expectWellFormed(a, 5);
  });

  it('gives different histories for different seeds', () => {
    const runs = [1, 2, 3].map((seed) => JSON.stringify(simulate(typical(), { concurrency: 5, seed, completer })));
    expect(new Set(runs).size).toBe(3);
  });

  it('runs the nemesis schedule every 5 s', () => {
    const history = simulate(typical(), { concurrency: 5, seed: 4 });
    const faults = invokes(history).filter((o) => o.process === 'nemesis').map((o) => [o.f, Math.round(o.time / S)]);
    expect(faults.slice(0, 3)).toEqual([
      ['start-partition', 5],
      ['stop-partition', 10],
      ['start-partition', 15],
    ]);
    expect(faults.at(-1)?.[0]).toBe('stop-partition');
  });
});
