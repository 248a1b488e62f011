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
  /** `performance.now()` deadline for shrinking the counterexample (after the verdict). */
  minimizeDeadline: number;
  abort?: Int32Array;
  maxMemoryBytes?: number;
}

/** Searches one partition and, when it fails and `explain` is on, explains it. */
export function checkPartition(model: Model, p: Partition, opts: PartitionCheckOptions): PartitionVerdict {
  const r = searchLinearization(model, p.ops, {
    deadline: opts.deadline, explain: opts.explain, abort: opts.abort, maxMemoryBytes: opts.maxMemoryBytes,
  });
  const v: PartitionVerdict = { ops: p.ops.length, valid: r.valid, steps: r.steps, cached: r.cached };
  if (r.reason) v.reason = r.reason;
  if (p.key !== undefined) v.key = p.key;
  if (r.valid === false && r.deepest) {
    v.failure = explainFailure(model, p.ops, r.deepest, p.key, opts.minimizeDeadline);
  }
  return v;
}

export interface PartitionsOptions {
  /** `performance.now()` deadline for every verdict. */
  deadline: number;
  explain: boolean;
  minimizeMs: number;
  afterFailureMs: number;
  maxMemoryBytes?: number;
  /** Int32Array over a SharedArrayBuffer: 1 once any thread found a failed partition. */
  shared?: Int32Array;
}

/**
 * Checks partitions in rounds of growing time slices (20 ms, then ×4), restarting the ones that did
 * not finish: a partition that fails fast is found before a hard one eats the whole budget, as
 * porcupine gets from checking every partition at once. Restarts cost at most a third extra.
 * Once one partition fails the verdict is decided: the rest get what is left of `afterFailureMs`
 * (to find and explain more failing keys) — without `explain`, nothing — and are reported skipped.
 */
export function checkPartitions(model: Model, partitions: Partition[], opts: PartitionsOptions): PartitionVerdict[] {
  const out: PartitionVerdict[] = new Array(partitions.length);
  let cutoff = Infinity;
  const failedElsewhere = (): boolean => opts.shared !== undefined && Atomics.load(opts.shared, 0) !== 0;
  const startCutoff = (): void => {
    if (cutoff === Infinity) cutoff = performance.now() + (opts.explain ? opts.afterFailureMs : 0);
  };
  let pending = partitions.map((_, i) => i);
  for (let slice = 20; pending.length > 0; slice *= 4) {
    const again: number[] = [];
    for (const i of pending) {
      const p = partitions[i];
      if (failedElsewhere()) startCutoff();
      const now = performance.now();
      const hardStop = Math.min(opts.deadline, cutoff);
      if (now >= hardStop) {
        out[i] = { ops: p.ops.length, valid: 'unknown', steps: 0, cached: 0, reason: 'timeout' };
        if (cutoff < Infinity) out[i].skipped = true;
        if (p.key !== undefined) out[i].key = p.key;
        continue;
      }
      const v = checkPartition(model, p, {
        deadline: Math.min(hardStop, now + slice), explain: opts.explain, maxMemoryBytes: opts.maxMemoryBytes,
        minimizeDeadline: Math.min(opts.deadline, now + opts.minimizeMs),
        abort: opts.explain ? undefined : opts.shared,
      });
      out[i] = v;
      if (v.valid === 'unknown') {
        if (cutoff < Infinity || failedElsewhere()) v.skipped = true;
        else if (v.reason === 'timeout' && performance.now() < opts.deadline) again.push(i);
      }
      if (v.valid === false) {
        if (opts.shared) Atomics.store(opts.shared, 0, 1);
        startCutoff();
      }
    }
    pending = again;
  }
  return out;
}
