/**
 * lww-kv: an eventually consistent, last-write-wins KV store. Several replicas each hold their own
 * map and Lamport clock; a request goes to a random replica, which applies it locally and ships the
 * write to every other replica after a random delay. Replicas merge by (timestamp, origin replica), so
 * two writes racing through different replicas keep only one — lost updates, stale and
 * non-monotonic reads are all possible, which is what makes lww-kv a useful trap (as in Maelstrom).
 *
 * Propagation is applied lazily: a replica catches up on the writes due to it when it next serves a
 * request, which observably equals a timer per write and costs none.
 */
import { applyKv, keyOf, parseKvRequest } from '../../ground/protocol/kv-request.js';
import type { MaelstromBody } from '../../ground/protocol/protocol.js';
import { SeededRng } from './rng.js';

export interface LwwKvOptions {
  seed: number | string;
  /** Number of replicas. Default 5, as Maelstrom. */
  replicas?: number;
  /** A write reaches each other replica after a delay uniform in [0, this] ms. Default 100. */
  propagationMs?: number;
  /** The clock the delays are measured on, ms (tests inject a fake one). Default performance.now. */
  now?: () => number;
}

interface Stamped {
  value: unknown;
  ts: number;
  origin: number;
}

interface Replica {
  clock: number;
  m: Map<string, Stamped>;
  /** Writes from other replicas not yet applied here, with the time they are due. */
  inbox: { due: number; key: string; w: Stamped }[];
}

/** True when `a` wins over `b` under last-write-wins. */
function newer(a: Stamped, b: Stamped): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.origin > b.origin);
}

export class LwwKv {
  readonly id = 'lww-kv';
  private readonly rng: SeededRng;
  private readonly replicas: Replica[];
  private readonly propagationMs: number;
  private readonly now: () => number;

  constructor(opts: LwwKvOptions) {
    this.rng = new SeededRng(opts.seed, 'lww-kv');
    const n = opts.replicas ?? 5;
    if (!Number.isInteger(n) || n < 1) throw new Error(`lww-kv replicas must be a positive integer, got ${n}`);
    this.replicas = Array.from({ length: n }, () => ({ clock: 0, m: new Map(), inbox: [] }));
    this.propagationMs = opts.propagationMs ?? 100;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Serves the request at a random replica, after it catches up on the writes due to it. */
  handle(_src: string, body: MaelstromBody): MaelstromBody {
    const req = parseKvRequest(this.id, body);
    if ('type' in req) return req;
    const i = this.rng.int(this.replicas.length);
    const r = this.catchUp(i);
    return applyKv(req, (k) => r.m.get(k), (k, value) => this.write(i, k, value));
  }

  /** The value of `key` at replica `i` now, for tests. */
  peek(i: number, key: unknown): unknown {
    return this.catchUp(i).m.get(keyOf(key))?.value;
  }

  private write(i: number, key: string, value: unknown): void {
    const r = this.replicas[i];
    const w: Stamped = { value, ts: r.clock++, origin: i };
    r.m.set(key, w);
    const now = this.now();
    for (let j = 0; j < this.replicas.length; j++) {
      if (j !== i) this.replicas[j].inbox.push({ due: now + this.rng.float() * this.propagationMs, key, w });
    }
  }

  private catchUp(i: number): Replica {
    const r = this.replicas[i];
    if (r.inbox.length === 0) return r;
    const now = this.now();
    const later: Replica['inbox'] = [];
    for (const item of r.inbox) {
      if (item.due > now) {
        later.push(item);
        continue;
      }
      r.clock = Math.max(r.clock, item.w.ts + 1);
      const cur = r.m.get(item.key);
      if (cur === undefined || newer(item.w, cur)) r.m.set(item.key, item.w);
    }
    r.inbox = later;
    return r;
  }
}
