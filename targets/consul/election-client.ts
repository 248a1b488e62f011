/**
 * The election workload on Consul (harness/middle/workloads/election.ts): Consul's documented
 * leader-election pattern, a session and a KV acquire of the election's key (the lock client's
 * acquire: session with TTL and lock-delay, `PUT ?acquire=SESSION` until true). The leader id is the
 * session; the epoch is the key's ModifyIndex as a consistent read sees it under that session right
 * after the acquire: each acquire is a Raft write, so a later leader's index is higher, and the key
 * is not written again during the tenure (Consul's LockIndex would restart when the key is deleted;
 * the session ID is not ordered). A `lead` is a consistent read that the key is still held by the
 * session (Consul's leader answers it after confirming its leadership); observers do the same read
 * and report whoever holds the key.
 */
import type { ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { fetchErrorMessage, kvGet } from './http.js';
import { ConsulLockClient, type LockOptions } from './lock-client.js';

export const ELECTION_KEY = 'faultline/election';

export class ConsulElectionClient {
  private readonly lock: ConsulLockClient;
  private tenure?: { session: string; epoch: number };

  constructor(readonly node: string, private readonly ep: string, private readonly o: LockOptions) {
    this.lock = new ConsulLockClient(node, ep, o, ELECTION_KEY);
  }

  /** True while this candidate leads, as it believes. */
  get holding(): boolean {
    return this.lock.holding;
  }

  async invoke(op: ClientOp): Promise<Completion> {
    switch (op.f) {
      case 'campaign': {
        if (this.tenure) return { type: 'fail', error: 'already leading' };
        const r = await this.lock.acquire();
        if (r.type !== 'ok') return r;
        const v = r.value as { session: string; token?: number };
        if (v.token === undefined) {
          // Acquired, but its index could not be read: leadership without an epoch. Give it up.
          await this.lock.release();
          return { type: 'info', error: 'acquired, but the consistent read of the key under our session failed: resigned' };
        }
        this.tenure = { session: v.session, epoch: v.token };
        return { type: 'ok', value: { node: this.node, leader: v.session, epoch: v.token, ttlMs: this.o.sessionTtlMs } };
      }
      case 'lead': {
        const t = this.tenure;
        if (!t) return { type: 'fail', error: 'not leading' };
        const value = { node: this.node, leader: t.session, epoch: t.epoch };
        try {
          const { entry } = await kvGet(this.ep, ELECTION_KEY, 'consistent', this.o.timeoutMs);
          if (entry?.session === t.session) return { type: 'ok', value };
          this.tenure = undefined;
          await this.lock.release();
          return { type: 'fail', value, error: `the key is no longer held by our session (held by ${entry?.session ?? 'nobody'}): no longer leading` };
        } catch (err) {
          // A read changes nothing: it did not vouch for anything.
          return { type: 'fail', value, error: `read: ${fetchErrorMessage(err)}` };
        }
      }
      case 'resign': {
        const t = this.tenure;
        if (!t) return { type: 'fail', error: 'not leading' };
        this.tenure = undefined;
        const r = await this.lock.release();
        return { ...r, value: { node: this.node, leader: t.session, epoch: t.epoch } };
      }
      case 'observe': {
        try {
          const { entry } = await kvGet(this.ep, ELECTION_KEY, 'consistent', this.o.timeoutMs);
          if (!entry?.session) return { type: 'ok', value: { epoch: null, leader: null } };
          return { type: 'ok', value: { epoch: entry.modifyIndex, leader: entry.session, node: entry.value } };
        } catch (err) {
          return { type: 'fail', error: fetchErrorMessage(err) };
        }
      }
      default:
        return { type: 'fail', error: `election: unknown op ${op.f}` };
    }
  }

  async close(): Promise<void> {
    this.tenure = undefined;
    await this.lock.close();
  }
}
