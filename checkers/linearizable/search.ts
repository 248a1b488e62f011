import { MemoTable } from './memo-table.js';
import type { Model, Operation } from './model.js';

/** Where the search got furthest before every branch died: the heart of an explanation. */
export interface Deepest {
  /** Local op ids in the order they were linearized. */
  order: number[];
  /** Model state after `order`. */
  state: unknown;
  /** Ops that were candidates to go next (called before `blocking` returned) but could not. */
  candidates: number[];
  /** The op whose return was reached without it being linearized (undefined: list exhausted). */
  blocking: number | undefined;
}

export interface SearchResult {
  valid: boolean | 'unknown';
  /** Why the verdict is unknown: the time limit, the memory cap, another thread's failure, or `maxSteps`. */
  reason?: 'timeout' | 'memory' | 'aborted' | 'steps';
  /** Present when `explain` was asked and the partition is not linearizable. */
  deepest?: Deepest;
  /** Search iterations and memoised configurations, for benchmarks and the report. */
  steps: number;
  cached: number;
}

export interface SearchOptions {
  /** Absolute `performance.now()` deadline; the search returns `unknown` past it. */
  deadline?: number;
  /**
   * Budget of search steps; past it the search returns `unknown` (reason `steps`). Unlike the
   * deadline it does not depend on the machine's speed or load: the same input stops at the same point.
   */
  maxSteps?: number;
  /** Track the longest linearizable prefix (costs a copy of the stack at each new maximum). */
  explain?: boolean;
  /** Shared flag (another partition already failed): when non-zero the search gives up as `unknown`. */
  abort?: Int32Array;
  /** Rough cap on the memo table's size in bytes; past it the search gives up as `unknown`. */
  maxMemoryBytes?: number;
  /**
   * Bound the runs of back-to-back unknown ops in rounds (default true). False runs the unbounded
   * search alone: the same verdicts, slower on histories with many indeterminate ops; for tests.
   */
  boundedRuns?: boolean;
  /**
   * The events of `ops` in history order (call of op i = 2i, return = 2i+1), as prepare builds them
   * (Partition.events); without it the search sorts them.
   */
  events?: Int32Array;
  /** Each op's pass, as prepare works it out (Partition.kinds); without it the search does. */
  kinds?: Uint8Array;
}

/**
 * Hash of a primitive state (strings, numbers, booleans, null); 0 for objects, which then rely on
 * the bitset hash alone. Mixing the state into the memo key keeps buckets short when one linearized
 * set is reached with many states (appends in every order), where comparing long strings dominates.
 */
export function defaultStateHash(s: unknown): number {
  if (typeof s === 'string') {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h ^ s.length;
  }
  if (typeof s === 'number') {
    const x = Number.isInteger(s) ? s | 0 : Math.floor(s * 1e6) | 0;
    return Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ 0x5bd1e995;
  }
  if (s === null) return 0x6a09e667;
  if (typeof s === 'boolean') return s ? 0x3c6ef372 : 0x1f83d9ab;
  return 0;
}

// Zobrist keys: a random 32-bit word per op, XORed into the hash of the linearized set so that
// adding or removing an op updates the hash in O(1) instead of rehashing the bitset.
let zobrist = new Int32Array(0);
function zobristKeys(n: number): Int32Array {
  if (zobrist.length >= n) return zobrist;
  const z = new Int32Array(Math.max(n, zobrist.length * 2, 1024));
  for (let i = 0; i < z.length; i++) {
    // A nonlinear mix (murmur3's finaliser) of i: a linear generator such as xorshift would make
    // XORs of small subsets collide, and the memo table would degrade into long bucket scans.
    let x = Math.imul(i + 1, 0x9e3779b1);
    x ^= x >>> 16; x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13; x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    z[i] = x;
  }
  return (zobrist = z);
}

/**
 * Event ids (call of op i = 2i, return = 2i+1) by position, calls before returns on ties, then by id;
 * returns at Infinity last. Positions from pairing are small integers, so each event becomes one
 * number (position, kind, id) and a typed array sorts natively: a comparator closure took a seventh
 * of the check on histories of many small partitions. Other positions take the comparator.
 * (Partitions from prepare come with their events in this order already: Partition.events.)
 */
