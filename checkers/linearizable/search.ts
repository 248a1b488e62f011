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
 */
function sortEvents(ops: readonly Operation[]): Int32Array {
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
  const deadline = opts.deadline ?? Infinity;
  const abort = opts.abort;
  const maxMemory = opts.maxMemoryBytes ?? 768 * 1024 * 1024;
  const maxSteps = opts.maxSteps ?? Infinity;
  if (n === 0) return { valid: true, steps: 0, cached: 0 };

  // Events: call of op i is 2i, return is 2i+1; sorted by position, calls before returns on ties
  // (closed intervals overlap), returns at Infinity last.
  const evs = sortEvents(ops);
  const HEAD = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  let last = HEAD;
  for (let i = 0; i < 2 * n; i++) {
    const e = evs[i];
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = -1;

  const unknown = new Uint8Array(n);
  const kind = new Uint8Array(n); // the pass that tries the op
  let definiteLeft = 0;
  let unknownLeft = 0;
  for (let i = 0; i < n; i++) {
    if (ops[i].outcome === 'unknown') { unknown[i] = 1; unknownLeft++; kind[i] = 2; } else {
      definiteLeft++;
      kind[i] = model.readOnly?.(ops[i]) ? 0 : 1;
    }
  }
  // The linearized set is two bitsets in one array: definite ops in the first dWords words, unknown
  // ops after them. Only the definite part is hashed, so configurations that differ only in which
  // unknown ops took effect meet in one bucket, where subsumption (below) can prune them.
  const dWords = (definiteLeft + 31) >>> 5;
  const words = dWords + ((unknownLeft + 31) >>> 5);
  const slot = new Int32Array(n);
  for (let i = 0, d = 0, u = dWords * 32; i < n; i++) slot[i] = unknown[i] ? u++ : d++;
  const z = zobristKeys(definiteLeft);
  const bits = new Uint32Array(words);
  const equal = model.equal;
  const stateHash = model.hash ?? defaultStateHash;
  const stepAll = model.stepAll;
  const unreachable = model.unreachable;
  const writes: Operation[] = [];
  const unknownTotal = unknownLeft;
  const definiteTotal = definiteLeft;

  const stackEv = new Int32Array(n);
  const stackPass = new Uint8Array(n);
  const stackChoice = new Int32Array(n);
  const stackRun = new Uint8Array(n);
  const stackState: unknown[] = new Array(n);
  let steps = 0;
  let cachedTotal = 0;

  const lift = (c: number): void => {
    const r = c + 1;
    next[prev[c]] = next[c];
    if (next[c] !== -1) prev[next[c]] = prev[c];
    next[prev[r]] = next[r];
    if (next[r] !== -1) prev[next[r]] = prev[r];
  };
  const unlift = (c: number): void => {
    const r = c + 1;
    if (next[r] !== -1) prev[next[r]] = r;
    next[prev[r]] = r;
    if (next[c] !== -1) prev[next[c]] = c;
    next[prev[c]] = c;
  };

  // Bounds on the run of back-to-back unknown ops, one round each; the last is unbounded (0).
  const bounds: number[] = [];
  if (opts.boundedRuns !== false) for (let b = 1; b < unknownTotal && b < 64; b *= 2) bounds.push(b);
  bounds.push(0);

  for (const bound of bounds) {
    const cache = new MemoTable(words, n);
    let memory = 0;
    let depth = 0;
    let state: unknown = model.init();
    let hash = 0;
    let run = 0; // unknown ops linearized since the last definite one
    let refused = false; // the bound kept an unknown candidate from being tried
    // Candidates are tried in passes: 0 reads (definite, read-only), 1 other definite ops, 2 unknown ops.
    let pass = 0;
    let dead = false; // the current configuration is known to fail: backtrack
    let e = next[HEAD];
    let choice = 0; // first successor to try at `e` (nondeterministic models only)
    let bestDepth = -1;
    let deepest: Deepest | undefined;

    /*
     * Returns true when (bits ∪ {op}, s) is new, and remembers it. A configuration is also pruned when
     * one with the same definite ops and state, and a SUBSET of its unknown ops, was seen: unknown ops
     * are optional, so whatever completes from the larger set completes from the smaller one too.
     * In a bounded round the seen one must also have been reached by a run no longer than this one's.
     */
    const remember = (op: number, s: unknown): boolean => {
      const sl = slot[op];
      const h = (unknown[op] ? hash : hash ^ z[sl]) ^ Math.imul(stateHash(s), 0x27d4eb2d);
      const r = bound === 0 || !unknown[op] ? 0 : run + 1;
      const w = sl >>> 5, m = 1 << (sl & 31);
      bits[w] |= m;
      for (let c = cache.first(h); c !== -1; c = cache.next(c, h)) {
        let k = 0;
        for (; k < dWords; k++) if (cache.word(c, k) !== bits[k]) break;
        if (k < dWords) continue;
        for (; k < words; k++) if ((cache.word(c, k) & ~bits[k]) !== 0) break;
        if (k < words || cache.run(c) > r) continue;
        const cs = cache.state(c);
        if (equal ? equal(cs, s) : cs === s) { bits[w] &= ~m; return false; }
      }
      cache.add(h, bits, s, r);
      // Entry, bitset and (for strings, which hashing flattened) the state's characters.
      memory += 24 + 4 * words + (typeof s === 'string' ? 2 * s.length : 16);
      bits[w] &= ~m;
      return true;
    };

    // The deepest point counts definite ops only: unknown ops are optional, and a path padded with
    // them is no further through the history (it would make explanations depend on memo pruning).
    const snapshot = (): void => {
      bestDepth = definiteTotal - definiteLeft;
      const order: number[] = new Array(depth);
      for (let i = 0; i < depth; i++) order[i] = stackEv[i] >> 1;
      const candidates: number[] = [];
      let x = next[HEAD];
      for (; x !== -1 && (x & 1) === 0; x = next[x]) candidates.push(x >> 1);
      deepest = { order, state, candidates, blocking: x === -1 ? undefined : x >> 1 };
    };

    /** True when an unknown op is among the current candidates (before the first pending return). */
    const unknownCandidate = (): boolean => {
      for (let x = next[HEAD]; x !== -1 && (x & 1) === 0; x = next[x]) if (unknown[x >> 1]) return true;
      return false;
    };

    const stop = (reason: NonNullable<SearchResult['reason']>): SearchResult =>
      ({ valid: 'unknown', reason, steps, cached: cachedTotal + cache.size });

    let verdict: SearchResult | undefined;
    for (;;) {
      if (definiteLeft === 0) return { valid: true, steps, cached: cachedTotal + cache.size };
      if ((++steps & 0xfff) === 0) {
        if (steps > maxSteps) return stop('steps');
        if (performance.now() > deadline) return stop('timeout');
        if (abort && Atomics.load(abort, 0) !== 0) return stop('aborted');
        if (memory > maxMemory) return stop('memory');
      }

      if (dead || e === -1 || (e & 1) === 1) {
        // Reached a return: the op it closes must have been linearized by now, so this pass is over.
        if (!dead && pass < 2) {
          if (pass === 0) pass = 1;
          else if (unknownLeft === 0) pass = 3;
          else if (bound !== 0 && run >= bound) {
            if (!refused) refused = unknownCandidate();
            pass = 3;
          } else pass = 2;
          if (pass === 2 || pass === 1) { e = next[HEAD]; choice = 0; continue; }
        }
        if (opts.explain && definiteTotal - definiteLeft > bestDepth) snapshot();
        if (depth === 0) {
          verdict = { valid: false, deepest, steps, cached: cachedTotal + cache.size };
          break;
        }
        depth--;
        const c = stackEv[depth];
        const op = c >> 1;
        state = stackState[depth];
        stackState[depth] = undefined;
        pass = stackPass[depth];
        run = stackRun[depth];
        if (!unknown[op]) hash ^= z[slot[op]];
        bits[slot[op] >>> 5] &= ~(1 << (slot[op] & 31));
        if (unknown[op]) unknownLeft++; else definiteLeft++;
        unlift(c);
        // A forced read had no alternative worth trying: this configuration is dead too.
        dead = pass === 0;
        if (stepAll) { e = c; choice = stackChoice[depth] + 1; } else { e = next[c]; choice = 0; }
        continue;
      }

      const op = e >> 1;
      if (kind[op] !== pass) { e = next[e]; choice = 0; continue; }

      let ns: unknown;
      let picked = -1;
      const succ = stepAll ? stepAll(state, ops[op]) : undefined;
      if (succ) {
        for (let k = choice; k < succ.length; k++) {
          if (remember(op, succ[k])) { ns = succ[k]; picked = k; break; }
        }
      } else if (choice === 0) {
        ns = model.step(state, ops[op]);
        if (ns === undefined && pass === 0 && unreachable) {
          // An illegal read: can the ops that may still precede it (unlinearized, called before it
          // returns) ever make it legal? If not, this configuration is dead.
          let count = 0;
          for (let x = next[HEAD]; x !== -1 && x !== e + 1; x = next[x]) {
            if ((x & 1) === 0 && kind[x >> 1] !== 0) writes[count++] = ops[x >> 1];
          }
          if (unreachable(state, ops[op], writes, count)) { dead = true; continue; }
        }
        if (ns !== undefined) {
          if (remember(op, ns)) picked = 0;
          // A legal read whose successor was already explored (and failed: it has more definite ops
          // than anything on the stack) dooms this configuration as well.
          else if (pass === 0) { dead = true; continue; }
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
      if (!unknown[op]) { hash ^= z[slot[op]]; run = 0; } else run++;
      bits[slot[op] >>> 5] |= 1 << (slot[op] & 31);
      if (unknown[op]) unknownLeft--; else definiteLeft--;
      lift(e);
      e = next[HEAD];
      pass = 0;
      choice = 0;
    }
    // No linearization within this round's bound: final unless the bound refused a candidate.
    if (!refused) return verdict;
    cachedTotal += cache.size;
  }
  throw new Error('unreachable: the last round is unbounded');
}
