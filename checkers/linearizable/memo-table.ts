/**
 * The search's memo of visited configurations (linearized set, model state), stored in flat typed
 * arrays with chained buckets: no object per entry, so the garbage collector stays out of the hot
 * loop (with a Map of arrays of objects it took a third of the check time). One table serves every
 * search of a thread in turn (`reset`): its arrays are kept while they are small.
 */
/** Entries past which a table's arrays are released when it is reset, not kept for the next search. */
const KEEP_ENTRIES = 1 << 16;

export class MemoTable {
  private heads = new Int32Array(0);
  private mask = 0;
  private hashes = new Int32Array(0);
  private nexts = new Int32Array(0);
  private runs = new Uint8Array(0);
  private bits = new Uint32Array(0);
  private states: unknown[] = [];
  private words = 1;
  size = 0;

  /** `expected`: a guess at the entries (the ops of the partition); the table grows past it. */
  constructor(words: number, expected = 1024) {
    this.reset(words, expected);
  }

  /**
   * Empties the table for a search with bitsets of `words` words and about `expected` entries.
   * Arrays past KEEP_ENTRIES entries are dropped rather than kept for the next search.
   */
  reset(words: number, expected: number): void {
    this.states.fill(undefined, 0, this.size);
    this.size = 0;
    this.words = Math.max(words, 1);
    // Sized to the partition: a history of many small keys allocated 1024 entries for each of them.
    let cap = 64;
    while (cap < 2 * expected && cap < 1024) cap *= 2;
    if (this.hashes.length > KEEP_ENTRIES) {
      this.heads = new Int32Array(0);
      this.hashes = new Int32Array(0);
      this.nexts = new Int32Array(0);
      this.runs = new Uint8Array(0);
      this.bits = new Uint32Array(0);
      this.states = [];
    }
    if (this.hashes.length < cap) {
      this.heads = new Int32Array(cap);
      this.hashes = new Int32Array(cap);
      this.nexts = new Int32Array(cap);
      this.runs = new Uint8Array(cap);
    }
    if (this.bits.length < this.hashes.length * this.words) this.bits = new Uint32Array(this.hashes.length * this.words);
    this.heads.fill(-1, 0, cap);
    this.mask = cap - 1;
  }

  /** First entry with this hash, or -1; walk on with `next`. */
  first(hash: number): number {
    let i = this.heads[hash & this.mask];
    while (i !== -1 && this.hashes[i] !== hash) i = this.nexts[i];
    return i;
  }

  /** Next entry after `i` with the same hash, or -1. */
  next(i: number, hash: number): number {
    i = this.nexts[i];
    while (i !== -1 && this.hashes[i] !== hash) i = this.nexts[i];
    return i;
  }

  /** Word `k` of entry `i`'s bitset. */
  word(i: number, k: number): number {
    return this.bits[i * this.words + k];
  }

  state(i: number): unknown {
    return this.states[i];
  }

  /** The run of indeterminate ops that ended entry `i`'s path (0 outside a bounded round). */
  run(i: number): number {
    return this.runs[i];
  }

  /** Adds an entry; `bits` holds at least `words` words (the first ones are stored). */
  add(hash: number, bits: Uint32Array, state: unknown, run = 0): void {
    if (this.size === this.mask + 1) this.grow();
    const i = this.size++;
    this.hashes[i] = hash;
    this.runs[i] = run;
    const words = this.words, base = i * words;
    for (let k = 0; k < words; k++) this.bits[base + k] = bits[k];
    if (i < this.states.length) this.states[i] = state;
    else this.states.push(state);
    const b = hash & this.mask;
    this.nexts[i] = this.heads[b];
    this.heads[b] = i;
  }

  /** Doubles the buckets (one entry per bucket at most, on average) and the entry arrays if needed. */
  private grow(): void {
    const cap = 2 * (this.mask + 1);
    if (this.hashes.length < cap) {
      const hashes = new Int32Array(cap);
      hashes.set(this.hashes.subarray(0, this.size));
      const runs = new Uint8Array(cap);
      runs.set(this.runs.subarray(0, this.size));
      const bits = new Uint32Array(cap * this.words);
      bits.set(this.bits.subarray(0, this.size * this.words));
      this.hashes = hashes;
      this.runs = runs;
      this.bits = bits;
      this.nexts = new Int32Array(cap);
      this.heads = new Int32Array(cap);
    } else if (this.bits.length < cap * this.words) {
      const bits = new Uint32Array(cap * this.words);
      bits.set(this.bits.subarray(0, this.size * this.words));
      this.bits = bits;
    }
    this.heads.fill(-1, 0, cap);
    this.mask = cap - 1;
    for (let i = 0; i < this.size; i++) {
      const b = this.hashes[i] & this.mask;
      this.nexts[i] = this.heads[b];
      this.heads[b] = i;
    }
  }
}
