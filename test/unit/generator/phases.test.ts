import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import {
  clients,
  eachThread,
  limit,
  log,
  nemesis,
  phases,
  settled,
  simulate,
  sleep,
  stagger,
  synchronize,
  timeLimit,
} from '../../../harness/ground/generator/index.js';
import { expectWellFormed, invokes, MS, S } from './helpers.js';

/** Latency that varies with the op, so phases end with ragged completions. */
const ragged = (op: Op) => ({ type: 'ok' as const, latencyNs: ((op.index * 7919) % 50) * MS });

describe('phases', () => {
  it('starts each phase only after every op of the previous one completed', () => {
    const history = simulate(
      phases(
        clients(limit(20, () => ({ f: 'write' }))),
        clients(eachThread({ f: 'read' })),
        clients(limit(5, () => ({ f: 'cas' }))),
      ),
      { concurrency: 4, completer: ragged },
    );
    const phaseOf = (f: string) => ['write', 'read', 'cas'].indexOf(f);
    for (const [k, next] of [
      [0, 1],
      [1, 2],
    ]) {
      const lastCompletion = Math.max(...history.filter((o) => o.type !== 'invoke' && phaseOf(o.f) === k).map((o) => o.time));
      const firstInvoke = Math.min(...invokes(history).filter((o) => phaseOf(o.f) === next).map((o) => o.time));
      expect(firstInvoke).toBeGreaterThanOrEqual(lastCompletion);
    }
    // And no phase overlaps another in the history order either.
    const order = history.map((o) => phaseOf(o.f));
    expect(order).toEqual([...order].sort());
    expectWellFormed(history, 4);
  });

  it('waits for a running nemesis op at the top level', () => {
    const history = simulate(phases(nemesis({ f: 'partition' }), clients({ f: 'read' })), {
      concurrency: 2,
      completer: (op) => ({ type: 'ok', latencyNs: op.f === 'partition' ? 3 * S : MS }),
    });
    expect(invokes(history).find((o) => o.f === 'read')?.time).toBe(3 * S);
  });

  it('inside clients() waits for clients only', () => {
    const history = simulate(
      clients(phases({ f: 'a' }, { f: 'b' }), { f: 'slow-fault' }),
      { concurrency: 1, completer: (op) => ({ type: 'ok', latencyNs: op.f === 'slow-fault' ? 10 * S : MS }) },
    );
    expect(invokes(history).find((o) => o.f === 'b')?.time).toBe(MS);
  });

  it('synchronize alone is a barrier before one generator', () => {
    const history = simulate([clients({ f: 'a' }), synchronize(clients({ f: 'b' }))], {
      concurrency: 2,
      completer: () => ({ type: 'ok', latencyNs: 5 * MS }),
    });
    expect(invokes(history).map((o) => o.time)).toEqual([0, 5 * MS]);
  });

  it('runs a typical test: load with faults for a while, then heal, then final reads', () => {
    const logs: string[] = [];
    const history = simulate(
      phases(
        log('load'),
        timeLimit(
          12 * S,
          clients(stagger(50 * MS, (ctx) => (ctx.rng.fork('f').int(2) ? { f: 'read' } : { f: 'write', value: 1 })), [
            { f: 'start-partition' },
          ]),
        ),
        nemesis({ f: 'stop-partition' }),
        log('final reads'),
        clients(eachThread({ f: 'read' })),
      ),
      { concurrency: 3, onLog: (m, t) => logs.push(`${m}@${t}`) },
    );
    const fs = invokes(history).map((o) => o.f);
    expect(fs.at(-4)).toBe('stop-partition');
    expect(fs.slice(-3)).toEqual(['read', 'read', 'read']);
    expect(logs[0]).toBe('load@0');
    expect(logs[1]).toMatch(/^final reads@12/);
    expectWellFormed(history, 3);
  });
});

describe('settled', () => {
  it('ends only when its own op has completed, so a sleep after it counts from the completion', () => {
    const history = simulate(nemesis([settled({ f: 'slow' }), sleep(2 * S), { f: 'next' }]), {
      concurrency: 0,
      completer: (op) => ({ type: 'ok', latencyNs: op.f === 'slow' ? 3 * S : MS }),
    });
    // Without settled, the sleep would start as `slow` was invoked and `next` would be due at 2 s
    // (then wait for the thread until 3 s).
    expect(invokes(history).map((o) => [o.f, o.time])).toEqual([['slow', 0], ['next', 5 * S]]);
  });

  it('does not wait for ops of other generators on the same threads', () => {
    const history = simulate(
      nemesis([settled({ f: 'a' }), sleep(S), { f: 'b' }], [{ f: 'c' }]),
      { concurrency: 1, completer: (op) => ({ type: 'ok', latencyNs: op.f === 'c' ? 10 * S : MS }) },
    );
    expect(invokes(history).find((o) => o.f === 'b')?.time).toBe(S + MS);
  });

  it('counts a failed or indeterminate op as completed too', () => {
    for (const type of ['fail', 'info'] as const) {
      const history = simulate(nemesis([settled({ f: 'a' }), sleep(S), { f: 'b' }]), {
        concurrency: 0,
        completer: () => ({ type, latencyNs: 2 * S }),
      });
      expect(invokes(history).map((o) => o.time)).toEqual([0, 3 * S]);
    }
  });

  it('is empty for an empty generator', () => {
    expect(simulate(nemesis([settled([]), { f: 'b' }]), { concurrency: 0 }).filter((o) => o.type === 'invoke').map((o) => o.time)).toEqual([0]);
  });
});
