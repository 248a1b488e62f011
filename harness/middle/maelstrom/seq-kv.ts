/**
 * seq-kv: a sequentially consistent KV store, the way Maelstrom builds it. All updates form one total
 * order (a version log); each client (the request's `src`) has a view — a version it has observed —
 * that only moves forward. A request that changes nothing (a read, a failing cas) may be served from
 * any version between the client's view and the head, so it can be stale but never goes back in
 * time; a request that changes the state runs at the head and moves the view there, so a client
 * always sees its own writes. That is exactly what sequential consistency allows and no more.
 *
 * Instead of Maelstrom's ring buffer of whole states, each key keeps its recent (version, value)
 * pairs, trimmed to what a view inside the last `maxLag` versions can still see.
 */
import { applyKv, keyOf, parseKvRequest, type KvRequest } from '../../ground/protocol/kv-request.js';
import type { MaelstromBody } from '../../ground/protocol/protocol.js';
import { SeededRng } from './rng.js';

export interface SeqKvOptions {
  seed: number | string;
  /** How many versions behind the head a read may be served from. Default 32, as Maelstrom's buffer. */
  maxLag?: number;
}

interface Version {
  v: number;
  /** undefined = the key did not exist at version v. */
  value: { value: unknown } | undefined;
}

export class SeqKv {
  readonly id = 'seq-kv';
  private readonly rng: SeededRng;
  private readonly maxLag: number;
  private readonly keys = new Map<string, Version[]>();
  private readonly views = new Map<string, number>();
  private head = 0;

  constructor(opts: SeqKvOptions) {
    this.rng = new SeededRng(opts.seed, 'seq-kv');
    this.maxLag = opts.maxLag ?? 32;
  }

  /** Serves one request of client `src` from a version its view allows. */
  handle(src: string, body: MaelstromBody): MaelstromBody {
    const req = parseKvRequest(this.id, body);
    if ('type' in req) return req;
    const floor = Math.max(0, this.head - this.maxLag);
    const lo = Math.max(this.views.get(src) ?? floor, floor);
    if (req.f !== 'write') {
      // Speculate at a random version the client may still see; keep the answer if it changes nothing.
      const at = lo + this.rng.int(this.head - lo + 1);
      let changed = false;
      const reply = applyKv(req, (k) => this.valueAt(k, at), () => { changed = true; });
      if (!changed) {
        this.views.set(src, at);
        return reply;
      }
    }
    return this.atHead(src, req);
  }

  /** The version a client has observed, for tests. */
  viewOf(src: string): number | undefined {
    return this.views.get(src);
  }

  /** The newest version. */
  get version(): number {
    return this.head;
  }

  private atHead(src: string, req: KvRequest): MaelstromBody {
    const reply = applyKv(req, (k) => this.valueAt(k, this.head), (k, value) => this.append(k, value));
    this.views.set(src, this.head);
    return reply;
  }

  private append(k: string, value: unknown): void {
    this.head++;
    let h = this.keys.get(k);
    if (h === undefined) this.keys.set(k, (h = [{ v: 0, value: undefined }]));
    h.push({ v: this.head, value: { value } });
    // Versions below the floor are unreachable except the newest of them, which is the floor's value.
    const floor = this.head - this.maxLag;
    let drop = 0;
    while (drop + 1 < h.length && h[drop + 1].v <= floor) drop++;
    if (drop > 0) h.splice(0, drop);
  }

  private valueAt(k: string, v: number): { value: unknown } | undefined {
    const h = this.keys.get(k);
    if (h === undefined) return undefined;
    // Binary search for the last entry with version <= v.
    let lo = 0;
    let hi = h.length - 1;
    if (h[0].v > v) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (h[mid].v <= v) lo = mid;
      else hi = mid - 1;
    }
    return h[lo].value;
  }

  /** The newest value of `key`, for tests. */
  peek(key: unknown): unknown {
    return this.valueAt(keyOf(key), this.head)?.value;
  }
}
