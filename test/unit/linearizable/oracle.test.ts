/**
 * The checker against a brute-force oracle (./oracle.ts) on random small concurrent histories, for
 * every model. A false "valid" is the worst bug this product can ship, so every verdict is compared,
 * and every explanation of an invalid one is re-checked by the oracle.
 *
 * Seeds: fast-check's defaults (a random seed, printed on failure). To replay, set FC_SEED (and
 * FC_PATH) in the environment; they go to fc.configureGlobal, which every property below respects.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLinearizable, checkLinearizableSync, makeModel, type Model } from '../../../checkers/linearizable/index.js';
import type { PartitionFailure } from '../../../checkers/linearizable/explain.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { pairOps } from '../../../harness/ground/history/pair.js';
import {
  anyHistory, longHistory, MODEL_CASES, randomHistory, truthHistory, withOp, type ModelCase,
} from './histories.js';
import { isLinearizable, isLinearizableNaive, kvRef, oracleCheck, oracleCheckWithin, pairHistory, type RefOp } from './oracle.js';

beforeAll(() => {
  if (process.env.FC_SEED) {
    fc.configureGlobal({ seed: Number(process.env.FC_SEED), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) });
  }
});

// Runs per model case (10 cases): 4,000 + 800 + 600 + 400 + 200 + 100 = 6,100, so about 60,000 in
// all (less the 400 never-written runs the mutex has no read for); ~20 s on a 2-core machine.
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

/** Long histories: the checker's limit and the oracle's (3M search steps, ~10 s on a loaded 2-core machine). */
const LONG_CHECK_MS = 10_000;
const LONG_ORACLE_CALLS = 3_000_000;

const RUNS = { verdict: 4000, explain: 800, truthful: 600, neverWritten: 400, oracleSelf: 200, long: 100 };

const check = (m: ModelCase, h: Op[], explain: boolean) =>
  checkLinearizableSync(pairOps(h), { model: m.spec, explain, timeoutMs: CHECK_TIMEOUT_MS });

/** What is wrong with an explanation of a failed partition, judged by the oracle (empty: nothing). */
function explanationProblems(m: ModelCase, model: Model, h: Op[], f: PartitionFailure): string[] {
  const problems: string[] = [];
  const byIndex = new Map(pairHistory(h).map((o) => [o.index, o]));
  if (f.counterexample.length === 0) problems.push('empty counterexample');
  if (f.candidates.length === 0) problems.push('no candidates');
  const sub: RefOp[] = [];
  for (const ref of f.counterexample) {
    const op = byIndex.get(ref.index);
    if (!op || op.f !== ref.f || op.process !== ref.process) problems.push(`counterexample op index ${ref.index} is not an invoke of the history`);
    else sub.push(op);
  }
  if (problems.length > 0) return problems;
  if (isLinearizable(m.ref, sub)) problems.push('the counterexample is linearizable');
  if (model.supports) {
    // An op the counterexample keeps that observed a value (a read, a cas's compare) keeps one of
    // the ops that supplied it, when the history had one: else the explanation degenerates into
    // "a cas from the initial state" while the real anomaly (a stale read) is dropped.
    const ops = pairOps(h);
    const inSearch = ops.filter((o) => o.key === f.key && (o.outcome !== 'fail' || model.keepFailed?.(o)) &&
      !(o.outcome === 'unknown' && model.readOnly?.(o)));
    const live = f.counterexample.map((r) => ops.find((o) => o.index === r.index)!);
    for (const r of live) {
      const supplied = (w: typeof r): boolean => w !== r && w.call < r.ret && model.supports!(w, r);
      if (inSearch.some(supplied) && !live.some(supplied)) {
        problems.push(`the counterexample keeps ${r.f} (index ${r.index}) but none of the ops that supplied what it observed`);
      }
    }
  }
  if (f.minimal) {
    // minimize.ts's contract: dropping any single op makes the rest linearizable, except an op that
    // supplied a value a remaining op observed (model.supports), which the shrinker never drops.
    const ops = pairOps(h);
    const live = f.counterexample.map((r) => ops.find((o) => o.index === r.index)!);
    sub.forEach((_, i) => {
      const kept = model.supports && live.some((r, j) => j !== i && model.supports!(live[i], r));
      if (!kept && !isLinearizable(m.ref, sub.filter((__, j) => j !== i))) {
        problems.push(`"minimal" but still not linearizable without ${f.counterexample[i].description} (index ${f.counterexample[i].index})`);
      }
    });
  }
  return problems;
}

describe('the oracle itself', () => {
  it.each(MODEL_CASES.map((m) => [m.label, m] as const))('%s: memoised search equals subsets × permutations', (_l, m) => {
    fc.assert(fc.property(randomHistory(m, 6), (h) => {
      const ops = pairHistory(h);
      expect(isLinearizable(m.ref, ops)).toBe(isLinearizableNaive(m.ref, ops));
    }), { numRuns: RUNS.oracleSelf });
  });

  it('a truthful history is linearizable per the oracle (the generator is sound)', () => {
    for (const m of MODEL_CASES) {
      fc.assert(fc.property(truthHistory(m), (h) => oracleCheck(m.ref, h)), { numRuns: 50 });
    }
  });
});

