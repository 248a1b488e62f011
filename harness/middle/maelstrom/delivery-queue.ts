/**
 * A time-ordered delivery queue drained by ONE timer.
 *
 * A setTimeout per message would cost a timer object, a libuv heap operation and a callback per
 * message; at tens of thousands of messages a second that dominates the harness. Here due items sit
 * in a binary min-heap on (due time, sequence) — the sequence keeps equal-time items FIFO, so a
 * constant latency never reorders a link — and a single timer is armed for the earliest one.
 * Zero-delay items skip the heap: they go to a FIFO drained by one setImmediate per batch.
 */
import { performance } from 'node:perf_hooks';

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

/** Timers fire on whole ms; an item due within this much of now is delivered rather than re-armed. */
const SLACK_MS = 0.5;

export class DeliveryQueue<T> {
  private heap: Entry<T>[] = [];
  private now: T[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;

  /** `deliver` is called once per item, in due order; `onError` gets what it throws. */
  constructor(private readonly deliver: (item: T) => void, private readonly onError: (err: unknown) => void) {}

  /** Items waiting, for stats and tests. */
  get size(): number {
    return this.heap.length + this.now.length;
  }

  /** Queues `item` for delivery after `delayMs` (0 = on the next turn of the event loop). */
  push(delayMs: number, item: T): void {
    if (this.closed) return;
    if (delayMs <= 0) {
      this.now.push(item);
      this.immediate ??= setImmediate(() => this.drainNow());
      return;
    }
    const e: Entry<T> = { at: performance.now() + delayMs, seq: this.seq++, item };
    this.siftUp(this.heap.push(e) - 1);
    if (e.at < this.timerAt) this.arm(e.at);
  }

  /** Drops everything queued and stops the timer; later pushes are ignored. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.heap = [];
    this.now = [];
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.drainDue(), Math.max(1, Math.ceil(at - performance.now())));
  }

  private drainNow(): void {
    this.immediate = undefined;
    const batch = this.now;
    this.now = [];
    for (const item of batch) this.safeDeliver(item);
  }

  private drainDue(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const limit = performance.now() + SLACK_MS;
    const h = this.heap;
    while (h.length > 0 && h[0].at <= limit) this.safeDeliver(this.pop().item);
    if (h.length > 0 && !this.closed) this.arm(h[0].at);
  }

  private safeDeliver(item: T): void {
    try {
      this.deliver(item);
    } catch (err) {
      this.onError(err);
    }
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Entry<T> {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
