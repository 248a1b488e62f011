/**
 * `--client http-kv`: the built-in client of the HTTP key-value convention (docs/http-kv.md), so a
 * system that serves it needs no client code. `txn` (list-append, rw-register) is `POST /txn`
 * (http-txn.ts), for servers that offer it. Register ops: `read` is `GET /kv/{key}`, `write`
 * is `PUT /kv/{key}` with `{"value": V}`, `cas` is the same PUT with `{"value": to, "expect": from}`
 * (`--cas body`, the default) or with `If-Match: "<JSON of from>"` (`--cas if-match`).
 *
 * Status mapping (the convention's): 2xx done; 404 absent key (a read returns null, a cas fails);
 * 409 or 412 compare failed; 503 definitely not applied; anything else, a timeout or a reset is
 * indeterminate. A body that is not the convention's JSON is garbage: the op is indeterminate and
 * the error names the node and what it sent.
 */
import type http from 'node:http';
import { Definite, Indefinite, defineClient, type ClientNode } from './client-api.js';
import { HttpFailure, httpRequest, keepAliveAgent, type HttpAnswer } from './http-request.js';
import { HTTP_WATCH_OPS, httpWatchOp, type HttpWatcher } from './http-watch.js';
import { httpTxn } from './http-txn.js';

export type CasStyle = 'body' | 'if-match';
export const CAS_STYLES: readonly CasStyle[] = ['body', 'if-match'];

/** The probe key of the health check (never used by a workload). */
export const HEALTH_KEY = 'faultline-health';

/** A garbled answer: the node answered, but not in the convention. */
export class GarbageAnswer extends Indefinite {
  constructor(node: string, what: string, a: HttpAnswer) {
    super(`${node} answered ${what} with garbage: HTTP ${a.status} ${JSON.stringify(a.body.slice(0, 120))}`);
  }
}

/** The value of a 200 read, or a GarbageAnswer. */
export function parseRead(node: ClientNode, key: string, a: HttpAnswer): unknown {
  let v: unknown;
  try {
    v = JSON.parse(a.body);
  } catch {
    throw new GarbageAnswer(node.name, `GET /kv/${key}`, a);
  }
  if (typeof v !== 'object' || v === null || !('value' in v)) throw new GarbageAnswer(node.name, `GET /kv/${key}`, a);
  return (v as { value: unknown }).value;
}

/**
 * A Definite or Indefinite without a stack trace: a failed compare is an everyday answer, not a bug,
 * and capturing a stack for each one costs more CPU than the rest of the client. Synchronous, so the
 * global limit is back before anything else runs.
 */
function quick<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function failure(err: unknown): never {
  if (err instanceof HttpFailure) throw quick(() => (err.neverSent ? new Definite(err.message) : new Indefinite(err.message)));
  throw err;
}

/** The outcome of a write or cas answer. */
export function writeOutcome(node: ClientNode, what: string, a: HttpAnswer): undefined {
  if (a.status >= 200 && a.status < 300) return undefined;
  const why = a.body.slice(0, 200);
  if (a.status === 404) throw quick(() => new Definite(`key absent: ${why}`));
  if (a.status === 409 || a.status === 412) throw quick(() => new Definite(`compare failed: ${why}`));
  if (a.status === 503 || a.status === 400) throw quick(() => new Definite(`HTTP ${a.status}: ${why}`));
  if (a.status >= 500) throw quick(() => new Indefinite(`HTTP ${a.status}: ${why}`));
  throw new GarbageAnswer(node.name, what, a);
}

/** The http-kv client for one run (`--cas` style chosen). */
export function httpKvClient(cas: CasStyle) {
  return defineClient<{ agent: http.Agent; base: string; host: string; port: number; watcher: HttpWatcher }>({
    ops: ['read', 'write', 'cas', ...HTTP_WATCH_OPS], // HTTP_WATCH_OPS holds txn
    open: (node) => ({ agent: keepAliveAgent(), base: node.url, host: node.host, port: node.port, watcher: {} }),
    async invoke(op, ctx) {
      // A list of micro-ops is list-append's or rw-register's txn; the watch workload's ({ops}) is not /txn's.
      if (op.f === 'txn' && Array.isArray(op.value)) return httpTxn(ctx.conn.agent, ctx.node, op.value as [string, unknown, unknown][], ctx.timeoutMs, failure);
      if (HTTP_WATCH_OPS.includes(op.f)) return httpWatchOp(op, ctx);
      const key = encodeURIComponent(String(op.key));
      const url = { host: ctx.conn.host, port: ctx.conn.port, path: `/kv/${key}` };
      const t = ctx.timeoutMs;
      if (op.f === 'read') {
        const a = await httpRequest(ctx.conn.agent, url, 'GET', undefined, {}, t).catch(failure);
        if (a.status === 404) return null;
        if (a.status === 200) return parseRead(ctx.node, key, a);
        return writeOutcome(ctx.node, `GET /kv/${key}`, a) ?? failure(new Indefinite(`HTTP ${a.status}`));
      }
      if (op.f === 'write') {
        const a = await httpRequest(ctx.conn.agent, url, 'PUT', JSON.stringify({ value: op.value }), {}, t).catch(failure);
        return writeOutcome(ctx.node, `PUT /kv/${key}`, a);
      }
      if (op.f === 'cas') {
        const [from, to] = op.value as [unknown, unknown];
        const a = cas === 'body'
          ? await httpRequest(ctx.conn.agent, url, 'PUT', JSON.stringify({ value: to, expect: from }), {}, t).catch(failure)
          : await httpRequest(ctx.conn.agent, url, 'PUT', JSON.stringify({ value: to }), { 'if-match': `"${JSON.stringify(from).replace(/"/g, '\\"')}"` }, t).catch(failure);
        return writeOutcome(ctx.node, `PUT /kv/${key}`, a);
      }
      throw new Definite(`http-kv performs read, write, cas, txn and the watch ops, not ${op.f}`);
    },
    close: (conn) => conn.agent.destroy(),
  });
}