export function sortEvents(ops: readonly Operation[]): Int32Array {
  const n = ops.length, m = 2 * n;
  const evs = new Int32Array(m);
  let max = -1;
  let dense = m < 2 ** 22;
  for (let i = 0; i < n && dense; i++) {
    const { call, ret } = ops[i];
    if (!(Number.isInteger(call) && call >= 0 && call < 2 ** 25) || !(ret === Infinity || (Number.isInteger(ret) && ret >= 0 && ret < 2 ** 25))) dense = false;
    else max = Math.max(max, call, ret === Infinity ? -1 : ret);
  }
  if (dense) {
    const keys = new Float64Array(m);
    const inf = 2 * (max + 1) + 1;
    for (let i = 0; i < n; i++) {
      const ret = ops[i].ret;
      keys[2 * i] = (2 * ops[i].call) * m + 2 * i;
      keys[2 * i + 1] = (ret === Infinity ? inf : 2 * ret + 1) * m + 2 * i + 1;
    }
    keys.sort();
    for (let i = 0; i < m; i++) evs[i] = keys[i] % m;
    return evs;
  }
  for (let i = 0; i < m; i++) evs[i] = i;
  const posOf = (e: number): number => ((e & 1) === 0 ? ops[e >> 1].call : ops[e >> 1].ret);
  evs.sort((a, b) => {
    const pa = posOf(a), pb = posOf(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    if ((a & 1) !== (b & 1)) return (a & 1) - (b & 1);
    return a - b;
  });
  return evs;
}

/**
 * The arrays of one search, kept between searches and grown to the largest partition: a history of
 * a thousand small keys otherwise allocated some twenty typed arrays and a memo table per key, which
 * cost as much time as searching them and held megabytes of garbage at the peak. One search runs at
 * a time in a thread; a nested one (a model that searches) gets arrays of its own.
 */
class Work {
  cap = 0;
  next = new Int32Array(0);
  prev = new Int32Array(0);
  rank = new Int32Array(0);
  kind = new Uint8Array(0);
  slot = new Int32Array(0);
  stackEv = new Int32Array(0);
  stackChoice = new Int32Array(0);
  stackPass = new Uint8Array(0);
  stackRun = new Uint8Array(0);
  stackState: unknown[] = [];
  bits = new Uint32Array(0);
  table = new MemoTable(1, 0);
  busy = false;

  /** Room for `n` ops. */
  ensure(n: number): void {
    if (n > this.cap) {
      const cap = Math.max(n, 2 * this.cap, 64);
      this.next = new Int32Array(2 * cap + 4);
      this.prev = new Int32Array(2 * cap + 4);
      this.rank = new Int32Array(2 * cap + 1);
      this.kind = new Uint8Array(cap);
      this.slot = new Int32Array(cap);
      this.stackEv = new Int32Array(cap);
      this.stackChoice = new Int32Array(cap);
      this.stackPass = new Uint8Array(cap);
      this.stackRun = new Uint8Array(cap);
      this.stackState = new Array<unknown>(cap).fill(undefined);
      this.cap = cap;
    }
  }

  /** A linearized set of `words` words, empty. */
  clearBits(words: number): void {
    if (words > this.bits.length) this.bits = new Uint32Array(Math.max(words, 2 * this.bits.length));
    this.bits.fill(0, 0, words);
  }

  /** After a search: drops references to its states, and arrays grown past KEEP_OPS. */
  release(n: number): void {
    this.stackState.fill(undefined, 0, n);
    this.table.reset(1, 0);
    if (this.cap > KEEP_OPS) {
      this.cap = 0;
      this.next = this.prev = this.rank = this.slot = this.stackEv = this.stackChoice = new Int32Array(0);
      this.kind = this.stackPass = this.stackRun = new Uint8Array(0);
      this.stackState = [];
      this.bits = new Uint32Array(0);
    }
  }
}

/** Ops past which the scratch arrays are released after a search, not kept for the next one. */
const KEEP_OPS = 1 << 16;
const shared = new Work();

/** What a round needs besides the scratch arrays. */
interface Round {
  model: Model;
  ops: readonly Operation[];
  n: number;
  words: number;
  dWords: number;
  definiteTotal: number;
  unknownTotal: number;
  z: Int32Array;
  deadline: number;
  maxSteps: number;
  maxMemory: number;
  abort: Int32Array | undefined;
  explain: boolean;
  /** Search steps so far, over every round (the step budget spans them). */
  steps: number;
  /** Memo entries of the rounds before. */
  cachedBefore: number;
}

/**
 * Wing–Gong–Lowe search with memoisation of (linearized set, model state), as in porcupine, over
 * one partition. Ops with an unknown outcome are optional: they are tried only after every definite
 * candidate at a point failed, and the search succeeds as soon as every definite op is linearized —
 * the unknown ones left over are the ones that never took effect. That ordering keeps valid histories
 * with many `info` ops near-linear instead of exploring each info op at every position.
 *
 * Reads (ops the model says never change state) that are legal when they are candidates are
 * linearized at once with no alternative tried: if any linearization exists from here, moving the
 * read to its front is another (its state is unchanged, and nothing that must precede it is left,
 * or it would not be a candidate). This prunes most of a read-heavy history's search.
 *
 * Unknown ops are tried last, so the first dead end is often deep: an indeterminate append that took
 * effect early is missed until a later get cannot be linearized. There, every sequence of the pending
 * unknown ops is a distinct state (appends do not commute), and a depth-first search would try all of
 * them — k! for k pending — before backtracking to the level where the op belongs. So the search runs
 * in rounds that bound the RUN of unknown ops linearized back to back (no definite op between them):
 * 1, 2, 4, … then unbounded. A bounded round that finds a linearization is a proof of validity; one
 * that finds none is conclusive only if the bound never refused an unknown candidate, else the next
 * round runs. The last round is the unbounded search, exactly as without rounds. Within a round a
 * memo entry records the run that reached it, and prunes only a configuration reached by a run at
 * least as long (which has no more budget left), so pruning stays exact for the round's bound.
 */
export function searchLinearization(model: Model, ops: readonly Operation[], opts: SearchOptions = {}): SearchResult {
  const n = ops.length;
  if (n === 0) return { valid: true, steps: 0, cached: 0 };
  const w = shared.busy ? new Work() : shared;
  w.busy = true;
  try {
    return search(w, model, ops, opts);
  } finally {
    w.release(n);
    w.busy = false;
  }
}

function search(w: Work, model: Model, ops: readonly Operation[], opts: SearchOptions): SearchResult {
  const n = ops.length;
  // Events: call of op i is 2i, return is 2i+1; in history order (by position, calls before returns
  // on ties: closed intervals overlap; returns at Infinity last), as prepare gives them or sorted.
  const evs = opts.events && opts.events.length === 2 * n ? opts.events : sortEvents(ops);
  // The pass that tries each op: 0 reads (definite, read-only), 1 other definite ops, 2 unknown ops.
  w.ensure(n);
  const { next, prev, kind, slot } = w;
  if (opts.kinds && opts.kinds.length === n) kind.set(opts.kinds);
  else {
    const readOnly = model.readOnly;
    for (let i = 0; i < n; i++) kind[i] = ops[i].outcome === 'unknown' ? 2 : readOnly?.(ops[i]) ? 0 : 1;
  }
  let definiteTotal = 0;
  for (let i = 0; i < n; i++) if (kind[i] !== 2) definiteTotal++;
  const unknownTotal = n - definiteTotal;
  // The linearized set is two bitsets in one array: definite ops in the first dWords words, unknown
  // ops after them. Only the definite part is hashed, so configurations that differ only in which
  // unknown ops took effect meet in one bucket, where subsumption (below) can prune them.
  const dWords = (definiteTotal + 31) >>> 5;
  const words = dWords + ((unknownTotal + 31) >>> 5);
  w.clearBits(words);
  for (let i = 0, d = 0, u = dWords * 32; i < n; i++) slot[i] = kind[i] === 2 ? u++ : d++;
  // Four doubly linked lists over the events, in history order (`rank`: each event's place in it,
  // shifted by one: rank[e + 1], rank[0] for the end of a list): the returns, from RHEAD (2n), and
  // the calls of each pass, from CHEAD + pass. A pass tries the calls of its list ranked before the
  // first pending return. In one list of all events, each scan stepped over the calls of the other
  // passes: over every pending info op (most are never linearized: the search ends once the
  // definite ops are), a third of the steps with 1 % info ops; over the reads and writes, a quarter.
  const RHEAD = 2 * n, CHEAD = RHEAD + 1;
  const rank = w.rank;
  rank[0] = NO_RANK;
  for (let h = RHEAD; h <= CHEAD + 2; h++) next[h] = -1;
  for (let i = 2 * n - 1; i >= 0; i--) {
    const e = evs[i];
    rank[e + 1] = i;
    const h = (e & 1) === 1 ? RHEAD : CHEAD + kind[e >> 1];
    const f = next[h];
    next[e] = f;
    prev[e] = h;
    if (f !== -1) prev[f] = e;
    next[h] = e;
  }
  const r: Round = {
    model, ops, n, words, dWords, definiteTotal, unknownTotal, z: zobristKeys(32 * words),
    deadline: opts.deadline ?? Infinity, maxSteps: opts.maxSteps ?? Infinity,
    maxMemory: opts.maxMemoryBytes ?? 768 * 1024 * 1024, abort: opts.abort, explain: !!opts.explain,
    steps: 0, cachedBefore: 0,
  };
  // Bounds on the run of back-to-back unknown ops, one round each; the last is unbounded (0).
  for (let b = 1; opts.boundedRuns !== false && b < unknownTotal && b < 64; b *= 2) {
    const v = round(w, r, b);
    if (v) return v;
    r.cachedBefore += w.table.size;
  }
  return round(w, r, 0)!;
}

/**
 * Returns true when (bits ∪ {op}, s) is new, and remembers it. A configuration is also pruned when
 * one with the same definite ops and state, and a SUBSET of its unknown ops, was seen: unknown ops
 * are optional, so whatever completes from the larger set completes from the smaller one too.
 * In a bounded round the seen one must also have been reached by a run no longer than this one's
 * (`run`; 0 outside bounded rounds and for definite ops).
 */
function remember(
  cache: MemoTable, bits: Uint32Array, dWords: number, words: number, sl: number, h: number, run: number,
  s: unknown, equal: Model['equal'],
): boolean {
  const wd = sl >>> 5, m = 1 << (sl & 31);
  bits[wd] |= m;
  for (let c = cache.first(h); c !== -1; c = cache.next(c, h)) {
    let k = 0;
    for (; k < dWords; k++) if (cache.word(c, k) !== bits[k]) break;
    if (k < dWords) continue;
    for (; k < words; k++) if ((cache.word(c, k) & ~bits[k]) !== 0) break;
    if (k < words || cache.run(c) > run) continue;
    const cs = cache.state(c);
    if (equal ? equal(cs, s) : cs === s) { bits[wd] &= ~m; return false; }
  }
  cache.add(h, bits, s, run);
  bits[wd] &= ~m;
  return true;
}

/** The deepest point so far, for explanations: candidates are every op called before the first pending return. */
function snapshot(w: Work, n: number, depth: number, state: unknown): Deepest {
  const { next, rank } = w;
  const order: number[] = new Array(depth);
  for (let i = 0; i < depth; i++) order[i] = w.stackEv[i] >> 1;
  const blocking = next[2 * n];
  const end = rank[blocking + 1];
  // The calls of the three lists ranked before it, in history order.
  const calls: number[] = [];
  for (let h = 2 * n + 1; h <= 2 * n + 3; h++) for (let x = next[h]; x !== -1 && rank[x + 1] < end; x = next[x]) calls.push(x);
  calls.sort((a, b) => rank[a + 1] - rank[b + 1]);
  return { order, state, candidates: calls.map((x) => x >> 1), blocking: blocking === -1 ? undefined : blocking >> 1 };
}

/**
 * An illegal read: can the ops that may still precede it (unlinearized, called before it returns)
 * ever make it legal? True when not: the configuration is dead.
 */
function readUnreachable(
  w: Work, r: Round, writes: Operation[], state: unknown, e: number,
): boolean {
  const { next, rank } = w;
  const end = rank[e + 2];
  let count = 0;
  for (let h = 2 * r.n + 2; h <= 2 * r.n + 3; h++) {
    for (let x = next[h]; x !== -1 && rank[x + 1] < end; x = next[x]) writes[count++] = r.ops[x >> 1];
  }
  return r.model.unreachable!(state, r.ops[e >> 1], writes, count);
}

const writesScratch: Operation[] = [];

/** The rank of "no event" (the end of a list): after every event. */
const NO_RANK = 0x7fffffff;

/**
 * One round: the search with runs of back-to-back unknown ops bounded by `bound` (0: unbounded).
 * Returns the result, or undefined when the round found no linearization but its bound refused an
 * unknown candidate (then the next round decides).
 *
 * Written for V8's optimizing compiler as much as for the reader: an operation first reached after
 * the function was compiled (the first backtrack over an unknown op, the first memo hit, …) throws
 * the compiled code away and the whole function is compiled again, in a fresh process several times
 * per check. So what differs between definite and unknown ops is data (`u` below is 1 for an
 * unknown op, 0 for a definite one), not separate branches, and every way out of the loop ends in
 * one place.
 */
function round(w: Work, r: Round, bound: number): SearchResult | undefined {
  const { model, ops, words, dWords, definiteTotal, z, deadline, maxSteps, maxMemory, abort } = r;
  const { next, prev, rank, kind, slot, stackEv, stackPass, stackChoice, stackRun, stackState, bits } = w;
  const RHEAD = 2 * r.n, CHEAD = RHEAD + 1;
  const cache = w.table;
  cache.reset(words, r.n);
  const equal = model.equal;
  const stateHash = model.hash ?? defaultStateHash;
  const stepAll = model.stepAll;
  const unreachable = model.unreachable;
  const explain = r.explain;
  const bounded = bound === 0 ? 0 : 1;
  let definiteLeft = definiteTotal;
  let unknownLeft = r.unknownTotal;
  let steps = r.steps;
  let memory = 0;
  let depth = 0;
  let state: unknown = model.init();
  let hash = 0;
  let run = 0; // unknown ops linearized since the last definite one
  let refused = false; // the bound kept an unknown candidate from being tried
  let pass = 0;
  let dead = false; // the current configuration is known to fail: backtrack
  // `e` walks the calls of the pass's list; those ranked before the first pending return (`limit`)
  // are its candidates.
  let e = next[CHEAD];
  let limit = rank[next[RHEAD] + 1];
  let choice = 0; // first successor to try at `e` (nondeterministic models only)
  let bestDepth = -1;
  let deepest: Deepest | undefined;
  let valid: boolean | 'unknown' | undefined;
  let reason: SearchResult['reason'];

  for (;;) {
    if (definiteLeft === 0) { valid = true; break; }
    if ((++steps & 0xfff) === 0) {
      if (steps > maxSteps) reason = 'steps';
      else if (performance.now() > deadline) reason = 'timeout';
      else if (abort && Atomics.load(abort, 0) !== 0) reason = 'aborted';
      else if (memory > maxMemory) reason = 'memory';
      if (reason) { valid = 'unknown'; break; }
    }

    if (dead || rank[e + 1] >= limit) {
      // Past the first pending return (or the end of the list): the op it closes must have been
      // linearized by now, so this pass is over.
      if (!dead && pass < 2) {
        if (pass === 0) pass = 1;
        else {
          // Unknown candidates: is the first unknown call ranked before that return?
          const candidates = rank[next[CHEAD + 2] + 1] < limit;
          const blocked = bounded === 1 && run >= bound;
          if (candidates && blocked) refused = true;
          pass = candidates && !blocked ? 2 : 3;
        }
        if (pass < 3) { e = next[CHEAD + pass]; choice = 0; continue; }
      }
      // The deepest point counts definite ops only: unknown ops are optional, and a path padded with
      // them is no further through the history (it would make explanations depend on memo pruning).
      if (explain && definiteTotal - definiteLeft > bestDepth) {
        bestDepth = definiteTotal - definiteLeft;
        deepest = snapshot(w, r.n, depth, state);
      }
      // No linearization within this round's bound: final unless the bound refused a candidate.
      if (depth === 0) { valid = false; break; }
      depth--;
      const c = stackEv[depth];
      const op = c >> 1;
      state = stackState[depth];
      stackState[depth] = undefined;
      pass = stackPass[depth];
      run = stackRun[depth];
      const sl = slot[op];
      const u = kind[op] >> 1;
      bits[sl >>> 5] &= ~(1 << (sl & 31));
      unknownLeft += u;
      definiteLeft += 1 - u;
      hash ^= z[sl] & (u - 1);
      // Unlift: put the op's call and return back into their lists.
      const rr = c + 1;
      if (next[rr] !== -1) prev[next[rr]] = rr;
      next[prev[rr]] = rr;
      if (next[c] !== -1) prev[next[c]] = c;
      next[prev[c]] = c;
      limit = rank[next[RHEAD] + 1];
      // A forced read had no alternative worth trying: this configuration is dead too.
      dead = pass === 0;
      if (stepAll) { e = c; choice = stackChoice[depth] + 1; } else { e = next[c]; choice = 0; }
      continue;
    }

    const op = e >> 1;

    const sl = slot[op];
    const u = pass >> 1; // 1 in pass 2 (unknown ops), else 0
    // The hash of the linearized set counts definite ops only; `ro`: the run this op would end,
    // which memo entries of a bounded round compare.
    const h = hash ^ (z[sl] & (u - 1));
    const ro = (run + 1) * u * bounded;
    let ns: unknown;
    let picked = -1;
    const succ = stepAll ? stepAll(state, ops[op]) : undefined;
    if (succ) {
      for (let k = choice; k < succ.length; k++) {
        const s = succ[k];
        if (remember(cache, bits, dWords, words, sl, h ^ Math.imul(stateHash(s), 0x27d4eb2d), ro, s, equal)) {
          memory += 24 + 4 * words + (typeof s === 'string' ? 2 * s.length : 16);
          ns = s; picked = k;
          break;
        }
      }
    } else if (choice === 0) {
      ns = model.step(state, ops[op]);
      if (ns === undefined && pass === 0 && unreachable && readUnreachable(w, r, writesScratch, state, e)) {
        dead = true;
        continue;
      }
      if (ns !== undefined) {
        if (remember(cache, bits, dWords, words, sl, h ^ Math.imul(stateHash(ns), 0x27d4eb2d), ro, ns, equal)) {
          // Entry, bitset and (for strings, which hashing flattened) the state's characters.
          memory += 24 + 4 * words + (typeof ns === 'string' ? 2 * ns.length : 16);
          picked = 0;
        } else if (pass === 0) {
          // A legal read whose successor was already explored (and failed: it has more definite ops
          // than anything on the stack) dooms this configuration as well.
          dead = true;
          continue;
        }
      }
    }
    if (picked < 0) { e = next[e]; choice = 0; continue; }

    stackEv[depth] = e;
    stackState[depth] = state;
    stackPass[depth] = pass;
    stackChoice[depth] = picked;
    stackRun[depth] = run;
    depth++;
    state = ns;
    unknownLeft -= u;
    definiteLeft -= 1 - u;
    hash = h;
    run = (run + 1) * u;
    bits[sl >>> 5] |= 1 << (sl & 31);
    // Lift: take the op's call and return out of their lists.
    const rr = e + 1;
    next[prev[e]] = next[e];
    if (next[e] !== -1) prev[next[e]] = prev[e];
    next[prev[rr]] = next[rr];
    if (next[rr] !== -1) prev[next[rr]] = prev[rr];
    e = next[CHEAD];
    limit = rank[next[RHEAD] + 1];
    pass = 0;
    choice = 0;
  }
  // Leave the bitset as the next round expects it: nothing linearized.
  for (let i = 0; i < words; i++) bits[i] = 0;
  r.steps = steps;
  if (valid === false && refused) return undefined;
  return { valid, reason, deepest: valid === false ? deepest : undefined, steps, cached: r.cachedBefore + cache.size };
}
