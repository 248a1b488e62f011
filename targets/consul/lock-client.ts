/**
 * One client of the lock workload on Consul: Consul's own lock recipe. `acquire` creates a session
 * (TTL, lock-delay, no node checks) on the client's server and PUTs the lock key with
 * `?acquire=SESSION` until Consul answers true, waiting between tries on a blocking query of the key;
 * while held, the session is renewed every TTL/2 in the background. `update` reads the guarded
 * counter with a consistent read (so a lost update can only come from two holders, not from a stale
 * read) and writes read + 1. `release` PUTs `?release=SESSION` and destroys the session.
 *
 * The client does not watch its session: like any lock without fencing tokens, a holder whose session
 * expired (its server paused longer than the TTL) keeps acting as the holder. The lock checker
 * observes whether another client acquired the lock meanwhile. Consul invalidates a session between
 * TTL and 2×TTL after its last renewal, then refuses the lock for the lock-delay.
 */
import type { ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { ConsulError, fetchErrorMessage, kvGet, kvPut, neverSent, sessionCreate, sessionDestroy, sessionRenew } from './http.js';

export interface LockOptions {
  /** Deadline of one request, ms. */
  timeoutMs: number;
  /** Session TTL, ms (`--session-ttl`; Consul takes whole seconds ≥ session_ttl_min, set to 1 s here). */
  sessionTtlMs: number;
  /** Session lock-delay, s (`--lock-delay`): how long Consul refuses the lock after the session is invalidated. */
  lockDelayS: number;
  /** Longest an acquire waits for the lock, ms. */
  lockTimeoutMs: number;
  /** Time between the read and the write of the guarded counter, ms: widens the critical section. */
  holdMs: number;
}

export const LOCK_KEY = 'faultline/lock';
export const COUNTER_KEY = 'faultline/lock-counter';

/** Longest one blocking query on the lock key waits for a change, ms: lock-delay ends unannounced. */
const WATCH_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ConsulLockClient {
  /** True from an acquire that returned true until the release is invoked. */
  holding = false;
  private session?: string;
  private renewing?: NodeJS.Timeout;

  /** `key`: the lock's key (the election workload uses its own). */
  constructor(readonly node: string, private readonly ep: string, private readonly o: LockOptions, readonly key = LOCK_KEY) {}

  async invoke(op: ClientOp): Promise<Completion> {
    switch (op.f) {
      case 'acquire': return this.acquire();
      case 'update': return this.update();
      case 'release': return this.release();
      default: return { type: 'fail', error: `lock: unknown op ${op.f}` };
    }
  }

  /**
   * The fencing token of a grant: the key's ModifyIndex as a consistent read sees it under our session
   * (it grows with every acquire; LockIndex restarts when the key is deleted). None when the read fails.
   */
  private async token(sid: string): Promise<{ token?: number }> {
    try {
      const { entry } = await kvGet(this.ep, this.key, 'consistent', this.o.timeoutMs);
      return entry && entry.session === sid ? { token: entry.modifyIndex } : {};
    } catch {
      return {};
    }
  }

  /** Acquires the key for a new session (see the class comment); `acquire`'s op. */
  async acquire(): Promise<Completion> {
    if (this.holding) return { type: 'fail', error: 'already holding the lock' };
    let sid: string;
    try {
      sid = await sessionCreate(this.ep, this.o.sessionTtlMs / 1000, this.o.lockDelayS, this.o.timeoutMs);
    } catch (err) {
      // No lock was asked for; a session that was created anyway holds nothing and expires by its TTL.
      return { type: 'fail', error: `session create: ${fetchErrorMessage(err)}` };
    }
    this.session = sid;
    this.renew(sid);
    const deadline = Date.now() + this.o.lockTimeoutMs;
    let index = 0;
    for (;;) {
      try {
        if (await kvPut(this.ep, this.key, this.node, this.o.timeoutMs, `acquire=${sid}`)) {
          this.holding = true;
          return { type: 'ok', value: { node: this.node, session: sid, ...(await this.token(sid)) } };
        }
      } catch (err) {
        // The acquire may have been applied: destroying the session releases whatever it holds.
        await this.dropSession();
        const definite = neverSent(err) || (err instanceof ConsulError && err.status < 500);
        return { type: definite ? 'fail' : 'info', error: `acquire: ${fetchErrorMessage(err)}` };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        await this.dropSession();
        return { type: 'fail', error: `lock not acquired within ${this.o.lockTimeoutMs} ms` };
      }
      // Wait for the key to change (a release, an invalidation), or for the lock-delay to run out.
      try {
        const wait = Math.min(WATCH_MS, left);
        index = (await kvGet(this.ep, this.key, 'default', Math.min(this.o.timeoutMs, wait + 1_000), `index=${index}&wait=${wait}ms`)).meta.index;
      } catch {
        await sleep(Math.min(WATCH_MS, Math.max(0, deadline - Date.now())));
      }
    }
  }

  private async update(): Promise<Completion> {
    if (!this.holding) return { type: 'fail', error: 'not holding the lock' };
    let read: number | null;
    try {
      const { entry } = await kvGet(this.ep, COUNTER_KEY, 'consistent', this.o.timeoutMs);
      read = entry === null ? null : Number(entry.value);
    } catch (err) {
      return { type: 'fail', error: `read: ${fetchErrorMessage(err)}` };
    }
    if (this.o.holdMs > 0) await sleep(this.o.holdMs);
    const wrote = (read ?? 0) + 1;
    try {
      await kvPut(this.ep, COUNTER_KEY, String(wrote), this.o.timeoutMs);
      return { type: 'ok', value: { read, wrote, node: this.node } };
    } catch (err) {
      const definite = neverSent(err) || (err instanceof ConsulError && err.status < 500);
      return { type: definite ? 'fail' : 'info', error: fetchErrorMessage(err) };
    }
  }

  /** `release`'s op. */
  async release(): Promise<Completion> {
    if (!this.holding || !this.session) return { type: 'fail', error: 'not holding the lock' };
    this.holding = false;
    const sid = this.session;
    try {
      const released = await kvPut(this.ep, this.key, '', this.o.timeoutMs, `release=${sid}`);
      await this.dropSession();
      return released ? { type: 'ok', value: { node: this.node } } : { type: 'fail', error: 'the session no longer held the lock (it had been invalidated)' };
    } catch (err) {
      await this.dropSession();
      return { type: 'info', error: `release: ${fetchErrorMessage(err)}` };
    }
  }

  /** Renews `sid` every TTL/2 until it is dropped or Consul says it is gone. */
  private renew(sid: string): void {
    const every = this.o.sessionTtlMs / 2;
    const tick = async (): Promise<void> => {
      if (this.session !== sid) return;
      const alive = await sessionRenew(this.ep, sid, Math.min(this.o.timeoutMs, every)).catch(() => true);
      if (alive && this.session === sid) this.renewing = setTimeout(() => void tick(), every).unref();
    };
    this.renewing = setTimeout(() => void tick(), every).unref();
  }

  /** Stops renewing and destroys the session (best effort: an unreachable server lets it expire). */
  private async dropSession(): Promise<void> {
    const sid = this.session;
    this.session = undefined;
    this.holding = false;
    clearTimeout(this.renewing);
    if (sid) await sessionDestroy(this.ep, sid, this.o.timeoutMs).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.dropSession();
  }
}