describe.each(MODEL_CASES.map((m) => [m.label, m] as const))('%s', (_label, m) => {
  const model = makeModel(m.spec);

  it('verdict equals the oracle (explain: false)', () => {
    fc.assert(fc.property(anyHistory(m), (h) => {
      const want = oracleCheck(m.ref, h);
      expect(check(m, h, false).valid).toBe(want);
    }), { numRuns: RUNS.verdict });
  });

  it('with explain, an invalid verdict comes with a counterexample the oracle rejects', () => {
    fc.assert(fc.property(anyHistory(m), (h) => {
      const r = check(m, h, true);
      expect(r.valid).toBe(oracleCheck(m.ref, h));
      if (r.valid !== false) return;
      expect(r.failures.length).toBeGreaterThan(0);
      for (const f of r.failures) expect(explanationProblems(m, model, h, f)).toEqual([]);
    }), { numRuns: RUNS.explain });
  });

  it('(a) a sequential run with widened, overlapping intervals is valid', () => {
    fc.assert(fc.property(truthHistory(m), (h) => {
      expect(check(m, h, false).valid).toBe(true);
    }), { numRuns: RUNS.truthful });
  });

  it('long histories (20–60 ops, little concurrency) agree with the oracle wherever both decide', () => {
    // Some long histories are hard for any search, not wrong: a FIFO queue with many pending enqueues
    // has a queue state for every subset and order of them (NP-complete); one in ~300 took the checker
    // over 10 s and the oracle minutes. Such a history is skipped — `unknown` is an honest answer, the
    // property guards the definite ones — and more than one skip in ten runs fails the property.
    fc.assert(fc.property(longHistory(m), (h) => {
      const verdict = checkLinearizableSync(pairOps(h), { model: m.spec, explain: false, timeoutMs: LONG_CHECK_MS }).valid;
      fc.pre(verdict !== 'unknown');
      const truth = oracleCheckWithin(m.ref, h, LONG_ORACLE_CALLS);
      fc.pre(truth !== undefined);
      expect(verdict).toBe(truth);
    }), { numRuns: RUNS.long, maxSkipsPerRun: 0.1 });
  });

  it.skipIf(!m.impossible)('(b) a read of a value never written is invalid, and the explanation holds the read', () => {
    const bad = m.impossible!;
    // Any history plus the read: invalid whatever else happened.
    fc.assert(fc.property(anyHistory(m), fc.nat(), fc.nat(), (h, at, len) => {
      const { history } = withOp(h, bad, at, len);
      expect(check(m, history, false).valid).toBe(false);
    }), { numRuns: RUNS.neverWritten / 2 });
    // Only writes plus the read: every non-linearizable subset contains the read, so the minimal
    // counterexample is the read alone.
    fc.assert(fc.property(truthHistory(m, { writesOnly: true }), fc.nat(), fc.nat(), (h, at, len) => {
      const { history, index } = withOp(h, bad, at, len);
      const r = check(m, history, true);
      expect(r.valid).toBe(false);
      const f = r.failures[0];
      expect(f.counterexample.map((o) => o.index)).toContain(index);
      const mentioned = [f.blocking?.index, ...f.candidates.map((c) => c.op.index)];
      expect(mentioned).toContain(index);
      if (f.minimal) expect(f.counterexample.map((o) => o.index)).toEqual([index]);
    }), { numRuns: RUNS.neverWritten / 2 });
  });
});

// The worker-thread path (partitions spread over threads, verdicts merged) on multi-key histories.
// Workers run the compiled dist/ (npm test builds first); without it this is skipped.
const workerJs = fileURLToPath(new URL('../../../dist/checkers/linearizable/worker.js', import.meta.url));
describe('on worker threads', () => {
  const kv2 = MODEL_CASES.find((m) => m.label === 'kv (2 keys)')!;
  it.skipIf(!fs.existsSync(workerJs))('kv with 2 keys, workers: 2: verdict equals the oracle', async () => {
    // workerThresholdSteps 0: every partition goes to the threads at once (by default small ones never do).
    await fc.assert(fc.asyncProperty(anyHistory(kv2), async (h) => {
      const r = await checkLinearizable(pairOps(h), { model: kv2.spec, workers: 2, explain: false, workerThresholdSteps: 0 });
      expect(r.valid).toBe(oracleCheck(kv2.ref, h));
    }), { numRuns: 40 });
  });
});

/**
 * Discrepancies found by the properties above, pinned as minimal histories. Each failed while the
 * checker disagreed with the semantics of docs/architecture.md; kept as regressions.
 */
describe('regressions (once discrepancies with the oracle)', () => {
  const rec = (index: number, process: number, type: Op['type'], f: string, value: unknown, key?: string): Op =>
    ({ index, time: index, process, type, f, value, ...(key === undefined ? {} : { key }) });

  // kv, initial absent (null, the default): a get that returns "" for a key nobody wrote. The key was
  // absent, so the only right answer is null (docs/architecture.md: a null read means the key is absent). kv.ts accepts ""
  // whenever the state is null (`cur === null && op.output === ''`), so the checker said valid (fixed: strict equality).
  it('kv (initial null): get → "" of a never-written key is not linearizable', () => {
    const h = [rec(0, 0, 'invoke', 'get', null, 'x'), rec(1, 0, 'ok', 'get', '', 'x')];
    expect(oracleCheck(kvRef(), h)).toBe(false);
    expect(checkLinearizableSync(pairOps(h), { model: { name: 'kv' }, explain: false }).valid).toBe(false);
  });
});
