/**
 * The list-append analysis's appends and reads, held as typed and parallel arrays: at a million
 * transactions an object per append and per read was over two million more objects for every full
 * collection to walk, over a heap the history already makes a gigabyte or more.
 */

export interface Writer { txn: number; seq: number; last: boolean; value: unknown }
export interface Read { txn: number; key: unknown; foreign: unknown[] }

/** Every append, by index (its transaction, place among its appends to the key, whether last, value); `view` makes an object for the cold paths. */
export class AppendLog {
  readonly txn: Int32Array;
  readonly seq: Int32Array;
  readonly last: Uint8Array;
  readonly value: unknown[] = [];
  size = 0;
  constructor(capacity: number) {
    this.txn = new Int32Array(capacity);
    this.seq = new Int32Array(capacity);
    this.last = new Uint8Array(capacity);
  }
  /** Records an append; returns its index. */
  add(txn: number, seq: number, last: boolean, value: unknown): number {
    const i = this.size++;
    this.txn[i] = txn; this.seq[i] = seq; this.last[i] = last ? 1 : 0;
    this.value.push(value);
    return i;
  }
  /** The append at `i` as an object, for explanations. */
  view(i: number): Writer {
    return { txn: this.txn[i], seq: this.seq[i], last: this.last[i] === 1, value: this.value[i] };
  }
}

/** The reads edges come from, as parallel arrays (no object per read). */
export class ReadLog {
  readonly txn: number[] = [];
  readonly key: unknown[] = [];
  readonly foreign: unknown[][] = [];
  get size(): number { return this.txn.length; }
  push(txn: number, key: unknown, foreign: unknown[]): void { this.txn.push(txn); this.key.push(key); this.foreign.push(foreign); }
  view(i: number): Read { return { txn: this.txn[i], key: this.key[i], foreign: this.foreign[i] }; }
}
