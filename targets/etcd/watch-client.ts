/**
 * The etcd client of the watch workload, over the JSON gateway (grpc-gateway on each member's client
 * port): puts, deletes and transactions return the revision they committed at; `compact` compacts to
 * a revision 50 behind the current one; `final-read` reads the prefix with each key's mod revision.
 *
 * A `watch` op is one watch stream (POST /v3/watch, newline-delimited JSON) held open for a window:
 * from the watcher's last seen revision + 1 (a resume), or from the current revision the first time
 * and after ErrCompacted. Each event of a response is recorded as it arrives, as an `event` record of
 * the history (`{watcher, kind: put|delete, key, value, rev: mod_revision, revision: the header's,
 * batch}`; `batch` numbers the watcher's responses, so the checker sees which events came together);
 * a response with no events that is not the creation is a progress notification (the server sends one
 * every second: `--experimental-watch-progress-notify-interval=1s`), recorded as `{kind: progress,
 * rev}`. The op's completion keeps the summary: the range and start asked, the creation revision, how
 * the stream ended, and how many responses it delivered. The stream is ours, not a library's,
 * so no resume happens out of sight: a dropped stream ends the op and the next op resumes.
 */
import { errorMessage } from '../../harness/ground/history/errors.js';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { gatewayPost, GatewayError } from './http.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: unknown): string => Buffer.from(String(s ?? ''), 'base64').toString();
/** The range end of a prefix: its last byte plus one. */
const prefixEnd = (p: string): string => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

interface WatcherState { lastRev?: number; batch: number }

type Rec = Record<string, unknown>;
const revOf = (r: Rec): number => Number((r.header as Rec | undefined)?.revision ?? NaN);

export class EtcdWatchClients {
  private readonly watchers = new Map<number, WatcherState>();

  constructor(private readonly prefix: string, private readonly timeoutMs: number, private readonly windowMs: number) {}

  open(thread: number, node: string, endpoint: string): Client {
    let st = this.watchers.get(thread);
    if (!st) { st = { batch: 0 }; this.watchers.set(thread, st); }
    const state = st;
    // Watchers on threads 0, 4, 8… watch the prefix; on 2, 6, 10… one key.
    const filter = thread % 4 === 0 ? { prefix: this.prefix } : { key: `${this.prefix}${'abcd'[(thread / 2) % 4 | 0]}` };
    return {
      invoke: (op: ClientOp) => this.invoke(op, { thread, node, endpoint, state, filter }),
      close: async () => undefined,
    };
  }

  private async invoke(op: ClientOp, c: { thread: number; node: string; endpoint: string; state: WatcherState; filter: { prefix?: string; key?: string } }): Promise<Completion> {
    const v = (op.value ?? {}) as Rec;
    const t = this.timeoutMs;
    const write = async (path: string, body: unknown, done: (r: Rec) => unknown): Promise<Completion> => {
      try {
        return { type: 'ok', value: done(await gatewayPost(c.endpoint, path, body, t)) };
      } catch (err) {
        const definite = err instanceof GatewayError && err.status < 500 || /ECONNREFUSED/.test(errorMessage(err));
        return { type: definite ? 'fail' : 'info', error: errorMessage(err) };
      }
    };
    switch (op.f) {
      case 'put':
        return write('/v3/kv/put', { key: b64(String(v.key)), value: b64(String(v.value)) }, (r) => ({ key: v.key, value: v.value, rev: revOf(r) }));
      case 'delete':
        return write('/v3/kv/deleterange', { key: b64(String(v.key)) }, (r) => ({ key: v.key, rev: revOf(r), deleted: Number(r.deleted ?? 0) }));
      case 'txn': {
        const ops = (v.ops as Rec[]).map((o) => ({ request_put: { key: b64(String(o.key)), value: b64(String(o.value)) } }));
        return write('/v3/kv/txn', { success: ops }, (r) => ({ ops: v.ops, rev: revOf(r) }));
      }
      case 'compact': {
        try {
          const cur = revOf(await gatewayPost(c.endpoint, '/v3/kv/range', { key: b64(this.prefix), range_end: b64(prefixEnd(this.prefix)), count_only: true }, t));
          const rev = cur - 50;
          if (!(rev > 1)) return { type: 'fail', error: `revision ${cur}: nothing to compact yet` };
          return await write('/v3/kv/compaction', { revision: String(rev) }, () => ({ rev }));
        } catch (err) {
          return { type: 'fail', error: errorMessage(err) };
        }
      }
      case 'final-read': {
        try {
          const r = await gatewayPost(c.endpoint, '/v3/kv/range', { key: b64(this.prefix), range_end: b64(prefixEnd(this.prefix)) }, t);
          const kvs: Record<string, [string, number]> = {};
          for (const kv of (r.kvs as Rec[] | undefined) ?? []) kvs[unb64(kv.key)] = [unb64(kv.value), Number(kv.mod_revision)];
          return { type: 'ok', value: { rev: revOf(r), kvs }, node: c.node } as Completion;
        } catch (err) {
          return { type: 'fail', error: errorMessage(err) };
        }
      }
      case 'watch':
        return this.watch(c, op.observe ?? (() => undefined));
      default:
        return { type: 'fail', error: `watch workload: unknown op ${op.f}` };
    }
  }

