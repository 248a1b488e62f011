/**
 * Seeded pseudo-random numbers for generators.
 *
 * A run's whole schedule must follow from its seed (written to `test.json`), so nothing here reads
 * `Math.random` or the clock. The generator is xoshiro128** on 32-bit words: `Math.imul` and `>>> 0`
 * behave identically on every JavaScript engine, and BigInt would be slow on a path taken per op.
 */

/**
 * What a run is seeded with: an integer (e.g. a timestamp) or any string. An integer beyond 2^53 comes
 * as a bigint, so it is never rounded onto a neighbour's stream (see {@link runSeed}).
 */
export type Seed = number | string | bigint;

export interface Rng {
  /** Next unsigned 32-bit integer; advances this stream. */
  next(): number;
  /** Uniform integer in `[0, n)`; `n` is a positive integer. */
  int(n: number): number;
  /** Uniform float in `[0, 1)` with 53 bits of precision. */
  float(): number;
  /**
   * An independent stream derived from this one's current state and `label`. It does not advance this
   * stream, so combinators can hand every child its own stream without disturbing their siblings.
   */
  fork(label: string | number): Rng;
}

const GOLDEN = 0x9e3779b9;

/** murmur3's finaliser: a bijection on 32-bit words that spreads every input bit. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a over UTF-16 code units; `basis` lets one string give two unrelated words. */
function hashString(s: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return mix32(h);
}

/**
 * Combinators fork with a handful of fixed string labels on every ask, so their hashes are cached;
 * the bound keeps labels made up at run time (e.g. from times) from growing the cache forever.
 */
const labelCache = new Map<string, readonly [number, number]>();
const LABEL_CACHE_MAX = 4096;

/** Two 32-bit words from a label; integers up to 2^53 keep all their bits (times in ns are large). */
function labelWords(label: string | number): readonly [number, number] {
  if (typeof label === 'number') {
    if (!Number.isFinite(label)) throw new RangeError(`rng: label or seed must be finite, got ${label}`);
    if (Number.isSafeInteger(label)) {
      return [label >>> 0, Math.floor(label / 0x1_0000_0000) >>> 0];
    }
    label = `n:${label}`;
  }
  let words = labelCache.get(label);
  if (words === undefined) {
    words = [hashString(label, 0x811c9dc5), hashString(label, 0x050c5d1f)];
    if (labelCache.size < LABEL_CACHE_MAX) labelCache.set(label, words);
  }
  return words;
}

class Xoshiro128 implements Rng {
  constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {
    // The all-zero state is a fixed point of xoshiro; any other state is fine.
    if ((a | b | c | d) === 0) this.a = 1;
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  float(): number {
    const hi = this.next() >>> 5;
    const lo = this.next() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  fork(label: string | number): Rng {
    const [l0, l1] = labelWords(label);
    // Chain every state word and the label through mix32 so that nearby labels (0, 1, 2, ...) and
    // nearby states give unrelated children.
    const h1 = mix32(this.a ^ mix32(l0 ^ GOLDEN));
    const h2 = mix32(this.b ^ h1 ^ l1);
    const h3 = mix32(this.c ^ h2);
    const h4 = mix32(this.d ^ h3 ^ l0);
    // Each word is already a full-avalanche mix of the state and the label; no further expansion needed.
    return new Xoshiro128(h1, h2, h3, h4);
  }
}

/** Expands two words into a full state with splitmix32, as the xoshiro authors recommend. */
function fromWords(w0: number, w1: number): Rng {
  let s = (w0 ^ mix32(w1 + GOLDEN)) >>> 0;
  const step = (): number => {
    s = (s + GOLDEN) >>> 0;
    return mix32(s);
  };
  return new Xoshiro128(step(), step(), step(), step());
}

/** A fresh random stream for `seed`; the same seed always gives the same numbers. */
export function createRng(seed: Seed): Rng {
  if (typeof seed === 'bigint') {
    // A safe bigint is its number's stream. A larger one takes the label a double beyond 2^53 always
    // took ("n:" and its digits), so a seed that a double held exactly keeps the stream it had.
    const n = Number(seed);
    if (Number.isSafeInteger(n)) return createRng(n);
    const [w0, w1] = labelWords(`n:${seed}`);
    return fromWords(w0, w1);
  }
  const [w0, w1] = labelWords(seed);
  return fromWords(w0, w1 ^ (typeof seed === 'string' ? 0x5bd1e995 : 0));
}

/**
 * The generator seed of a run's recorded seed: test.json keeps an integer beyond 2^53 as its decimal
 * digits (a JSON number would round it), and those digits seed as the exact integer, not as a string.
 */
export function runSeed(seed: number | string): Seed {
  return typeof seed === 'string' && /^\d+$/.test(seed) ? BigInt(seed) : seed;
}
