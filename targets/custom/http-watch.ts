/**
 * The watch workload's ops over http-kv's optional watch endpoints (docs/http-kv.md, served by the
 * bundled Raft): `put` is `PUT /kv/{key}` whose answer may carry the write's revision `{"rev": N}`;
 * `watch` long-polls `GET /watch?from=R&prefix=P&wait=MS` for a window (`--watch-window`, `--watch-wait`), each answer a response
 * of the stream (events, or none: a progress notification at `rev`), each of its events recorded as it
 * arrives (`ctx.observe`: an `event` record `{watcher, kind: put, key, value, rev, batch}`, or
 * `{kind: progress, rev, batch}`), and resumes from the last
 * revision seen + 1 in the next op; a 410 `{"compacted": F}` ends it (the next op starts fresh from
 * the current revision); `final-read` is `GET /kvs?prefix=P`. delete, txn and compact are not in the
 * convention: they fail (definitely not done).
 */
import type http from 'node:http';
import { Definite, Indefinite, type ClientOp, type InvokeContext } from './client-api.js';
import { httpRequest, HttpFailure } from './http-request.js';

export const HTTP_WATCH_OPS: readonly string[] = ['put', 'watch', 'final-read', 'delete', 'txn', 'compact'];

/** A watcher's state across its ops: the last revision it saw. */
export interface HttpWatcher { lastRev?: number; batch?: number }

const PREFIX = '/faultline/watch/';

type Conn = { agent: http.Agent; host: string; port: number; watcher: HttpWatcher };

function json(body: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function httpWatchOp(op: ClientOp, ctx: InvokeContext<Conn>): Promise<unknown> {
  const c = ctx.conn;
  const at = (path: string): { host: string; port: number; path: string } => ({ host: c.host, port: c.port, path });
  const v = (op.value ?? {}) as Record<string, unknown>;
  const fail = (err: unknown): never => {
    if (err instanceof HttpFailure) throw err.neverSent ? new Definite(err.message) : new Indefinite(err.message);
    throw err;
  };
  switch (op.f) {
    case 'put': {
      const key = String(v.key);
      const a = await httpRequest(c.agent, at(`/kv/${encodeURIComponent(key)}`), 'PUT', JSON.stringify({ value: v.value }), {}, ctx.timeoutMs).catch(fail);
      if (a.status >= 200 && a.status < 300) return { key, value: v.value, rev: json(a.body).rev };
      if (a.status === 503 || a.status === 400) throw new Definite(`HTTP ${a.status}: ${a.body.slice(0, 200)}`);
      throw new Indefinite(`HTTP ${a.status}: ${a.body.slice(0, 200)}`);
    }
    case 'final-read': {
      const a = await httpRequest(c.agent, at(`/kvs?prefix=${encodeURIComponent(PREFIX)}`), 'GET', undefined, {}, ctx.timeoutMs).catch(fail);
      if (a.status !== 200) throw new Definite(`HTTP ${a.status}: ${a.body.slice(0, 200)}`);
      return json(a.body);
    }
    case 'watch':
      return watchWindow(c, ctx);
    default:
      throw new Definite(`the http-kv convention has no ${op.f}`);
  }
}

async function watchWindow(c: Conn, ctx: InvokeContext<Conn>): Promise<unknown> {
  const w = c.watcher;
  const resume = w.lastRev !== undefined;
  let responses = 0;
  let createdRev: number | undefined;
  let end: 'window' | 'error' | 'compacted' = 'window';
  let compactRev: number | undefined;
  let error: string | undefined;
  const info = { watcher: `w${ctx.process}`, node: ctx.node.name, prefix: PREFIX, start: 0, resume, store: 'raft' };
  const deadline = Date.now() + ctx.watch.windowMs;
  try {
    if (!resume) {
      // A fresh watch starts after the node's current revision.
      const a = await httpRequest(c.agent, { host: c.host, port: c.port, path: `/kvs?prefix=${encodeURIComponent(PREFIX)}` }, 'GET', undefined, {}, ctx.timeoutMs);
      if (a.status !== 200) throw new Error(`GET /kvs: HTTP ${a.status}`);
      createdRev = Number(json(a.body).rev);
      w.lastRev = createdRev;
    } else info.start = w.lastRev! + 1;
    while (Date.now() < deadline) {
      const from = w.lastRev! + 1;
      const wait = Math.max(0, Math.min(ctx.watch.waitMs, deadline - Date.now()));
      const a = await httpRequest(c.agent, { host: c.host, port: c.port, path: `/watch?from=${from}&prefix=${encodeURIComponent(PREFIX)}&wait=${wait}` }, 'GET', undefined, {}, wait + ctx.timeoutMs);
      const body = json(a.body);
      if (a.status === 410) { end = 'compacted'; compactRev = Number(body.compacted); w.lastRev = undefined; break; }
      if (a.status !== 200) throw new Error(`GET /watch: HTTP ${a.status} ${a.body.slice(0, 120)}`);
      const batch = w.batch = (w.batch ?? 0) + 1;
      const events = (Array.isArray(body.events) ? body.events : []).map((e) => { const r = e as Record<string, unknown>; return { watcher: info.watcher, kind: 'put', key: String(r.key), value: String(r.value), rev: Number(r.rev), batch }; });
      responses++;
      if (events.length > 0) {
        for (const e of events) ctx.observe(e);
        w.lastRev = Math.max(w.lastRev!, ...events.map((e) => e.rev));
      } else {
        const rev = Number(body.rev);
        ctx.observe({ watcher: info.watcher, kind: 'progress', rev, batch });
        if (rev > w.lastRev!) w.lastRev = rev;
      }
    }
  } catch (err) {
    end = 'error';
    error = (err as Error).message;
    await new Promise((r) => setTimeout(r, 250));
  }
  const out: Record<string, unknown> = { watch: info, end, responses };
  if (createdRev !== undefined) out.createdRev = createdRev;
  if (compactRev !== undefined) out.compactRev = compactRev;
  if (error !== undefined) out.error = error;
  return out;
}
