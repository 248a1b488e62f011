import { InputError } from '../../harness/ground/history/errors.js';
import type { Model, Operation } from './model.js';

/** Operations of one independent object (a key), ready for the search. */
export interface Partition {
  key: string | number | undefined;
  ops: Operation[];
  /**
   * The partition's events in history order (call of local op i = 2i, its return = 2i+1), built for
   * every partition in one pass over the history's positions (`eventOrders`). Absent when the
   * positions did not allow that; the search then sorts the events itself.
   */
  events?: Int32Array;
  /**
   * The search's pass for each op: 0 a definite read-only op (the model's `readOnly`), 1 another
   * definite op, 2 an indeterminate one. Absent: the search works it out.
   */
  kinds?: Uint8Array;
}

/** The error for an op the model cannot interpret. */
function invalidOp(model: Model, op: Operation, file: string, why?: string): InputError {
  if (why === undefined) {
    return new InputError(
      `${file}:${op.index + 1}: op "${op.f}" is not an operation of model ${model.name} ` +
      `(it knows ${model.fs.join(', ')}); choose another model with --model`);
  }
  return new InputError(`${file}:${op.index + 1}: ${why}; fix the record or choose another model with --model`);
}

/**
 * Rejects ops the model cannot interpret, before any search: a wrong `f` or a malformed value is a
 * mistake in the input or in the choice of model, and the user must hear which line and why.
 * The line is the invoke's index + 1: records are one per line in every format we read.
 */
export function validateOps(model: Model, ops: readonly Operation[], file = 'history'): void {
  const fs = new Set(model.fs);
  for (const op of ops) {
    if (!fs.has(op.f)) throw invalidOp(model, op, file);
    const why = model.validate?.(op);
    if (why) throw invalidOp(model, op, file, why);
  }
}

/** True when an op can matter: see relevantOps. */
function relevant(model: Model, op: Operation): boolean {
  if (op.outcome === 'fail') return !!model.keepFailed?.(op);
  if (op.outcome === 'unknown') return !model.readOnly?.(op);
  return true;
}

/**
 * Drops what cannot matter: `fail` ops (they did not happen) unless the model says a failure still
 * carries information, and indeterminate ops that never change state (a timed-out read).
 */
export function relevantOps(model: Model, ops: readonly Operation[]): Operation[] {
  const out: Operation[] = [];
  for (const op of ops) if (relevant(model, op)) out.push(op);
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

/** Positions up to this many times the ops are read off an array indexed by position; past it, sorted. */
const SPREAD = 16;

/**
 * Everything before the search, in one pass over the history: validates every op (validateOps),
 * drops the irrelevant ones (relevantOps) and groups the rest by key (partitionOps), the same
 * partitions as those three in turn; and gives each partition what the search would otherwise work
 * out per partition, in further passes over the ops: the pass that tries each op (`kinds`) and its
 * events in order (`events`, see eventOrders). In a fresh process every pass over the op objects of
 * a 100k-op history costs milliseconds, several times more before the JIT has compiled it. Each loop
 * is a function of its own: a function of several loops compiled on stack replacement for its first
 * loop is thrown away at the next one, which it had no type feedback for.
 */
export function preparePartitions(model: Model, ops: readonly Operation[], file = 'history'): Partition[] {
  if (model.partition) {
    validateOps(model, ops, file);
    const parts = partitionOps(model, relevantOps(model, ops));
    const events = eventOrders(parts);
    if (events) parts.forEach((p, i) => { p.events = events[i]; });
    return parts;
  }
  const g = groupByKey(model, ops, file);
  const n = g.lists.length;
  // One buffer for every partition's kinds and one for their events, each partition a view: a
  // thousand keys made two thousand small typed arrays, each its own allocation.
  const start = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) start[k + 1] = start[k] + g.lists[k].length;
  const kinds = new Uint8Array(g.count);
  scatterKinds(kinds, start, g.part, g.local, g.kind, g.count);
  const events = g.ordered ? new Int32Array(2 * g.count) : undefined;
  if (events) scatterEvents(events, start, g.at, g.atEnd, g.part, g.local, g.infinite);
  const parts: Partition[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const a = start[k], b = start[k + 1];
    parts[k] = {
      key: g.keys[k], ops: g.lists[k], events: events ? events.subarray(2 * a, 2 * b) : undefined, kinds: kinds.subarray(a, b),
    };
  }
  return parts;
}

/** The relevant ops grouped by key, in columns: for kept op g, its partition, its index there, its kind. */
interface Grouped {
  keys: (string | number | undefined)[];
  lists: Operation[][];
  count: number;
  part: Int32Array;
  local: Int32Array;
  kind: Uint8Array;
  /** Every call and finite return at its own non-negative integer position, below the limit. */
  ordered: boolean;
  /** at[position] = 2g at op g's call, 2g + 1 at its return, else -1; up to atEnd. */
  at: Int32Array;
  atEnd: number;
  /** The kept ops whose return is at Infinity, in order. */
  infinite: number[];
}

