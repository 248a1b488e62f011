/**
 * A map from a pair of non-negative 32-bit integers to a non-negative integer, open addressing in
 * typed arrays. Models use it to hash-cons states without allocating a key per lookup.
 */
export class IntPairMap {
  private a = new Int32Array(1024).fill(-1);
  private b = new Int32Array(1024);
  private v = new Int32Array(1024);
  private mask = 1023;
  size = 0;

  /** The value stored for (x, y), or -1. */
  get(x: number, y: number): number {
    for (let i = this.slot(x, y); ; i = (i + 1) & this.mask) {
      if (this.a[i] === -1) return -1;
      if (this.a[i] === x && this.b[i] === y) return this.v[i];
    }
  }

  /** The value stored for (x, y); when there is none, stores `value` and returns -1 (one probe). */
  getOrSet(x: number, y: number, value: number): number {
    if ((this.size + 1) * 2 > this.a.length) this.grow();
    for (let i = this.slot(x, y); ; i = (i + 1) & this.mask) {
      if (this.a[i] === -1) {
        this.a[i] = x; this.b[i] = y; this.v[i] = value; this.size++;
        return -1;
      }
      if (this.a[i] === x && this.b[i] === y) return this.v[i];
    }
  }

  set(x: number, y: number, value: number): void {
    if ((this.size + 1) * 2 > this.a.length) this.grow();
    for (let i = this.slot(x, y); ; i = (i + 1) & this.mask) {
      if (this.a[i] === -1) {
        this.a[i] = x; this.b[i] = y; this.v[i] = value; this.size++;
        return;
      }
      if (this.a[i] === x && this.b[i] === y) { this.v[i] = value; return; }
    }
  }

  private slot(x: number, y: number): number {
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    return Math.imul(h, 0x2c1b3c6d) >>> 0 & this.mask;
  }

  private grow(): void {
    const { a, b, v } = this;
    this.a = new Int32Array(a.length * 2).fill(-1);
    this.b = new Int32Array(a.length * 2);
    this.v = new Int32Array(a.length * 2);
    this.mask = a.length * 2 - 1;
    this.size = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== -1) this.set(a[i], b[i], v[i]);
  }
}
