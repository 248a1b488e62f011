/**
 * A brute-force linearizability oracle for tiny histories, written independently of the checker:
 * its own pairing of invokes and completions, its own reference step functions, and a plain search
 * over every order of the ops that real time allows. Nothing here imports checkers/linearizable, so a
 * bug in the search, in a model or in the pairing shows up as a disagreement with the checker.
 *
 * Semantics (docs/architecture.md, "Core records"): `ok` happened within [invoke, completion]; `fail` did not
 * happen, unless the reference says a failure carries information (a cas-register whose failed cas
 * means "the compare ran and the value differed"), in which case it is a definite op that leaves the
 * state unchanged; `info` or a never-completed invoke may take effect at any point after its invoke,
 * or never. Real time is the order of records (positions), never `time`: a precedes b iff a's
 * completion record comes before b's invoke record.
 */
import type { Op } from '../../../harness/ground/history/op.js';

export type RefOutcome = 'ok' | 'fail' | 'unknown';

/** One paired operation, as the oracle sees it. `index` is the invoke's `index` field. */
export interface RefOp {
  index: number;
  process: number;
  f: string;
  key?: string | number;
  input: unknown;
  output: unknown;
  outcome: RefOutcome;
  /** Position of the invoke record in the history. */
  call: number;
  /** Position of the completion record; Infinity when the outcome is unknown. */
  ret: number;
}

/**
 * A sequential specification: every state an op may lead to (empty = illegal). States must be JSON
 * values whose JSON text is canonical (it is the memo key).
 */
export interface Reference<S = unknown> {
  name: string;
  init(): S;
  step(state: S, op: RefOp): S[];
  /** True when a `fail` of this op is still a definite op (it happened, and failed). */
  keepFailed?(op: RefOp): boolean;
}

/** Pairs a raw history into operations, record order as real time. Nemesis records only take a position. */
export function pairHistory(history: readonly Op[]): RefOp[] {
  const out: RefOp[] = [];
  const open = new Map<number, RefOp>();
  history.forEach((rec, pos) => {
    if (typeof rec.process !== 'number') return;
    if (rec.type === 'invoke') {
      if (open.has(rec.process)) throw new Error(`oracle: process ${rec.process} invokes twice at position ${pos}`);
      const op: RefOp = {
        index: rec.index, process: rec.process, f: rec.f, input: rec.value, output: undefined,
        outcome: 'unknown', call: pos, ret: Infinity,
      };
      if (rec.key !== undefined) op.key = rec.key;
      out.push(op);
      open.set(rec.process, op);
      return;
    }
    const op = open.get(rec.process);
    if (!op) throw new Error(`oracle: completion without invoke at position ${pos}`);
    open.delete(rec.process);
    op.output = rec.value;
    if (rec.type === 'info') return;
    op.outcome = rec.type;
    op.ret = pos;
  });
  return out;
}

/** The ops that constrain the history: `fail`s are dropped unless the reference keeps them. */
export function relevant(ref: Reference, ops: readonly RefOp[]): RefOp[] {
  return ops.filter((op) => op.outcome !== 'fail' || (ref.keepFailed?.(op) ?? false));
}

/**
 * True when the ops are linearizable: some subset of the unknown-outcome ops, together with every
 * definite op, has an order that respects real time (a before b whenever a.ret < b.call) and that
 * the reference accepts step by step. Depth-first over orders, extending a prefix only with ops whose
 * real-time predecessors are all placed; unknown ops never placed are the ones that did not happen.
 * The only shortcut is a memo of (placed set, state) pairs already shown to fail, which is sound
 * because what can follow depends on nothing else.
 */
export function isLinearizable(ref: Reference, opsIn: readonly RefOp[]): boolean {
  return isLinearizableWithin(ref, opsIn, Infinity)!;
}

/**
 * `isLinearizable`, giving up (undefined) after `maxCalls` steps of the search: a few generated
 * histories are hard for any search — a FIFO queue with many pending enqueues has a distinct queue
 * for every subset and order of them that took effect (queue linearizability is NP-complete).
 */
