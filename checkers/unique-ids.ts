/**
 * The unique-ids checker (Maelstrom's unique-ids, Jepsen's unique-ids): every id a `generate`
 * acknowledged must differ from every other. Ids may be any JSON value; two ids are the same when
 * they are the same JSON value (object key order does not matter).
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import { DEFAULT_MAX_EXAMPLES, canonical } from './common.js';

export interface UniqueIdsOptions {
  /** The f of an id request; default `generate`. */
  f?: string;
  /** Duplicated ids listed; default 10. */
  maxExamples?: number;
}

/** An id handed out more than once, with the completions that returned it. */
export interface DuplicateId {
  id: unknown;
  count: number;
  ops: { index: number; process: Op['process']; node?: string }[];
}

/** The unique-ids checker's result, as written into `results.json`. */
export interface UniqueIdsResult extends CheckResult {
  checker: 'unique-ids';
  /** Invocations of `generate`. */
  attempted: number;
  /** Successful completions. */
  acknowledged: number;
  /** Distinct ids returned more than once. */
  duplicatedCount: number;
  /** The first duplicated ids, in order of their second appearance. */
  duplicated: DuplicateId[];
  /** Smallest and largest id, when every id is a number. */
  range?: [number, number];
  reason?: string;
}

/** Checks that every acknowledged id is distinct. */
export function checkUniqueIds(history: readonly Op[], opts: UniqueIdsOptions = {}): UniqueIdsResult {
  const f = opts.f ?? 'generate';
  const max = opts.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  let attempted = 0;
  let acknowledged = 0;
  const byId = new Map<string, DuplicateId>();
  const dupOrder: DuplicateId[] = [];
  let numeric = true;
  let lo = Infinity;
  let hi = -Infinity;
  for (const op of history) {
    if (op.f !== f || typeof op.process !== 'number') continue;
    if (op.type === 'invoke') attempted++;
    if (op.type !== 'ok') continue;
    acknowledged++;
    if (typeof op.value === 'number') {
      lo = Math.min(lo, op.value);
      hi = Math.max(hi, op.value);
    } else numeric = false;
    const key = canonical(op.value);
    const ref = op.node === undefined ? { index: op.index, process: op.process } : { index: op.index, process: op.process, node: op.node };
    const cur = byId.get(key);
    if (!cur) {
      byId.set(key, { id: op.value, count: 1, ops: [ref] });
      continue;
    }
    cur.count++;
    cur.ops.push(ref);
    if (cur.count === 2) dupOrder.push(cur);
  }
  const res: UniqueIdsResult = {
    valid: dupOrder.length === 0,
    checker: 'unique-ids',
    attempted,
    acknowledged,
    duplicatedCount: dupOrder.length,
    duplicated: dupOrder.slice(0, max),
  };
  if (numeric && acknowledged > 0) res.range = [lo, hi];
  if (dupOrder.length > 0) res.reason = `${dupOrder.length} id(s) were handed out more than once`;
  return res;
}

/** The unique-ids checker as a Checker. */
export function uniqueIdsChecker(opts: UniqueIdsOptions = {}): Checker {
  return { name: 'unique-ids', check: (history) => checkUniqueIds(history, opts) };
}