function groupByKey(model: Model, ops: readonly Operation[], file: string): Grouped {
  const fs = new Set(model.fs);
  const { validate, keepFailed, readOnly } = model;
  const byKey = new Map<string | number | undefined, number>();
  const keys: (string | number | undefined)[] = [];
  const lists: Operation[][] = [];
  // At most one entry per op: allocated once (growing them left their old copies as garbage at the peak).
  const part = new Int32Array(ops.length), local = new Int32Array(ops.length), kinds = new Uint8Array(ops.length);
  const limit = Math.min(2 ** 30, SPREAD * ops.length + 1024);
  let at = new Int32Array(Math.min(limit, 2 * ops.length + 16)).fill(-1);
  let atEnd = 0;
  let ordered = true;
  const infinite: number[] = [];
  let g = 0;
  for (let j = 0; j < ops.length; j++) {
    const op = ops[j];
    if (!fs.has(op.f)) throw invalidOp(model, op, file);
    if (validate) {
      const why = validate(op);
      if (why) throw invalidOp(model, op, file, why);
    }
    let kind: number;
    if (op.outcome === 'unknown') {
      if (readOnly?.(op)) continue;
      kind = 2;
    } else {
      if (op.outcome === 'fail' && !keepFailed?.(op)) continue;
      kind = readOnly?.(op) ? 0 : 1;
    }
    let k = byKey.get(op.key);
    if (k === undefined) {
      k = lists.length;
      byKey.set(op.key, k);
      keys.push(op.key);
      lists.push([]);
    }
    const list = lists[k];
    part[g] = k;
    local[g] = list.length;
    kinds[g] = kind;
    list.push(op);
    if (ordered) {
      const call = op.call, ret = op.ret;
      // Integers in [0, limit): `x | 0` is x only for integers below 2^31 (limit ≤ 2^30).
      if (!((call | 0) === call && call >= 0 && call < limit) ||
        !(ret === Infinity || ((ret | 0) === ret && ret >= 0 && ret < limit))) {
        ordered = false;
      } else {
        const end = (ret === Infinity || call > ret ? call : ret) + 1;
        if (end > at.length) at = grownPositions(at, Math.min(limit, Math.max(end, 2 * at.length)));
        if (end > atEnd) atEnd = end;
        if (at[call] !== -1) ordered = false;
        at[call] = 2 * g;
        if (ret === Infinity) infinite.push(g);
        else if (at[ret] !== -1) ordered = false;
        else at[ret] = 2 * g + 1;
      }
    }
    g++;
  }
  return { keys, lists, count: g, part, local, kind: kinds, ordered, at, atEnd, infinite };
}

function grownPositions(a: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length).fill(-1);
  b.set(a);
  return b;
}

/** kinds[start[k] + i] = the kind of op i of partition k. */
function scatterKinds(kinds: Uint8Array, start: Int32Array, part: Int32Array, local: Int32Array, kind: Uint8Array, count: number): void {
  for (let g = 0; g < count; g++) kinds[start[part[g]] + local[g]] = kind[g];
}

/** events[2 start[k] …] = partition k's events in position order, then its returns at Infinity. */
function scatterEvents(
  events: Int32Array, start: Int32Array, at: Int32Array, atEnd: number, part: Int32Array, local: Int32Array, infinite: number[],
): void {
  const fill = new Int32Array(start.length);
  for (let k = 0; k < start.length; k++) fill[k] = 2 * start[k];
  for (let pos = 0; pos < atEnd; pos++) {
    const e = at[pos];
    if (e === -1) continue;
    const g = e >> 1;
    events[fill[part[g]]++] = 2 * local[g] + (e & 1);
  }
  for (let i = 0; i < infinite.length; i++) {
    const g = infinite[i];
    events[fill[part[g]]++] = 2 * local[g] + 1;
  }
}

/**
 * Each partition's events (call of local op i = 2i, return = 2i+1) in the search's order: by
 * position, calls before returns on ties, then by id; returns at Infinity last, by id. When every
 * call and every finite return sits at its own non-negative integer position (as pairing a history
 * gives: one position per record), that order is read off one array indexed by position, for all
 * partitions at once and without sorting. Otherwise (ties, other numbers) undefined: the search sorts.
 */
export function eventOrders(parts: readonly Partition[]): Int32Array[] | undefined {
  let total = 0;
  let max = -1;
  for (const p of parts) {
    for (const op of p.ops) {
      const { call, ret } = op;
      if (!(Number.isInteger(call) && call >= 0)) return undefined;
      if (call > max) max = call;
      if (ret !== Infinity) {
        if (!(Number.isInteger(ret) && ret >= 0)) return undefined;
        if (ret > max) max = ret;
      }
    }
    total += p.ops.length;
  }
  // Positions spread far beyond the events (or past what an Int32Array can index): sort instead.
  if (max >= 2 ** 30 || max >= SPREAD * total + 1024) return undefined;
  // at[position] = 2 × (the op's index over all partitions) + (0 call, 1 return), or -1.
  const at = new Int32Array(max + 1).fill(-1);
  const partOf = new Int32Array(total);
  const first = new Int32Array(parts.length);
  let g = 0;
  for (let k = 0; k < parts.length; k++) {
    first[k] = g;
    for (const op of parts[k].ops) {
      if (at[op.call] !== -1) return undefined;
      at[op.call] = 2 * g;
      if (op.ret !== Infinity) {
        if (at[op.ret] !== -1) return undefined;
        at[op.ret] = 2 * g + 1;
      }
      partOf[g++] = k;
    }
  }
  const out = parts.map((p) => new Int32Array(2 * p.ops.length));
  const fill = new Int32Array(parts.length);
  for (let pos = 0; pos <= max; pos++) {
    const e = at[pos];
    if (e === -1) continue;
    const k = partOf[e >> 1];
    out[k][fill[k]++] = 2 * ((e >> 1) - first[k]) + (e & 1);
  }
  for (let k = 0; k < parts.length; k++) {
    const ops = parts[k].ops;
    for (let i = 0; i < ops.length; i++) if (ops[i].ret === Infinity) out[k][fill[k]++] = 2 * i + 1;
  }
  return out;
}
