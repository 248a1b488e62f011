/**
 * The http-kv client's transactions (`POST /txn`, docs/http-kv.md), for the list-append and
 * rw-register workloads: the op's micro-ops go to the server as one transaction, which it applies
 * atomically (or refuses whole) and answers with the reads filled in.
 *
 * Status mapping: 200 with the micro-ops sent, reads filled: ok; 409 or 412 (a refused transaction,
 * a conflict), 400, 503: fail; 404 or 405: fail, the server does not offer /txn; other 5xx, a
 * timeout, a reset: info; anything else, or a 200 whose micro-ops are not those sent: garbage (info).
 * A read-only transaction changed nothing, so any error of it is a fail (as a read's is).
 */
import { Definite, Indefinite, type ClientNode } from './client-api.js';
import { httpRequest, type HttpAnswer } from './http-request.js';
import type http from 'node:http';

type MicroOp = [string, unknown, unknown];

/** The path of the transaction route. */
export const TXN_PATH = '/txn';

/** The micro-ops of a 200 answer, checked against those sent; anything else is an Error (garbage). */
function completed(sent: readonly MicroOp[], a: HttpAnswer): MicroOp[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(a.body);
  } catch {
    return undefined;
  }
  const txn = typeof body === 'object' && body !== null ? (body as { txn?: unknown }).txn : undefined;
  if (!Array.isArray(txn) || txn.length !== sent.length) return undefined;
  // The server must answer the transaction it was sent: same ops, keys, and written values.
  const same = txn.every((m, i) => Array.isArray(m) && m.length === 3 && m[0] === sent[i][0] && m[1] === sent[i][1]
    && (m[0] === 'r' || JSON.stringify(m[2]) === JSON.stringify(sent[i][2])));
  return same ? txn as MicroOp[] : undefined;
}

/** The completion of a `/txn` answer: the micro-ops (ok), or a Definite (fail) / Indefinite (info) thrown. */
export function txnOutcome(node: ClientNode, sent: readonly MicroOp[], a: HttpAnswer): MicroOp[] {
  const why = a.body.slice(0, 200);
  if (a.status === 200) {
    const done = completed(sent, a);
    if (done) return done;
    throw new Indefinite(`${node.name} answered POST ${TXN_PATH} with garbage: HTTP 200 ${JSON.stringify(a.body.slice(0, 120))} (not {"txn": [...]} of the micro-ops sent)`);
  }
  if (a.status === 409 || a.status === 412) throw new Definite(`transaction refused: ${why}`);
  if (a.status === 400 || a.status === 503) throw new Definite(`HTTP ${a.status}: ${why}`);
  if (a.status === 404 || a.status === 405) throw new Definite(`${node.name} does not offer POST ${TXN_PATH} (HTTP ${a.status}), which list-append and rw-register need (docs/http-kv.md)`);
  if (a.status >= 500) throw new Indefinite(`HTTP ${a.status}: ${why}`);
  throw new Indefinite(`${node.name} answered POST ${TXN_PATH} with garbage: HTTP ${a.status} ${JSON.stringify(a.body.slice(0, 120))}`);
}

/**
 * Performs one transaction op; `failure` turns a transport error into Definite/Indefinite. A read-only
 * transaction's error of any kind becomes a Definite.
 */
export async function httpTxn(
  agent: http.Agent, node: ClientNode, txn: readonly MicroOp[], timeoutMs: number, failure: (err: unknown) => never,
): Promise<MicroOp[]> {
  try {
    const a = await httpRequest(agent, { host: node.host, port: node.port, path: TXN_PATH }, 'POST', JSON.stringify({ txn }), {}, timeoutMs).catch(failure);
    return txnOutcome(node, txn, a);
  } catch (err) {
    if (err instanceof Indefinite && txn.every((m) => m[0] === 'r')) throw new Definite(err.message);
    throw err;
  }
}
