import { explainFailure, type PartitionFailure } from './explain.js';
import type { Model } from './model.js';
import type { Partition } from './prepare.js';
import { searchLinearization } from './search.js';

/** The verdict on one partition, in a form that can cross a worker-thread boundary. */
export interface PartitionVerdict {
  key?: string | number;
  ops: number;
  valid: boolean | 'unknown';
  steps: number;
  cached: number;
  failure?: PartitionFailure;
}

export interface PartitionCheckOptions {
  /** `performance.now()` deadline for the verdict. */
  deadline: number;
  explain: boolean;
  /** `performance.now()` deadline for shrinking the counterexample (after the verdict). */
  minimizeDeadline: number;
}

/** Searches one partition and, when it fails and `explain` is on, explains it. */
export function checkPartition(model: Model, p: Partition, opts: PartitionCheckOptions): PartitionVerdict {
  const r = searchLinearization(model, p.ops, { deadline: opts.deadline, explain: opts.explain });
  const v: PartitionVerdict = { ops: p.ops.length, valid: r.valid, steps: r.steps, cached: r.cached };
  if (p.key !== undefined) v.key = p.key;
  if (r.valid === false && r.deepest) {
    v.failure = explainFailure(model, p.ops, r.deepest, p.key, opts.minimizeDeadline);
  }
  return v;
}
