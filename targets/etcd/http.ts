/**
 * etcd's JSON gateway (the grpc-gateway every 3.4 member serves on its client port): the maintenance
 * status (who leads, which term) for health checks and primaries, and the lock service
 * (`/v3/lock/lock`, `/v3/lock/unlock`) — etcd's own lock API, which the etcd3 npm client does not wrap.
 */

/** Polls `cond` every 50 ms until it is true; rejects after `timeoutMs` naming what it waited for. */
export async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** POSTs JSON to the gateway; rejects with the HTTP status and etcd's message on an error. */
export async function gatewayPost(endpoint: string, path: string, body: unknown, timeoutMs: number): Promise<Record<string, unknown>> {
  const res = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new GatewayError(res.status, String(json.message ?? json.error ?? res.statusText));
  return json;
}

/** A definite answer of etcd (an HTTP error with a message), as opposed to a timeout or lost connection. */
export class GatewayError extends Error {
  constructor(readonly status: number, message: string) {
    super(`etcd: ${message} (HTTP ${status})`);
    this.name = 'GatewayError';
  }
}

export interface MemberStatus {
  memberId: string;
  /** Member id of the leader this member knows, `'0'` when it knows none. */
  leader: string;
  raftTerm: string;
}

/** The maintenance status of one member. */
export async function memberStatus(endpoint: string, timeoutMs: number): Promise<MemberStatus> {
  const s = await gatewayPost(endpoint, '/v3/maintenance/status', {}, timeoutMs);
  const header = (s.header ?? {}) as Record<string, unknown>;
  return { memberId: String(header.member_id ?? ''), leader: String(s.leader ?? '0'), raftTerm: String(s.raftTerm ?? header.raft_term ?? '?') };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Blocks until the lock `name` is held with `lease`; resolves with the lock key (owned by the lease). */
export async function lockAcquire(endpoint: string, name: string, lease: string, timeoutMs: number): Promise<string> {
  return (await lockAcquireRevision(endpoint, name, lease, timeoutMs)).key;
}

/** Acquires a lock; also the revision of the response header (recorded, not used as a fencing token). */
export async function lockAcquireRevision(endpoint: string, name: string, lease: string, timeoutMs: number): Promise<{ key: string; revision: number }> {
  const r = await gatewayPost(endpoint, '/v3/lock/lock', { name: b64(name), lease }, timeoutMs);
  if (typeof r.key !== 'string') throw new Error(`etcd lock answered without a key: ${JSON.stringify(r)}`);
  const revision = Number((r.header as { revision?: unknown } | undefined)?.revision);
  if (!Number.isSafeInteger(revision)) throw new Error(`etcd lock answered without a header revision: ${JSON.stringify(r)}`);
  return { key: r.key, revision }; // key in base64, handed back as-is to unlock
}

/** Releases a lock by its key (deletes it; the lease may live on). */
export async function lockRelease(endpoint: string, key: string, timeoutMs: number): Promise<void> {
  await gatewayPost(endpoint, '/v3/lock/unlock', { key }, timeoutMs);
}
