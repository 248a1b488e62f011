import { explainFailure, type PartitionFailure } from './explain.js';
import type { Model } from './model.js';
import type { Partition } from './prepare.js';
import { searchLinearization, type SearchResult } from './search.js';

/** The verdict on one partition, in a form that can cross a worker-thread boundary. */
export interface PartitionVerdict {
  key?: string | number;
  ops: number;
  valid: boolean | 'unknown';
  steps: number;
  cached: number;
  reason?: SearchResult['reason'];
  /** Not searched to the end because another partition had already failed. */
  skipped?: boolean;
  failure?: PartitionFailure;
}

export interface PartitionCheckOptions {
  /** `performance.now()` deadline for the verdict. */
  deadline: number;
  explain: boolean;
  /** `performance.now()` deadline for shrinking the counterexample (after the verdict): a safety net. */
  minimizeDeadline: number;
  /** Search steps for this verdict; past them the verdict is `unknown` with reason `steps`. */
  maxSteps?: number;
  /** Search steps for shrinking the counterexample, given the steps the verdict's search took. */
  minimizeSteps?: (searchSteps: number) => number;
  abort?: Int32Array;
  maxMemoryBytes?: number;
}

/** Searches one partition and, when it fails and `explain` is on, explains it. */
export function checkPartition(model: Model, p: Partition, opts: PartitionCheckOptions): PartitionVerdict {
  const r = searchLinearization(model, p.ops, {
    deadline: opts.deadline, explain: opts.explain, abort: opts.abort, maxMemoryBytes: opts.maxMemoryBytes, maxSteps: opts.maxSteps,
    events: p.events, kinds: p.kinds,
  });
  const v: PartitionVerdict = { ops: p.ops.length, valid: r.valid, steps: r.steps, cached: r.cached };
  if (r.reason) v.reason = r.reason;
  if (p.key !== undefined) v.key = p.key;
  if (r.valid === false && r.deepest) {
    const spent = { steps: 0 };
    const budget = opts.minimizeSteps ? opts.minimizeSteps(r.steps) : Infinity;
    v.failure = explainFailure(model, p.ops, r.deepest, p.key, opts.minimizeDeadline, budget, spent);
    v.steps += spent.steps;
  }
  return v;
}

export interface PartitionsOptions {
  /** `performance.now()` deadline for every verdict. */
  deadline: number;
  explain: boolean;
  /** Wall-clock cap (ms) on shrinking one counterexample: a safety net, the step budget binds first. */
  minimizeMs: number;
  /** Wall-clock cap (ms) on searching the other partitions after a failure: a safety net as well. */
  afterFailureMs: number;
  /** How many failed partitions to explain (shrink); the others are only counted. Default 10. */
  maxFailures?: number;
  maxMemoryBytes?: number;
  /** Int32Array over a SharedArrayBuffer: 1 once any thread found a failed partition. */
  shared?: Int32Array;
  /** The first round's step budget per partition (default FIRST_SLICE_STEPS). */
  firstSlice?: number;
  /**
   * Stop after the last round whose budget is at most this many steps: partitions still unfinished
   * come back `unknown` with reason `steps` and not `skipped`, for the caller to hand to worker threads.
   */
  handOffAfter?: number;
  /** Search steps already spent on this history elsewhere (for the explanation budget). */
  stepsBefore?: number;
}

/** First round's step budget per partition (a few ms); each later round has 4× the previous one's. */
export const FIRST_SLICE_STEPS = 100_000;
/**
 * Explanations cost at most EXPLAIN_FACTOR × the steps the verdict took, and at least
 * EXPLAIN_FLOOR_STEPS (about a tenth of a second): shrinking a counterexample and finding more failing
 * keys then take a bounded multiple of the check, never a flat budget that a large history blows
 * through and a small one never needs.
 */
export const EXPLAIN_FACTOR = 4;
export const EXPLAIN_FLOOR_STEPS = 2_000_000;

