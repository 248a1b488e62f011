import type { Operation } from '../../harness/ground/history/pair.js';
import { bigintValue } from '../../harness/ground/history/exact-int.js';

export type { Operation };

/**
 * A sequential specification, porcupine-style: a record of functions, most optional.
 * `step` returns the state after the op, or `undefined` when the op is illegal in `state`
 * (states themselves are never `undefined`). An op with outcome `unknown` must always be legal:
 * it may or may not take effect, so its step applies the effect as if it happened.
 */
export interface Model<S = any> {
  /** Name shown in results and explanations. */
  name: string;
  /** The `f`s this model understands; anything else is rejected before checking with a clear error. */
  fs: readonly string[];
  init(): S;
  step(state: S, op: Operation): S | undefined;
  /**
   * For a nondeterministic op: every state it may lead to (an empty array when illegal). Return
   * `undefined` to fall back to `step`. Only models that need it pay for it.
   */
  stepAll?(state: S, op: Operation): S[] | undefined;
  /** State equality for memoisation; defaults to `===`, so keep states primitive where you can. */
  equal?(a: S, b: S): boolean;
  /** Hash consistent with `equal`; defaults to hashing primitive states (objects hash to 0). */
  hash?(state: S): number;
  /**
   * Splits a history into independent sub-histories (P-compositionality). Defaults to grouping by
   * `op.key`, which is right for every model whose objects are independent per key.
   */
  partition?(ops: Operation[]): Operation[][];
  describeOperation?(op: Operation): string;
  describeState?(state: S): string;
  /** True when a `fail` of this op still carries information (porcupine's failed cas: compare ran). */
  keepFailed?(op: Operation): boolean;
  /**
   * True when the op never changes state and its `step` is deterministic (a read). The search then
   * linearizes it as soon as it is legal, with no alternative tried, and drops indeterminate ones.
   */
  readOnly?(op: Operation): boolean;
  /**
   * True when `w`'s effect may be what `r` observed (a write of the value a read returned). The
   * counterexample shrinker never drops such a `w` while `r` stays, so a shrunk history keeps the
   * writes its reads saw instead of degenerating into "a read of a value nobody wrote".
   */
  supports?(w: Operation, r: Operation): boolean;
  /** A message when the op's value does not fit the model (checked before the search). */
  validate?(op: Operation): string | undefined;
  /**
   * For a read that is illegal in `state`: true when no sequence of `writes` (the ops that may still
   * be linearized before it, in any order and any subset) can make it legal, so the search can
   * abandon this configuration at once. Must never answer true when some sequence could.
   */
  unreachable?(state: S, read: Operation, writes: readonly Operation[], count: number): boolean;
}

/** How a model is named on the CLI and sent to worker threads: functions cannot cross threads. */
export interface ModelSpec {
  name: string;
  options?: Record<string, unknown>;
}

/**
 * JSON text with object keys sorted at every depth. JSON objects are unordered (RFC 8259): a value
 * read back by a client in another language may list its keys in another order and is still the
 * same value, so every comparison of JSON values goes through this form.
 */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    // A bigint (from a caller's own ops; the readers never make one) keys as its record form, 5n as 5.
    if (typeof x === 'bigint') return bigintValue(x);
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) sorted[k] = (x as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Deep equality for JSON values (key order ignored), cheap for primitives. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return canonical(a) === canonical(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonical(a) === canonical(b);
}

/** Compact text of a JSON value for explanations. */
export function show(v: unknown): string {
  if (v === undefined) return '?';
  if (v === null) return 'nil';
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

/** Default description: `write(3) → ok`, `read() → 4`, `cas(1, 2) → fail`, `write(5) → ?` (unknown). */
export function describeOp(op: Operation): string {
  const arg = op.input === null || op.input === undefined ? '' : Array.isArray(op.input) ? op.input.map(show).join(', ') : show(op.input);
  const key = op.key === undefined ? '' : `[${show(op.key)}]`;
  // A completion that repeats the argument (write, cas, add) says only "ok".
  const echoes = op.output === undefined || (op.input !== null && op.input !== undefined && same(op.input, op.output));
  const res = op.outcome === 'unknown' ? '?' : op.outcome === 'fail' ? 'fail' : echoes ? 'ok' : show(op.output);
  return `${op.f}${key}(${arg}) → ${res}`;
}
