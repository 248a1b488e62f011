/**
 * A tiny seeded PRNG for the routed network and the services.
 *
 * Latency draws, message loss and the staleness of seq-kv must follow from the run's seed, so that a
 * seed replays the same network decisions for the same sequence of sends; nothing here reads
 * `Math.random`. sfc32 is small, fast on 32-bit integer arithmetic and passes PractRand far beyond
 * what a test run draws.
 */

/** FNV-1a over UTF-16 code units, then murmur3's finaliser; `basis` gives unrelated words per call. */
function hash32(s: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** sfc32 seeded from a number or a string; `label` derives an independent stream from one seed. */
export class SeededRng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number | string, label = '') {
    const s = `${typeof seed}:${String(seed)}/${label}`;
    this.a = hash32(s, 0x811c9dc5);
    this.b = hash32(s, 0x9e3779b9);
    this.c = hash32(s, 0x85ebca6b);
    // sfc32's first outputs are correlated with the seed words; discard them.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Next unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n) for a positive integer n. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}
