/**
 * Transactions from a history: each `f: 'txn'` operation with its micro-ops (`['append', k, v]`,
 * `['r', k, v]`, `['w', k, v]`). A completed transaction's micro-ops come from its completion (the
 * reads filled in); an indeterminate or failed one keeps the invoke's, whose reads say nothing.
 */
import type { Op } from '../../harness/ground/history/op.js';
import { pairOps, type Operation } from '../../harness/ground/history/pair.js';
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
function microOps(index: number, value: unknown, fs: readonly string[]): MicroOp[] {
  if (!Array.isArray(value)) {
    throw new TxnShapeError(`the txn at history index ${index} has the value ${JSON.stringify(value)}, expected a list of micro-ops like ["r", k, null]`);
  }
  for (const m of value) {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string' || !fs.includes(m[0])) {
      throw new TxnShapeError(`the txn at history index ${index} has the micro-op ${JSON.stringify(m)}, expected [f, key, value] with f one of ${fs.join(', ')}`);
    }
  }
  return value as MicroOp[];
}

/** Which micro-ops a history's transactions hold (for the choice of workload), noted while they are read. */
export interface MicroOpKinds { append: boolean; w: boolean; listRead: boolean }

/** The transactions of a history (or of its paired operations), in invoke order; `kinds`, when given, is filled in. */
export function transactions(history: readonly Op[] | readonly Operation[], fs: readonly string[], kinds?: MicroOpKinds): Txn[] {
  if (history.length > 0 && !('outcome' in history[0])) {
    const direct = pairTxns(history as readonly Op[], fs, kinds);
    if (direct) return direct;
  }
  const ops: readonly Operation[] = history.length > 0 && 'outcome' in history[0] ? history as Operation[] : pairOps(history as Op[]);
  const out: Txn[] = [];
  for (const o of ops) {
    const status: TxnStatus = o.outcome === 'unknown' ? 'info' : o.outcome;
    out.push(txnOf(out.length, o.f, o.index, o.process, status, o.input, o.output, o.call, o.ret, o.completionIndex, fs, kinds));
  }
  return out;
}

/** One transaction from its invoke and completion, its micro-ops checked for shape. */
function txnOf(id: number, f: string, index: number, process: number, status: TxnStatus, input: unknown, output: unknown,
  call: number, ret: number, completionIndex: number | undefined, fs: readonly string[], kinds?: MicroOpKinds): Txn {
  if (f !== 'txn') {
    throw new TxnShapeError(`the op at history index ${index} has f "${f}", expected "txn" in a transactional history`);
  }
  const completed = status === 'ok' && output !== undefined;
  const invoked = microOps(index, input, fs);
  const ops = completed ? microOps(index, output, fs) : invoked;
  if (completed && ops.length !== invoked.length) {
    throw new TxnShapeError(`the txn completed at history index ${completionIndex} has ${ops.length} micro-ops for the ${invoked.length} invoked`);
  }
  // Noted here, while the micro-ops are in cache: a separate pass over a million transactions cost 5 %.
  if (kinds) {
    for (let i = 0; i < ops.length; i++) {
      const f = ops[i][0];
      if (f === 'append') kinds.append = true;
      else if (f === 'w') kinds.w = true;
      else if (f === 'r' && Array.isArray(ops[i][2])) kinds.listRead = true;
    }
  }
  return { id, process, status, ops, index, completionIndex, call, ret };
}

/**
 * Pairs a history straight into transactions, without an Operation per op in between: at a million
 * transactions those objects were a tenth of the heap the collector walked. Only a well-formed history
 * takes this path; on anything irregular (a completion with no invoke, a second invoke, another f or
 * key) it returns undefined and the caller pairs with pairOps, whose error names the problem.
 */
function pairTxns(history: readonly Op[], fs: readonly string[], kinds?: MicroOpKinds): Txn[] | undefined {
  const open = new Map<number, number>(); // process → its open invoke's place in `inputs`
  const inputs: Op[] = [];
  const outputs: (Op | undefined)[] = [];
  // History positions of invokes and completions (real-time order); typed, so the collector skips them.
  const calls = new Int32Array(history.length);
  const rets = new Int32Array(history.length);
  for (let pos = 0; pos < history.length; pos++) {
    const op = history[pos];
    if (typeof op.process !== 'number') continue;
    const at = open.get(op.process);
    if (op.type === 'invoke') {
      if (at !== undefined) return undefined;
      open.set(op.process, inputs.length);
      calls[inputs.length] = pos;
      inputs.push(op);
      outputs.push(undefined);
      continue;
    }
    if (at === undefined) return undefined;
    const inv = inputs[at];
    if (inv.f !== op.f || (op.key !== undefined && inv.key !== undefined && op.key !== inv.key)) return undefined;
    open.delete(op.process);
    outputs[at] = op;
    rets[at] = pos;
  }
  const out: Txn[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const inv = inputs[i], done = outputs[i];
    const status: TxnStatus = done === undefined || done.type === 'info' ? 'info' : done.type === 'fail' ? 'fail' : 'ok';
    const ret = status === 'info' ? Infinity : rets[i];
    out[i] = txnOf(i, inv.f, inv.index, inv.process as number, status, inv.value, done?.value, calls[i], ret, done?.index, fs, kinds);
  }
  return out;
}
