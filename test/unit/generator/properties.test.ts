import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GenLike } from '../../../harness/ground/generator/index.js';
import {
  any,
  clients,
  delay,
  eachThread,
  limit,
  mix,
  nemesis,
  phases,
  repeat,
  simulate,
  sleep,
  stagger,
  timeLimit,
  untilOk,
} from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { expectWellFormed, invokes, MS } from './helpers.js';

const read = () => ({ f: 'read' });
const write = () => ({ f: 'write', value: 1 });

/** A random but always-terminating composition of combinators (timeLimit on top bounds it). */
const arbInner: fc.Arbitrary<GenLike> = fc.letrec<{ gen: GenLike }>((tie) => ({
  gen: fc.oneof(
    // Depth is capped: nested any/eachThread ask every child on every ask, so cost grows as 3^depth.
    { maxDepth: 3, depthIdentifier: 'gen', withCrossShrink: true },
    fc.constant<GenLike>(read),
    fc.constant<GenLike>({ f: 'once' }),
    fc.tuple(fc.integer({ min: 0, max: 20 }), tie('gen')).map(([n, g]) => limit(n, g)),
    fc.tuple(fc.integer({ min: 0, max: 5 * MS }), tie('gen')).map(([dt, g]) => stagger(dt, g)),
    fc.tuple(fc.integer({ min: 0, max: 5 * MS }), tie('gen')).map(([dt, g]) => delay(dt, g)),
    fc.tuple(fc.integer({ min: 0, max: 20 * MS }), tie('gen')).map(([ns, g]) => timeLimit(ns, g)),
    fc.array(tie('gen'), { maxLength: 3 }).map((gs) => mix(gs)),
    fc.array(tie('gen'), { maxLength: 3 }).map((gs) => any(...gs)),
    fc.array(tie('gen'), { maxLength: 3 }).map((gs) => phases(...gs)),
    tie('gen').map((g) => eachThread(g)),
    tie('gen').map((g) => untilOk(g)),
    fc.integer({ min: 0, max: 3 * MS }).map((ns) => sleep(ns)),
  ),
})).gen;

const arbRun = fc.record({
  concurrency: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  latency: fc.integer({ min: 0, max: 4 * MS }),
  infoEvery: fc.integer({ min: 2, max: 7 }),
});

const completerFor = (latency: number, infoEvery: number) => (op: Op) => ({
  type: op.index % infoEvery === 0 ? ('info' as const) : ('ok' as const),
  latencyNs: latency,
});

describe('properties', () => {
  it('timeLimit never invokes at or after its limit, whatever it wraps', () => {
    fc.assert(
      fc.property(arbRun, fc.integer({ min: 1, max: 30 * MS }), arbInner, (run, ns, inner) => {
        const { concurrency, seed, latency, infoEvery } = run;
        const history = simulate(timeLimit(ns, clients(any(inner, stagger(MS, read)))), {
          concurrency,
          seed,
          completer: completerFor(latency, infoEvery),
          maxOps: 400,
        });
        const late = invokes(history).filter((op) => op.time >= ns);
        expect(late).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it('limit(n) never invokes more than n, and exactly n of an endless generator', () => {
    fc.assert(
      fc.property(arbRun, fc.integer({ min: 0, max: 60 }), arbInner, (run, n, inner) => {
        const { concurrency, seed, latency, infoEvery } = run;
        const completer = completerFor(latency, infoEvery);
        const bounded = simulate(clients(limit(n, timeLimit(50 * MS, inner))), { concurrency, seed, completer });
        expect(invokes(bounded).length).toBeLessThanOrEqual(n);
        const endless = simulate(clients(limit(n, mix([read, write]))), { concurrency, seed, completer });
        expect(invokes(endless).length).toBe(n);
      }),
      { numRuns: 80 },
    );
  });

  it('every history is well formed and replays identically from its seed', () => {
    fc.assert(
      fc.property(arbRun, arbInner, ({ concurrency, seed, latency, infoEvery }, inner) => {
        const gen = timeLimit(40 * MS, any(clients(inner), nemesis(repeat([sleep(7 * MS), { f: 'fault' }]))));
        const options = { concurrency, seed, completer: completerFor(latency, infoEvery), maxOps: 400 };
        const history = simulate(gen, options);
        expectWellFormed(history, concurrency);
        expect(simulate(gen, options)).toEqual(history);
      }),
      { numRuns: 50 },
    );
  });
});
