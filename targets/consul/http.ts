/**
 * Consul's HTTP API (v1) over Node 20's own `fetch`: KV reads in the three consistency modes, writes,
 * check-and-set on ModifyIndex, sessions, lock acquire/release, and the status endpoints that say who
 * leads. Not the `consul` npm package: it resolves a failed cas or acquire to `undefined` rather than
 * `false`, knows neither `stale` nor `consistent` in its types and hides the response headers
 * (X-Consul-KnownLeader, X-Consul-LastContact) that explain a stale read; `fetch` is as short and exact.
 *
 * Every call carries its own deadline: a server cut off from the majority holds a default-mode
 * request for about 7 s before answering `500 No cluster leader`, and a paused one never answers.
 */

/** A definite HTTP answer of Consul that is not a success: its status and body. */
export class ConsulError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) {
    super(`consul: ${what}: HTTP ${status} ${body.trim().slice(0, 160)}`);
    this.name = 'ConsulError';
  }
}

/** A request that never reached the server: the connection was refused (a killed server). */
export function neverSent(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

/** The message of a fetch failure, with undici's cause (ECONNREFUSED, other side closed, …). */
export function fetchErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'no answer within the request timeout';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${err.message}: ${cause.code ?? cause.message ?? ''}`.trim() : err.message;
}

export interface ConsulResponse {
  status: number;
  body: string;
  headers: Headers;
}

/** One request; resolves for any HTTP answer, rejects on a timeout or a lost connection. */
export async function request(endpoint: string, method: string, path: string, timeoutMs: number, body?: string): Promise<ConsulResponse> {
  const res = await fetch(`${endpoint}${path}`, { method, body, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Like `request`, but a non-2xx answer rejects with a ConsulError. */
async function ok(endpoint: string, method: string, path: string, timeoutMs: number, body?: string): Promise<ConsulResponse> {
  const r = await request(endpoint, method, path, timeoutMs, body);
  if (r.status < 200 || r.status > 299) throw new ConsulError(r.status, r.body, `${method} ${path}`);
  return r;
}

export type ReadMode = 'default' | 'consistent' | 'stale';

/** The query parameter of a read mode (default mode has none: the leader answers without a quorum check). */
export function modeParam(mode: ReadMode): string {
  return mode === 'default' ? '' : mode;
}

const query = (...params: string[]): string => {
  const q = params.filter((p) => p !== '');
  return q.length === 0 ? '' : `?${q.join('&')}`;
};

export interface KvEntry {
  value: string;
  modifyIndex: number;
  session?: string;
}

/** What a read saw besides the value: which index it answered at, whether the server knew a leader. */
export interface ReadMeta {
  index: number;
  knownLeader: boolean;
  lastContactMs: number;
}

function metaOf(h: Headers): ReadMeta {
  return {
    index: Number(h.get('x-consul-index') ?? 0),
    knownLeader: h.get('x-consul-knownleader') === 'true',
    lastContactMs: Number(h.get('x-consul-lastcontact') ?? 0),
  };
}

/** Reads one key: its entry, or null when absent (404). */
export async function kvGet(endpoint: string, key: string, mode: ReadMode, timeoutMs: number, extra = ''): Promise<{ entry: KvEntry | null; meta: ReadMeta }> {
  const r = await request(endpoint, 'GET', `/v1/kv/${key}${query(modeParam(mode), extra)}`, timeoutMs);
  if (r.status === 404) return { entry: null, meta: metaOf(r.headers) };
  if (r.status !== 200) throw new ConsulError(r.status, r.body, `GET ${key}`);
  const [e] = JSON.parse(r.body) as { Value: string | null; ModifyIndex: number; Session?: string }[];
  return {
    entry: { value: e.Value === null ? '' : Buffer.from(e.Value, 'base64').toString(), modifyIndex: e.ModifyIndex, session: e.Session },
    meta: metaOf(r.headers),
  };
}

/** One op of a `/v1/txn` transaction (KV ops only). */
export interface TxnKvOp { Verb: 'get-tree' | 'cas' | 'check-index' | 'check-not-exists' | 'set' | 'delete'; Key: string; Value?: string; Index?: number }

/**
 * A `/v1/txn` transaction: its results' KV entries, or null when Consul rolled it back because a
 * check or cas failed (409). A read-only transaction is served in the read mode given.
 */
export async function txn(endpoint: string, ops: readonly TxnKvOp[], mode: ReadMode, timeoutMs: number): Promise<(KvEntry & { key: string })[] | null> {
  const r = await request(endpoint, 'PUT', `/v1/txn${query(modeParam(mode))}`, timeoutMs, JSON.stringify(ops.map((o) => ({ KV: o }))));
  if (r.status === 409) return null;
  if (r.status !== 200) throw new ConsulError(r.status, r.body, 'PUT /v1/txn');
  const results = (JSON.parse(r.body) as { Results: { KV?: { Key: string; Value: string | null; ModifyIndex: number } }[] | null }).Results ?? [];
  return results.flatMap((x) => (x.KV ? [{ key: x.KV.Key, value: x.KV.Value === null ? '' : Buffer.from(x.KV.Value, 'base64').toString(), modifyIndex: x.KV.ModifyIndex }] : []));
}

/** The keys under a prefix (`?keys`), [] when there are none. */
export async function kvKeys(endpoint: string, prefix: string, mode: ReadMode, timeoutMs: number): Promise<string[]> {
  const r = await request(endpoint, 'GET', `/v1/kv/${prefix}${query('keys', modeParam(mode))}`, timeoutMs);
  if (r.status === 404) return [];
  if (r.status !== 200) throw new ConsulError(r.status, r.body, `GET ${prefix}?keys`);
  return JSON.parse(r.body) as string[];
}

/**
 * A KV PUT with optional `cas=IDX`, `acquire=SID` or `release=SID`: resolves with Consul's boolean
 * (false: the cas index differed, the lock is held or in its lock-delay, or the session is not the
 * holder).
 */
export async function kvPut(endpoint: string, key: string, value: string, timeoutMs: number, param = ''): Promise<boolean> {
  const r = await ok(endpoint, 'PUT', `/v1/kv/${key}${query(param)}`, timeoutMs, value);
  const b = r.body.trim();
  if (b !== 'true' && b !== 'false') throw new Error(`consul: PUT ${key} answered ${JSON.stringify(b.slice(0, 80))}, not true/false`);
  return b === 'true';
}

/**
 * Creates a session bound to the agent it is created on, with a TTL and a lock-delay and no node
 * checks: only the TTL ends it (not serf's view of its agent), so a pause longer than the TTL is
 * what invalidates it.
 */
export async function sessionCreate(endpoint: string, ttlS: number, lockDelayS: number, timeoutMs: number): Promise<string> {
  const body = JSON.stringify({ TTL: `${ttlS}s`, LockDelay: `${lockDelayS}s`, NodeChecks: [], Behavior: 'release', Name: 'faultline-lock' });
  const r = await ok(endpoint, 'PUT', '/v1/session/create', timeoutMs, body);
  const id = (JSON.parse(r.body) as { ID?: string }).ID;
  if (!id) throw new Error(`consul: session create answered without an ID: ${r.body.slice(0, 80)}`);
  return id;
}

/** Renews a session; false once it is gone (Consul answers 404 for an invalidated session). */
export async function sessionRenew(endpoint: string, id: string, timeoutMs: number): Promise<boolean> {
  const r = await request(endpoint, 'PUT', `/v1/session/renew/${id}`, timeoutMs);
  if (r.status === 404) return false;
  if (r.status !== 200) throw new ConsulError(r.status, r.body, 'session renew');
  return true;
}

/** Destroys a session (releasing its locks; their lock-delay then applies). */
export async function sessionDestroy(endpoint: string, id: string, timeoutMs: number): Promise<void> {
  await ok(endpoint, 'PUT', `/v1/session/destroy/${id}`, timeoutMs);
}

/** The leader's raft address as this server knows it (`IP:8300`), '' when it knows none. */
export async function statusLeader(endpoint: string, timeoutMs: number): Promise<string> {
  const r = await ok(endpoint, 'GET', '/v1/status/leader', timeoutMs);
  return JSON.parse(r.body) as string;
}

/** A serf LAN member as one server sees it; `status` is serf's: 1 alive, 2 leaving, 3 left, 4 failed. */
export interface SerfMember {
  name: string;
  addr: string;
  status: number;
}

/**
 * The LAN members as this server's serf sees them (`/v1/agent/members`, the agent's own view, no
 * RPC). A Consul server forwards nothing to a raft leader its serf holds failed: Consul 1.8 holds
 * such a request for `rpc_hold_timeout` (7 s) and answers `500 No cluster leader`.
 */
export async function agentMembers(endpoint: string, timeoutMs: number): Promise<SerfMember[]> {
  const r = await ok(endpoint, 'GET', '/v1/agent/members', timeoutMs);
  const ms = JSON.parse(r.body) as { Name: string; Addr: string; Status: number }[];
  return ms.map((m) => ({ name: m.Name, addr: m.Addr, status: m.Status }));
}

export interface RaftServer {
  node: string;
  address: string;
  leader: boolean;
  voter: boolean;
}

/**
 * The raft configuration as this server holds it (`?stale`: its own copy, so an isolated server
 * still answers). Tells voters from non-voters: autopilot demotes servers it believes dead.
 */
export async function raftConfiguration(endpoint: string, timeoutMs: number): Promise<RaftServer[]> {
  const r = await ok(endpoint, 'GET', '/v1/operator/raft/configuration?stale', timeoutMs);
  const c = JSON.parse(r.body) as { Servers: { Node: string; Address: string; Leader: boolean; Voter: boolean }[] };
  return c.Servers.map((s) => ({ node: s.Node, address: s.Address, leader: s.Leader, voter: s.Voter }));
}
