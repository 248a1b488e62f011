import type { PartitionFailure } from './explain.js';
import type { PartitionVerdict } from './partition-check.js';

/** The linearizability checker's result, as written into `results.json`. */
export interface LinearizableResult {
  valid: true | false | 'unknown';
  checker: 'linearizable';
  model: string;
  /** Operations searched (after dropping failed ops and indeterminate reads). */
  ops: number;
  partitions: number;
  failedPartitions: number;
  unknownPartitions: number;
  /** Partitions left unchecked (or cut short) because another had already failed. */
  skippedPartitions: number;
  /**
   * Explanations of failed keys (at most `maxFailures`), earliest failure first: a reader looks for
   * where the history first went wrong, which is rarely the lowest key.
   */
  failures: PartitionFailure[];
  /** Why the verdict is unknown (timeout), when it is. */
  reason?: string;
  elapsedMs: number;
  steps: number;
}

/** Folds partition verdicts: any failure makes the whole invalid; else any unknown makes it unknown. */
export function summarize(
  model: string, verdicts: PartitionVerdict[], elapsedMs: number, maxFailures: number, reason?: string,
): LinearizableResult {
  let failed = 0, unknown = 0, skipped = 0, ops = 0, steps = 0;
  const failures: PartitionFailure[] = [];
  for (const v of verdicts) {
    ops += v.ops;
    steps += v.steps;
    if (v.valid === false) {
      failed++;
      if (v.failure && failures.length < maxFailures) failures.push(v.failure);
    } else if (v.skipped) skipped++;
    else if (v.valid === 'unknown') unknown++;
  }
  // Stable sort: failures at the same history index keep their key order.
  failures.sort((a, b) => failedAt(a) - failedAt(b));
  const valid = failed > 0 ? false : unknown > 0 ? 'unknown' : true;
  const res: LinearizableResult = {
    valid, checker: 'linearizable', model, ops, partitions: verdicts.length,
    failedPartitions: failed, unknownPartitions: unknown, skippedPartitions: skipped, failures, elapsedMs, steps,
  };
  if (valid === false) {
    // One line for summaries: the earliest failure explained — its key and the op that could not be linearized.
    const f = failures[0];
    const where = f?.key === undefined ? '' : ` at key ${JSON.stringify(f.key)}`;
    const what = f?.blocking ? `: ${f.blocking.description} (process ${f.blocking.process}, index ${f.blocking.index}) cannot be linearized` : '';
    res.reason = `${failed} of ${verdicts.length} ${keysWord(verdicts.length)} not linearizable${f ? `, earliest${where}${what}` : ''}` +
      (f ? `; minimal counterexample of ${f.counterexample.length} ops in the result` : '');
  }
  if (valid === 'unknown') {
    const memory = verdicts.some((v) => v.reason === 'memory');
    res.reason = reason ?? `${unknown} ${keysWord(unknown)} had no verdict: the search hit the ${memory ? 'memory cap' : 'time limit'} ` +
      `(raise --timeout${memory ? ' or --max-memory' : ''}, or check fewer ops)`;
  }
  return res;
}

/** "key" or "keys": the checker's unit is an independent key (a whole history counts as one). */
export function keysWord(n: number): string {
  return n === 1 ? 'key' : 'keys';
}

/**
 * Where a failure shows in the history: the completion of the op that could not be linearized, else
 * the last event of its counterexample. History indices are global, so failures of different keys compare.
 */
export function failedAt(f: PartitionFailure): number {
  if (f.blocking) return f.blocking.completionIndex ?? f.blocking.index;
  let last = Number.MAX_SAFE_INTEGER;
  if (f.counterexample.length > 0) last = Math.max(...f.counterexample.map((o) => o.completionIndex ?? o.index));
  return last;
}

/** "6 ops" for a history of one key, "600 ops in 5 keys" for independent keys. */
export function opsInKeys(ops: number, keys: number): string {
  return keys <= 1 ? `${ops} ops` : `${ops} ops in ${keys} keys`;
}
