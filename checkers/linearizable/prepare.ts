import { InputError } from '../../harness/history/errors.js';
import type { Model, Operation } from './model.js';

/** Operations of one independent object (a key), ready for the search. */
export interface Partition {
  key: string | number | undefined;
  ops: Operation[];
}

/**
 * Rejects ops the model cannot interpret, before any search: a wrong `f` or a malformed value is a
 * mistake in the input or in the choice of model, and the user must hear which line and why.
 * The line is the invoke's index + 1: records are one per line in every format we read.
 */
export function validateOps(model: Model, ops: readonly Operation[], file = 'history'): void {
  const fs = new Set(model.fs);
  for (const op of ops) {
    if (!fs.has(op.f)) {
      throw new InputError(
        `${file}:${op.index + 1}: op "${op.f}" is not an operation of model ${model.name} ` +
        `(it knows ${model.fs.join(', ')}); choose another model with --model`);
    }
    const why = model.validate?.(op);
    if (why) throw new InputError(`${file}:${op.index + 1}: ${why}; fix the record or choose another model with --model`);
  }
}

/**
 * Drops what cannot matter: `fail` ops (they did not happen) unless the model says a failure still
 * carries information, and indeterminate ops that never change state (a timed-out read).
 */
export function relevantOps(model: Model, ops: readonly Operation[]): Operation[] {
  const out: Operation[] = [];
  for (const op of ops) {
    if (op.outcome === 'fail' && !model.keepFailed?.(op)) continue;
    if (op.outcome === 'unknown' && model.readOnly?.(op)) continue;
    out.push(op);
  }
  return out;
}

/** Splits by the model's partition function, or by key (P-compositionality). */
export function partitionOps(model: Model, ops: Operation[]): Partition[] {
  if (model.partition) {
    return model.partition(ops).map((p) => ({ key: p[0]?.key, ops: p }));
  }
  const byKey = new Map<string | number | undefined, Operation[]>();
  for (const op of ops) {
    let list = byKey.get(op.key);
    if (!list) byKey.set(op.key, (list = []));
    list.push(op);
  }
  return [...byKey].map(([key, list]) => ({ key, ops: list }));
}
