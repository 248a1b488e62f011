/**
 * The Raft's client side in `--listen` mode: an HTTP server speaking the http-kv convention
 * (docs/http-kv.md) that turns each request into the lin-kv message the node already answers (read,
 * write, cas) and the node's reply into a status:
 *   read_ok 200 {"value"}; write_ok / cas_ok 200 {}; key absent (20) 404; compare failed (22) 409,
 *   or 412 for an If-Match; not applied (11: not leader, no leader, lost leadership) 503; outcome
 *   unknown (0, or no reply in time) 504; a malformed request 400.
 * `POST /txn` with `{"txn": [[f, k, v], ...]}` is the node's `txn` command, applied whole through the
 * log (txn.ts; the `txn-local-reads` switch applies here as on the Maelstrom path): txn_ok 200
 * `{"txn": [...]}` with the reads filled in; a transaction it refuses (an append to a non-list, a
 * malformed one: 12) 400, nothing applied.
 * Plus `GET /status[?committed_since=N]` (the node's raft status as `raft_status` answers it, with the
 * committed entries after N; `"role": "leader"` names a primary) and `GET /health`
 * (200 once the node knows a leader).
 */
import http from 'node:http';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { RaftNode } from './node.js';
import { committedEntries } from './status.js';

/** Longer than the node's own request and forward deadlines, so the node's answer wins. */
const REPLY_MS = 5_000;

interface Pending {
  res: http.ServerResponse;
  ifMatch: boolean;
  timer: NodeJS.Timeout;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The status of a node's reply body. */
function statusOf(body: MaelstromBody, ifMatch: boolean): number {
  if (body.type !== 'error') return 200;
  switch (body.code) {
    case 20: return 404;
    case 22: return ifMatch ? 412 : 409;
    case 11: return 503;
    case 0: return 504;
    case 10: case 12: return 400;
    default: return 500;
  }
}

/** Reads a JSON object body holding `field` and hands it on, or answers 400 with `need` and why. */
function readJson(req: http.IncomingMessage, res: http.ServerResponse, field: string, need: string, then: (body: Record<string, unknown>) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      if (typeof body !== 'object' || body === null || !(field in body)) throw new Error(`no "${field}"`);
    } catch (err) {
      return send(res, 400, { error: `${need}: ${(err as Error).message}` });
    }
    then(body);
  });
}

export class HttpKvServer {
  /** The client name the node answers HTTP requests to. */
  static readonly CLIENT = 'http';
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private server?: http.Server;

  constructor(private readonly node: RaftNode, private readonly log: (line: string) => void) {}

