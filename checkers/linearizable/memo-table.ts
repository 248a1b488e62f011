/**
 * The search's memo of visited configurations (linearized set, model state), stored in flat typed
 * arrays with chained buckets: no object per entry, so the garbage collector stays out of the hot
 * loop (with a Map of arrays of objects it took a third of the check time).
 */
export class MemoTable {
  private heads: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private nexts: Int32Array;
  private runs: Uint8Array;
  private bits: Uint32Array;
  private states: unknown[] = [];
  size = 0;

  /** `expected`: a guess at the entries (the ops of the partition); the table grows past it. */
  constructor(private readonly words: number, expected = 1024) {
    // Sized to the partition: a history of many small keys allocated 1024 entries for each of them.
    let cap = 64;
    while (cap < 2 * expected && cap < 1024) cap *= 2;
    this.heads = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.hashes = new Int32Array(cap);
    this.nexts = new Int32Array(cap);
    this.runs = new Uint8Array(cap);
    this.bits = new Uint32Array(cap * Math.max(words, 1));
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

  add(hash: number, bits: Uint32Array, state: unknown, run = 0): void {
    if (this.size === this.hashes.length) this.grow();
    const i = this.size++;
    this.hashes[i] = hash;
    this.runs[i] = run;
    this.bits.set(bits, i * this.words);
    this.states.push(state);
    const b = hash & this.mask;
    this.nexts[i] = this.heads[b];
    this.heads[b] = i;
  }

  private grow(): void {
    const cap = this.hashes.length * 2;
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    const bits = new Uint32Array(cap * Math.max(this.words, 1));
    bits.set(this.bits);
    const runs = new Uint8Array(cap);
    runs.set(this.runs);
    this.runs = runs;
    this.hashes = hashes;
    this.bits = bits;
    this.nexts = new Int32Array(cap);
    this.heads = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < this.size; i++) {
      const b = hashes[i] & this.mask;
      this.nexts[i] = this.heads[b];
      this.heads[b] = i;
    }
  }
}
