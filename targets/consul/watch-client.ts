/**
 * The Consul client of the watch workload. Keys are the workload's keys without their leading '/'
 * (Consul's KV keys have none); the history keeps the workload's names. Writes go through /v1/txn, whose
 * answer gives each set's ModifyIndex (a plain KV PUT answers only `true`): a put is one `set`, a
 * transaction two, a delete one `delete` (Consul returns no index for it).
 *
 * Watchers (even threads; thread t on server t mod N) run blocking queries — on one key (threads 2,
 * 6, …) or on the prefix with `recurse` (0, 4, …) — with `?index=` the last X-Consul-Index seen and
 * `wait`: each return is recorded as it arrives, an `event` record of the history `{watcher, kind:
 * return, asked, index: X-Consul-Index, kvs: [[key, value, ModifyIndex]], sentAgo: ns since the query
 * was sent}`. As Consul's docs ask of a client: an index lower than the one before resets the
 * index to 0 (recorded, since the return carries it); an index below 1 is taken as 1. A `watch` op is
 * one window of such queries (its completion: the keys watched, how the window ended, how many
 * returns); the index lives on between ops.
 */
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { ConsulError, fetchErrorMessage, neverSent, request, txn } from './http.js';

const hr = (): number => Number(process.hrtime.bigint());
const b64 = (s: string): string => Buffer.from(s).toString('base64');
type Rec = Record<string, unknown>;

export interface ConsulWatchOptions {
  timeoutMs: number;
  windowMs: number;
  /** A blocking query's `wait`, ms. */
  waitMs: number;
}

interface ConsulWatcher { index: number; filter: { key?: string; prefix?: string } }

export class ConsulWatchClients {
  private readonly watchers = new Map<number, ConsulWatcher>();

  /** `prefix` is the workload's (with its leading '/'). */
  constructor(private readonly prefix: string, private readonly endpoint: (node: string) => string, private readonly o: ConsulWatchOptions) {}

  open(thread: number, node: string): Client {
    return { invoke: (op) => this.invoke(op, thread, node), close: async () => undefined };
  }

  private async invoke(op: ClientOp, thread: number, node: string): Promise<Completion> {
    const v = (op.value ?? {}) as Rec;
    const ep = this.endpoint(node);
    const k = (key: unknown): string => String(key).replace(/^\//, '');
    const writeError = (err: unknown): Completion => {
      const definite = neverSent(err) || (err instanceof ConsulError && err.status >= 400 && err.status < 500);
      return { type: definite ? 'fail' : 'info', error: fetchErrorMessage(err) };
    };
    try {
      switch (op.f) {
        case 'put': {
          const got = await txn(ep, [{ Verb: 'set', Key: k(v.key), Value: b64(String(v.value)) }], 'default', this.o.timeoutMs);
          if (got === null) return { type: 'fail', error: 'transaction rolled back' };
          return { type: 'ok', value: { key: v.key, value: v.value, rev: got[0]?.modifyIndex } };
        }
        case 'txn': {
          const ops = v.ops as { key: string; value: string }[];
          const got = await txn(ep, ops.map((o) => ({ Verb: 'set' as const, Key: k(o.key), Value: b64(o.value) })), 'default', this.o.timeoutMs);
          if (got === null) return { type: 'fail', error: 'transaction rolled back' };
          return { type: 'ok', value: { ops, rev: got[0]?.modifyIndex } };
        }
        case 'delete': {
          const got = await txn(ep, [{ Verb: 'delete', Key: k(v.key) }], 'default', this.o.timeoutMs);
          if (got === null) return { type: 'fail', error: 'transaction rolled back' };
          // No index comes back for a delete; `deleted` unknown (Consul deletes an absent key happily).
          return { type: 'ok', value: { key: v.key } };
        }
        case 'compact':
          return { type: 'fail', error: 'Consul has no compaction to ask for' };
        case 'final-read': {
          const r = await request(ep, 'GET', `/v1/kv/${k(this.prefix)}?recurse&consistent`, this.o.timeoutMs);
          if (r.status !== 200 && r.status !== 404) throw new ConsulError(r.status, r.body, 'final read');
          const kvs: Record<string, [string, number]> = {};
          for (const e of r.status === 200 ? (JSON.parse(r.body) as { Key: string; Value: string | null; ModifyIndex: number }[]) : []) {
            kvs[`/${e.Key}`] = [e.Value === null ? '' : Buffer.from(e.Value, 'base64').toString(), e.ModifyIndex];
          }
          return { type: 'ok', value: { rev: Number(r.headers.get('x-consul-index') ?? 0), kvs }, node } as Completion;
        }
        case 'watch':
          return await this.watch(thread, node, op.observe ?? (() => undefined));
        default:
          return { type: 'fail', error: `watch workload: unknown op ${op.f}` };
      }
    } catch (err) {
      if (op.f === 'final-read') return { type: 'fail', error: fetchErrorMessage(err) };
      return writeError(err);
    }
  }

  private async watch(thread: number, node: string, observe: (value: unknown, node?: string) => void): Promise<Completion> {
    let w = this.watchers.get(thread);
    if (!w) {
      w = { index: 0, filter: thread % 4 === 0 ? { prefix: this.prefix } : { key: `${this.prefix}${'abcd'[(thread / 2) % 4 | 0]}` } };
      this.watchers.set(thread, w);
    }
    const ep = this.endpoint(node);
    const path = w.filter.prefix !== undefined ? `/v1/kv/${w.filter.prefix.replace(/^\//, '')}?recurse&` : `/v1/kv/${w.filter.key!.replace(/^\//, '')}?`;
    const watcher = `w${thread}`;
    let returns = 0;
    const errors: string[] = [];
    const deadline = Date.now() + this.o.windowMs;
    while (Date.now() < deadline) {
      const asked = w.index;
      const sent = hr();
      try {
        const r = await request(ep, 'GET', `${path}index=${asked}&wait=${this.o.waitMs}ms`, this.o.waitMs + this.o.timeoutMs);
        const at = hr();
        if (r.status !== 200 && r.status !== 404) throw new ConsulError(r.status, r.body, 'blocking query');
        const index = Number(r.headers.get('x-consul-index') ?? 0);
        const kvs = r.status === 200 ? (JSON.parse(r.body) as { Key: string; Value: string | null; ModifyIndex: number }[])
          .map((e) => [`/${e.Key}`, e.Value === null ? '' : Buffer.from(e.Value, 'base64').toString(), e.ModifyIndex]) : [];
        observe({ watcher, kind: 'return', asked, index, kvs, sentAgo: at - sent }, node);
        returns++;
        // Consul's rules for a client: reset when the index goes backwards; never ask below 1.
        w.index = index < asked ? 0 : Math.max(1, index);
      } catch (err) {
        errors.push(fetchErrorMessage(err));
        await new Promise((res) => setTimeout(res, 250));
      }
    }
    const watchInfo = { watcher, node, ...w.filter, start: 0, resume: false, store: 'consul' };
    return { type: 'ok', value: { watch: watchInfo, end: errors.length > 0 ? 'error' : 'window', returns, ...(errors.length > 0 ? { error: errors.slice(0, 3).join('; ') } : {}) }, node } as Completion;
  }
}
