/**
 * Transactions from a history: each `f: 'txn'` operation with its micro-ops (`['append', k, v]`,
 * `['r', k, v]`, `['w', k, v]`). A completed transaction's micro-ops come from its completion (the
 * reads filled in); an indeterminate or failed one keeps the invoke's, whose reads say nothing.
 */
import type { Op } from '../../harness/history/op.js';
import { pairOps, type Operation } from '../../harness/history/pair.js';
import { canonical } from '../common.js';

export type MicroOp = [f: string, key: unknown, value: unknown];

export type TxnStatus = 'ok' | 'info' | 'fail';

export interface Txn {
  /** Dense id, the node of the dependency graph; T<id> in explanations. */
  id: number;
  process: number;
  status: TxnStatus;
  ops: MicroOp[];
  /** History index of the invoke and of the completion (undefined if it never completed). */
  index: number;
  completionIndex?: number;
  /** Real-time positions: invoke and completion (Infinity if it never completed). */
  call: number;
  ret: number;
}

/** Something in a history that is not a transaction Elle's analysis can read. */
export class TxnShapeError extends Error {}

/** A Map key for a key or value: primitives as themselves (exact-int strings included), else canonical JSON. */
export function valueKey(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' || typeof v === 'bigint') return '\u0000' + canonical(v);
  return v;
}

/** The micro-ops of an operation, checked for shape; `fs` are the micro-op names allowed. */
function microOps(o: Operation, value: unknown, fs: readonly string[]): MicroOp[] {
  if (!Array.isArray(value)) {
    throw new TxnShapeError(`the txn at history index ${o.index} has the value ${JSON.stringify(value)}, expected a list of micro-ops like ["r", k, null]`);
  }
  for (const m of value) {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string' || !fs.includes(m[0])) {
      throw new TxnShapeError(`the txn at history index ${o.index} has the micro-op ${JSON.stringify(m)}, expected [f, key, value] with f one of ${fs.join(', ')}`);
    }
  }
  return value as MicroOp[];
}

/** The transactions of a history (or of its paired operations), in invoke order. */
export function transactions(history: readonly Op[] | readonly Operation[], fs: readonly string[]): Txn[] {
  const ops: readonly Operation[] = history.length > 0 && 'outcome' in history[0] ? history as Operation[] : pairOps(history as Op[]);
  const out: Txn[] = [];
  for (const o of ops) {
    if (o.f !== 'txn') {
      throw new TxnShapeError(`the op at history index ${o.index} has f "${o.f}", expected "txn" in a transactional history`);
    }
    const status: TxnStatus = o.outcome === 'unknown' ? 'info' : o.outcome;
    const completed = status === 'ok' && o.output !== undefined;
    const invoked = microOps(o, o.input, fs);
    const ops2 = completed ? microOps(o, o.output, fs) : invoked;
    if (completed && ops2.length !== invoked.length) {
      throw new TxnShapeError(`the txn completed at history index ${o.completionIndex} has ${ops2.length} micro-ops for the ${invoked.length} invoked`);
    }
    out.push({
      id: out.length, process: o.process, status, ops: ops2,
      index: o.index, completionIndex: o.completionIndex, call: o.call, ret: o.ret,
    });
  }
  return out;
}