/**
 * Checks partitions in rounds of growing step budgets (FIRST_SLICE_STEPS, then ×4), restarting the
 * ones that did not finish: a partition that fails fast is found before a hard one eats the whole
 * time limit, as porcupine gets from checking every partition at once. Restarts cost at most a third
 * extra. Budgets are in search steps, not milliseconds, so which partitions finish in which round —
 * and so which failure is found first and explained — does not depend on the machine's speed or load.
 *
 * Once one partition fails the verdict is decided. With `explain`, what follows (shrinking each
 * counterexample, searching the other partitions for more failing keys) shares one pool of
 * max(EXPLAIN_FLOOR_STEPS, EXPLAIN_FACTOR × the steps the verdict took); partitions left when it is
 * spent are reported skipped. Without `explain` the check stops at the first failure.
 */
export function checkPartitions(model: Model, partitions: Partition[], opts: PartitionsOptions): PartitionVerdict[] {
  const out: PartitionVerdict[] = new Array(partitions.length);
  const maxFailures = opts.maxFailures ?? 10;
  let cutoff = Infinity; // wall-clock safety net after the first failure
  let spent = opts.stepsBefore ?? 0; // search steps so far, all partitions and rounds
  let pool = -1; // explanation steps left once the verdict is decided (-1: not decided yet)
  let explained = 0;
  const failedElsewhere = (): boolean => opts.shared !== undefined && Atomics.load(opts.shared, 0) !== 0;
  const explainBudget = (verdictSteps: number): number => Math.max(EXPLAIN_FLOOR_STEPS, EXPLAIN_FACTOR * verdictSteps);
  // Opens the explanation pool once the verdict is decided (here, or in another thread).
  const decide = (): void => {
    if (pool >= 0) return;
    pool = opts.explain ? explainBudget(spent) : 0;
    cutoff = performance.now() + (opts.explain ? opts.afterFailureMs : 0);
  };
  const skip = (i: number): void => {
    const p = partitions[i];
    out[i] = { ops: p.ops.length, valid: 'unknown', steps: 0, cached: 0, reason: 'timeout' };
    if (pool >= 0) out[i].skipped = true;
    if (p.key !== undefined) out[i].key = p.key;
  };
  let pending = partitions.map((_, i) => i);
  for (let slice = opts.firstSlice ?? FIRST_SLICE_STEPS; pending.length > 0; slice *= 4) {
    if (opts.handOffAfter !== undefined && slice > opts.handOffAfter && pool < 0) break;
    const again: number[] = [];
    for (const i of pending) {
      const p = partitions[i];
      if (failedElsewhere()) decide();
      const now = performance.now();
      const hardStop = Math.min(opts.deadline, cutoff);
      if (now >= hardStop || pool === 0) { skip(i); continue; }
      let searched = -1; // this partition's search steps, when it failed and was explained
      const v = checkPartition(model, p, {
        deadline: hardStop, maxSteps: pool > 0 ? Math.min(slice, pool) : slice,
        explain: opts.explain && explained < maxFailures, maxMemoryBytes: opts.maxMemoryBytes,
        // Shrinking draws on the pool; the first failure opens it, from the verdict's steps.
        minimizeSteps: (steps) => {
          searched = steps;
          return pool >= 0 ? Math.max(0, pool - steps) : explainBudget(spent + steps);
        },
        minimizeDeadline: Math.min(opts.deadline, now + opts.minimizeMs),
        abort: opts.explain ? undefined : opts.shared,
      });
      out[i] = v;
      if (v.valid === false && pool < 0) {
        // The verdict: its cost is every search so far, this one's without its shrinking.
        spent += searched >= 0 ? searched : v.steps;
        decide();
        if (searched >= 0) pool = Math.max(0, pool - (v.steps - searched));
        spent += searched >= 0 ? v.steps - searched : 0;
      } else {
        spent += v.steps;
        if (pool > 0) pool = Math.max(0, pool - v.steps);
      }
      if (v.valid === false) {
        if (v.failure) explained++;
        if (opts.shared) Atomics.store(opts.shared, 0, 1);
      } else if (v.valid === 'unknown') {
        if (pool >= 0 || failedElsewhere()) v.skipped = true;
        else if ((v.reason === 'steps' || v.reason === 'timeout') && performance.now() < opts.deadline) again.push(i);
      }
    }
    pending = again;
  }
  return out;
}
