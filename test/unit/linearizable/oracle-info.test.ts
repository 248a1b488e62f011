/**
 * Indeterminate ops against the brute-force oracle. The search bounds the runs of back-to-back
 * unknown ops in rounds (search.ts), which changes what it explores first and how the memo prunes;
 * a bounded round that finds nothing is trusted only when the bound never refused a candidate. These
 * properties draw histories where most ops are `info` or never complete, so that rounds refuse often,
 * and check (1) the verdict against the oracle, (2) the bounded search against the unbounded one on
 * the same partition, (3) explanations of invalid verdicts against the oracle.
 *
 * Seeds: fast-check's defaults; replay with FC_SEED (and FC_PATH), as in oracle.test.ts.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLinearizableSync, makeModel, prepare, searchLinearization } from '../../../checkers/linearizable/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { pairOps } from '../../../harness/ground/history/pair.js';
import { MODEL_CASES, mutatedHistory, randomHistory, truthHistory, type ModelCase, type TruthOptions } from './histories.js';
import { isLinearizable, oracleCheck, pairHistory, type RefOp } from './oracle.js';

beforeAll(() => {
  if (process.env.FC_SEED) {
    fc.configureGlobal({ seed: Number(process.env.FC_SEED), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) });
  }
});

// Mostly indeterminate: taken effect or not, completed info or never completed.
const INFO_HEAVY: TruthOptions = {
  minOps: 4, maxOps: 11,
  fates: ['done', 'done', 'info-done', 'info-done', 'info-never', 'pending-done', 'pending-never', 'dropped'],
};

/** Truthful, mutated or random histories, each with many indeterminate ops. */
function infoHistory(m: ModelCase): fc.Arbitrary<Op[]> {
  return fc.oneof(truthHistory(m, INFO_HEAVY), mutatedHistory(m, 11, INFO_HEAVY, 2), randomHistory(m, 10));
}

/**
 * Per-check limit. A few generated histories are hard, not wrong: a FIFO queue with several pending
 * enqueues took 6–9 s on a loaded 2-core machine (kept as the fixture
 * fifo-queue-pending-enqueues-valid.jsonl), and over 20 s beside a TCG virtual machine in CI, where
 * `unknown` failed the property. In CI a failure is reported at once instead of shrunk: shrinking
 * re-checks candidates that are each as hard, which ran for over ten minutes; the seed in the report
 * replays it locally, where it shrinks.
 */
const CHECK_TIMEOUT_MS = 60_000;
fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: process.env.CI === 'true' });

const RUNS = { verdict: 1500, bounded: 600, explain: 300 };

describe.each(MODEL_CASES.map((m) => [m.label, m] as const))('%s, many indeterminate ops', (_label, m) => {
  const model = makeModel(m.spec);

  it('verdict equals the oracle', () => {
    fc.assert(fc.property(infoHistory(m), (h) => {
      const r = checkLinearizableSync(pairOps(h), { model: m.spec, explain: false, timeoutMs: CHECK_TIMEOUT_MS });
      expect(r.valid).toBe(oracleCheck(m.ref, h));
    }), { numRuns: RUNS.verdict });
  });

  it('bounded rounds and the unbounded search agree on every partition', () => {
    fc.assert(fc.property(infoHistory(m), (h) => {
      for (const p of prepare(model, pairOps(h))) {
        const bounded = searchLinearization(model, p.ops, {});
        const unbounded = searchLinearization(model, p.ops, { boundedRuns: false });
        expect(bounded.valid).toBe(unbounded.valid);
      }
    }), { numRuns: RUNS.bounded });
  });

  it('an invalid verdict comes with a counterexample the oracle rejects and a prefix it accepts', () => {
    fc.assert(fc.property(infoHistory(m), (h) => {
      const r = checkLinearizableSync(pairOps(h), { model: m.spec, explain: true, timeoutMs: CHECK_TIMEOUT_MS });
      expect(r.valid).toBe(oracleCheck(m.ref, h));
      if (r.valid !== false) return;
      const byIndex = new Map(pairHistory(h).map((o) => [o.index, o]));
      for (const f of r.failures) {
        const sub: RefOp[] = f.counterexample.map((ref) => byIndex.get(ref.index)!);
        expect(sub.every((o) => o !== undefined)).toBe(true);
        expect(isLinearizable(m.ref, sub)).toBe(false);
        // The longest prefix is a sequence the model accepts: replayed in order, each op is legal.
        let states: unknown[] = [m.ref.init()];
        for (const step of f.linearized) {
          const op = byIndex.get(step.op.index)!;
          states = states.flatMap((s) => m.ref.step(s, op));
          expect(states.length).toBeGreaterThan(0);
        }
      }
    }), { numRuns: RUNS.explain });
  });
});

describe('regressions (indeterminate ops)', () => {
  const rec = (index: number, process: number, type: Op['type'], f: string, value: unknown): Op =>
    ({ index, time: index, process, type, f, value, key: 'k' });

  // The 1M-op kv cliff in small: an info append took effect before a definite append, and a get saw
  // both. Unknown ops go last, so the search first reaches the get with every info append pending and,
  // unbounded, tries their sequences (distinct strings) before backtracking to where the op belongs.
  it('kv: an info append seen under a later append, with many other info appends pending', () => {
    const h: Op[] = [];
    const push = (p: number, type: Op['type'], f: string, v: unknown): void => { h.push(rec(h.length, p, type, f, v)); };
    push(0, 'invoke', 'put', 'x'); push(0, 'ok', 'put', 'x');
    push(1, 'invoke', 'append', 'u'); push(1, 'info', 'append', null); // took effect
    for (let i = 0; i < 6; i++) { push(10 + i, 'invoke', 'append', `n${i}`); push(10 + i, 'info', 'append', null); } // did not
    push(2, 'invoke', 'append', 'a'); push(2, 'ok', 'append', 'a');
    push(2, 'invoke', 'get', null); push(2, 'ok', 'get', 'xua');
    const ops = pairOps(h);
    // Without the kv model's own pruning of appends a pending get rules out (`unreachable`), which
    // also cuts this case, so that the rounds alone are measured.
    const { unreachable: _pruning, ...model } = makeModel({ name: 'kv' });
    expect(searchLinearization(makeModel({ name: 'kv' }), ops, { boundedRuns: false }).valid).toBe(true);
    const r = searchLinearization(model, ops, {});
    expect(r.valid).toBe(true);
    expect(oracleCheck(MODEL_CASES.find((c) => c.label === 'kv (1 key)')!.ref, h)).toBe(true);
    // Bounded rounds: ~200 steps, growing linearly with the pending appends; unbounded: ~100,000,
    // and ×9 for each further one (81 million and 12 s with 9).
    const unbounded = searchLinearization(model, ops, { boundedRuns: false });
    expect(unbounded.valid).toBe(true);
    expect(r.steps).toBeLessThan(unbounded.steps);
  });
});