  async listen(host: string, port: number): Promise<void> {
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  close(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }

  /** A line the node wrote to the HTTP client: answer the request it replies to. */
  onReply(line: string): void {
    const body = (JSON.parse(line) as { body: MaelstromBody }).body;
    const p = typeof body.in_reply_to === 'number' ? this.pending.get(body.in_reply_to) : undefined;
    if (!p) return; // answered 504 already
    this.pending.delete(body.in_reply_to as number);
    clearTimeout(p.timer);
    const status = statusOf(body, p.ifMatch);
    // A write's revision (its log index) for watchers, as the optional `rev` of the convention.
    const ok = body.type === 'read_ok' ? { value: body.value } : body.type === 'txn_ok' ? { txn: body.txn } : typeof body.index === 'number' ? { rev: body.index } : {};
    send(p.res, status, status === 200 ? ok : { error: body.text ?? body.type, code: body.code });
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/status') {
      // As the Maelstrom raft_status answers it, so the same safety observer can read it.
      const since = Number(url.searchParams.get('committed_since') ?? NaN);
      const committed = Number.isInteger(since) ? { committed: committedEntries(this.node.store, this.node.commitIndex, since) } : {};
      return send(res, 200, { type: 'raft_status_ok', ...this.node.status(), ...committed });
    }
    if (req.method === 'GET' && url.pathname === '/health') {
      const leader = this.node.leaderId;
      return send(res, leader === null ? 503 : 200, { leader, role: this.node.role });
    }
    if (req.method === 'GET' && url.pathname === '/watch') return void this.watch(url, res);
    if (req.method === 'GET' && url.pathname === '/kvs') {
      // This node's applied state under a prefix, each key with the revision that last wrote it.
      const prefix = url.searchParams.get('prefix') ?? '';
      return send(res, 200, this.node.watches.snapshotUnder(prefix, this.node.sm));
    }
    if (req.method === 'POST' && url.pathname === '/txn') {
      // The node's own parse (parseTxnRequest) refuses a malformed list with 12, answered 400.
      return readJson(req, res, 'txn', 'POST /txn needs a JSON body {"txn": [[f, key, value], ...]}', (body) =>
        this.submit(res, { type: 'txn', txn: body.txn }, false));
    }
    const m = /^\/kv\/(.+)$/.exec(url.pathname);
    if (!m) return send(res, 404, { error: `no route ${req.method} ${url.pathname}; the routes are GET/PUT /kv/{key}, POST /txn, GET /status, GET /health` });
    const key = decodeURIComponent(m[1]);
    if (req.method === 'GET') return this.submit(res, { type: 'read', key }, false);
    if (req.method !== 'PUT') return send(res, 405, { error: `${req.method} is not supported on /kv/{key}; use GET or PUT` });
    readJson(req, res, 'value', 'PUT /kv/{key} needs a JSON body {"value": V} or {"value": V, "expect": OLD}', (body) => {
      const ifMatch = req.headers['if-match'];
      if (typeof ifMatch === 'string') {
        let from: unknown;
        try {
          from = JSON.parse(ifMatch.replace(/^"|"$/g, '').replace(/\\"/g, '"'));
        } catch {
          return send(res, 400, { error: `If-Match ${ifMatch} is not a quoted JSON value such as "3"` });
        }
        return this.submit(res, { type: 'cas', key, from, to: body.value }, true);
      }
      if ('expect' in body) return this.submit(res, { type: 'cas', key, from: body.expect, to: body.value }, false);
      this.submit(res, { type: 'write', key, value: body.value }, false);
    });
  }

  /**
   * `GET /watch?from=R&prefix=P&wait=MS`: a long poll. Answers at once with the changes at revision R
   * or later under P (`{"events": [{rev, key, value}], "rev": N}`: complete up to N), or waits up to
   * MS (default 1000) for one, then answers with none — a progress notification at N. A revision the
   * node's history no longer holds (it started from, or installed, a snapshot past it) is 410
   * `{"compacted": FLOOR}`.
   */
  private async watch(url: URL, res: http.ServerResponse): Promise<void> {
    const from = Number(url.searchParams.get('from') ?? NaN);
    const prefix = url.searchParams.get('prefix') ?? '';
    const wait = Math.min(30_000, Number(url.searchParams.get('wait') ?? 1000));
    if (!Number.isInteger(from) || from < 1 || !Number.isFinite(wait)) return send(res, 400, { error: 'GET /watch needs ?from=R (an integer ≥ 1), optional &prefix=P&wait=MS' });
    let a = this.node.watches.since(from, prefix);
    if (a.kind === 'events' && a.events.length === 0) {
      await this.node.watches.wait(wait);
      a = this.node.watches.since(from, prefix);
    }
    if (res.destroyed) return;
    if (a.kind === 'compacted') return send(res, 410, { compacted: a.floor });
    send(res, 200, { events: a.events, rev: a.rev });
  }

  private submit(res: http.ServerResponse, body: MaelstromBody, ifMatch: boolean): void {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.pending.delete(id);
      send(res, 504, { error: `the outcome is unknown: no answer from the node within ${REPLY_MS} ms` });
    }, REPLY_MS);
    this.pending.set(id, { res, ifMatch, timer });
    this.node.turn(() => this.node.handle(HttpKvServer.CLIENT, { ...body, msg_id: id }));
  }
}