export function isLinearizableWithin(ref: Reference, opsIn: readonly RefOp[], maxCalls: number): boolean | undefined {
  const ops = relevant(ref, opsIn);
  const n = ops.length;
  if (n > 200) throw new Error(`oracle: ${n} ops is too many for brute force`);
  // Sets of ops as bigints, so long (but barely concurrent) histories work too.
  const bit = ops.map((_, i) => 1n << BigInt(i));
  let required = 0n;
  const preds = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < n; i++) {
    if (ops[i].outcome !== 'unknown') required |= bit[i];
    for (let j = 0; j < n; j++) if (j !== i && ops[j].ret < ops[i].call) preds[i] |= bit[j];
  }
  const failed = new Set<string>();
  let calls = 0;
  const gaveUp = new Error('oracle: gave up');
  const go = (done: bigint, state: unknown): boolean => {
    if (++calls > maxCalls) throw gaveUp;
    if ((done & required) === required) return true;
    const memo = `${done}|${canonical(state)}`;
    if (failed.has(memo)) return false;
    for (let i = 0; i < n; i++) {
      if ((done & bit[i]) !== 0n || (preds[i] & ~done) !== 0n) continue;
      for (const next of ref.step(state, ops[i])) if (go(done | bit[i], next)) return true;
    }
    failed.add(memo);
    return false;
  };
  try {
    return go(0n, ref.init());
  } catch (err) {
    if (err === gaveUp) return undefined;
    throw err;
  }
}

/**
 * The same question answered the most literal way: for every subset of unknown ops that took effect,
 * every permutation of the chosen ops, keep those that respect real time and replay legally. No memo,
 * no pruning: exponential, only for cross-checking `isLinearizable` itself on very small histories.
 */
export function isLinearizableNaive(ref: Reference, opsIn: readonly RefOp[]): boolean {
  const ops = relevant(ref, opsIn);
  const unknown = ops.filter((o) => o.outcome === 'unknown');
  const definite = ops.filter((o) => o.outcome !== 'unknown');
  if (ops.length > 8) throw new Error('oracle: naive check is limited to 8 ops');
  for (let mask = 0; mask < 1 << unknown.length; mask++) {
    const chosen = definite.concat(unknown.filter((_, i) => (mask & (1 << i)) !== 0));
    for (const perm of permutations(chosen)) {
      if (!respectsRealTime(perm)) continue;
      if (replays(ref, perm)) return true;
    }
  }
  return false;
}

function respectsRealTime(order: readonly RefOp[]): boolean {
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) if (order[j].ret < order[i].call) return false;
  }
  return true;
}

function replays(ref: Reference, order: readonly RefOp[]): boolean {
  let states: unknown[] = [ref.init()];
  for (const op of order) {
    const next = new Map<string, unknown>();
    for (const s of states) for (const t of ref.step(s, op)) next.set(canonical(t), t);
    if (next.size === 0) return false;
    states = [...next.values()];
  }
  return true;
}

function* permutations<T>(xs: readonly T[]): Generator<T[]> {
  if (xs.length <= 1) {
    yield [...xs];
    return;
  }
  for (let i = 0; i < xs.length; i++) {
    const rest = xs.slice(0, i).concat(xs.slice(i + 1));
    for (const p of permutations(rest)) yield [xs[i], ...p];
  }
}

/** Pairs and checks a raw history. */
export function oracleCheck(ref: Reference, history: readonly Op[]): boolean {
  return isLinearizable(ref, pairHistory(history));
}

/** Pairs and checks a raw history, giving up (undefined) after `maxCalls` search steps. */
export function oracleCheckWithin(ref: Reference, history: readonly Op[], maxCalls: number): boolean | undefined {
  return isLinearizableWithin(ref, pairHistory(history), maxCalls);
}

// ---------------------------------------------------------------------------------------------
// Reference models. Deliberately naive: whole values, deep equality through JSON text.

/** JSON text with object keys sorted: JSON objects are unordered, so {a,b} and {b,a} are one value. */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const eq = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

export interface RegisterRefOptions {
  initial?: unknown;
  /** With cas: what a `fail` cas means. */
  failedCas?: 'did-not-happen' | 'compare-failed';
}