  private async watch(c: { thread: number; node: string; endpoint: string; state: WatcherState; filter: { prefix?: string; key?: string } }, observe: (value: unknown, node?: string) => void): Promise<Completion> {
    const resume = c.state.lastRev !== undefined;
    const start = resume ? c.state.lastRev! + 1 : 0;
    const key = c.filter.prefix ?? c.filter.key!;
    const create: Rec = { key: b64(key), progress_notify: true };
    if (c.filter.prefix !== undefined) create.range_end = b64(prefixEnd(c.filter.prefix));
    if (start > 0) create.start_revision = String(start);
    const watcher = `w${c.thread}`;
    const watchInfo = { watcher, node: c.node, ...c.filter, start, resume, store: 'etcd' };
    let responses = 0;
    let createdRev: number | undefined;
    let end: 'window' | 'error' | 'compacted' = 'window';
    let compactRev: number | undefined;
    let error: string | undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.windowMs);
    try {
      const res = await fetch(`${c.endpoint}/v3/watch`, { method: 'POST', body: JSON.stringify({ create_request: create }), signal: abort.signal, headers: { 'content-type': 'application/json' } });
      if (!res.ok || !res.body) throw new Error(`watch: HTTP ${res.status}`);
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line === '') continue;
          const msg = JSON.parse(line) as Rec;
          if (msg.error) throw new Error(`watch: ${JSON.stringify(msg.error)}`);
          const r = (msg.result ?? {}) as Rec;
          if (r.canceled) {
            if (r.compact_revision !== undefined && Number(r.compact_revision) > 0) { end = 'compacted'; compactRev = Number(r.compact_revision); c.state.lastRev = undefined; }
            else { end = 'error'; error = String(r.cancel_reason ?? 'canceled'); }
            abort.abort();
            break;
          }
          if (r.created) { createdRev = revOf(r); if (start === 0) c.state.lastRev = createdRev; continue; }
          const batch = ++c.state.batch;
          const revision = revOf(r);
          const events = ((r.events as Rec[] | undefined) ?? []).map((e) => {
            const kv = (e.kv ?? {}) as Rec;
            const rev = Number(kv.mod_revision);
            return e.type === 'DELETE' ? { watcher, kind: 'delete', key: unb64(kv.key), rev, revision, batch } : { watcher, kind: 'put', key: unb64(kv.key), value: unb64(kv.value), rev, revision, batch };
          });
          responses++;
          if (events.length > 0) {
            for (const e of events) observe(e, c.node);
            c.state.lastRev = Math.max(c.state.lastRev ?? 0, ...events.map((e) => e.rev));
          } else {
            observe({ watcher, kind: 'progress', rev: revision, batch }, c.node);
            c.state.lastRev = Math.max(c.state.lastRev ?? 0, revision);
          }
        }
        if (abort.signal.aborted) break;
      }
      if (!abort.signal.aborted) { end = 'error'; error = 'stream ended'; }
    } catch (err) {
      if (!abort.signal.aborted || end !== 'window') { if (end === 'window') { end = 'error'; error = errorMessage(err); } }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    // A refused or dropped stream (a killed member) returns at once: wait a little before the next
    // op resumes, so a watcher does not spin on a dead member.
    if (end === 'error') await new Promise((r) => setTimeout(r, 250));
    const value: Rec = { watch: watchInfo, end, responses };
    if (createdRev !== undefined) value.createdRev = createdRev;
    if (compactRev !== undefined) value.compactRev = compactRev;
    if (error !== undefined) value.error = error;
    return { type: 'ok', value, node: c.node } as Completion;
  }
}