/** A read/write register; with `cas`, a compare-and-set register. */
export function registerRef(withCas: boolean, opts: RegisterRefOptions = {}): Reference {
  const initial = opts.initial ?? null;
  const compareFailed = withCas && opts.failedCas === 'compare-failed';
  return {
    name: withCas ? `cas-register(${compareFailed ? 'compare-failed' : 'did-not-happen'})` : 'register',
    init: () => initial,
    step(state, op) {
      switch (op.f) {
        case 'read':
          if (op.outcome === 'unknown') return [state];
          return eq(state, op.output) ? [state] : [];
        case 'write':
          return [op.input];
        case 'cas': {
          if (!withCas) return [];
          const [from, to] = op.input as [unknown, unknown];
          const matches = eq(state, from);
          if (op.outcome === 'ok') return matches ? [to] : [];
          if (op.outcome === 'fail') return matches ? [] : [state]; // only reached when compare-failed
          return matches ? [to] : [state]; // unknown: it ran; a failed compare changes nothing
        }
      }
      return [];
    },
    keepFailed: compareFailed ? (op) => op.f === 'cas' : undefined,
  };
}

export interface KvRefOptions {
  /** Value of a key never written: null (absent) or "". */
  initial?: string | null;
}

/** A map of string keys to strings with get/put/append; the state is every key's value. */
export function kvRef(opts: KvRefOptions = {}): Reference<[string, string | null][]> {
  const initial = opts.initial === undefined ? null : opts.initial;
  const keyOf = (op: RefOp): string => JSON.stringify(op.key ?? null);
  const get = (s: [string, string | null][], k: string): string | null => {
    const e = s.find(([kk]) => kk === k);
    return e ? e[1] : initial;
  };
  const set = (s: [string, string | null][], k: string, v: string): [string, string | null][] =>
    [...s.filter(([kk]) => kk !== k), [k, v] as [string, string | null]].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    name: `kv(initial ${JSON.stringify(initial)})`,
    init: () => [],
    step(state, op) {
      const k = keyOf(op);
      switch (op.f) {
        case 'get':
          if (op.outcome === 'unknown') return [state];
          return get(state, k) === op.output ? [state] : [];
        case 'put':
          return [set(state, k, op.input as string)];
        case 'append':
          return [set(state, k, (get(state, k) ?? '') + (op.input as string))];
      }
      return [];
    },
  };
}

/** A lock. */
export function mutexRef(): Reference<boolean> {
  return {
    name: 'mutex',
    init: () => false,
    step(held, op) {
      if (op.f === 'acquire') return held ? [] : [true];
      if (op.f === 'release') return held ? [false] : [];
      return [];
    },
  };
}

/** A grow-only set; a read returns every element, in any order. */
export function setRef(): Reference<string[]> {
  const norm = (xs: unknown[]): string[] => [...new Set(xs.map(canonical))].sort();
  return {
    name: 'set',
    init: () => [],
    step(state, op) {
      if (op.f === 'add') return [norm([...state.map((s) => JSON.parse(s) as unknown), op.input])];
      if (op.f === 'read') {
        if (op.outcome === 'unknown') return [state];
        if (!Array.isArray(op.output)) return [];
        return eq(norm(op.output), state) ? [state] : [];
      }
      return [];
    },
  };
}

/** A queue: FIFO, or one whose dequeue may return any element. A dequeue of an empty queue returns null. */
export function queueRef(fifo: boolean): Reference<unknown[]> {
  return {
    name: fifo ? 'fifo-queue' : 'unordered-queue',
    init: () => [],
    step(state, op) {
      if (op.f === 'enqueue') {
        const next = [...state, op.input];
        return [fifo ? next : sortJson(next)];
      }
      if (op.f !== 'dequeue') return [];
      if (op.outcome === 'unknown') {
        // It ran and returned something nobody saw: the head, or (unordered) any element.
        if (state.length === 0) return [state];
        if (fifo) return [state.slice(1)];
        return uniqueJson(state.map((_, i) => state.slice(0, i).concat(state.slice(i + 1))));
      }
      if (op.output === null || op.output === undefined) return state.length === 0 ? [state] : [];
      if (fifo) return state.length > 0 && eq(state[0], op.output) ? [state.slice(1)] : [];
      const at = state.findIndex((x) => eq(x, op.output));
      return at < 0 ? [] : [state.slice(0, at).concat(state.slice(at + 1))];
    },
  };
}

function sortJson(xs: unknown[]): unknown[] {
  return [...xs].sort((a, b) => {
    const x = canonical(a), y = canonical(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function uniqueJson<T>(xs: T[]): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) seen.set(canonical(x), x);
  return [...seen.values()];
}
