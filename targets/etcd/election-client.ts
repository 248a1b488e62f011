/**
 * The election workload on etcd (harness/middle/workloads/election.ts), through the server's own
 * election API on the JSON gateway (`/v3/election/campaign`, `proclaim`, `leader`, `resign`): the
 * etcd3 npm client's election recipe hides the revisions, the API's answers carry them. A candidacy
 * is a leader key under the election's name, owned by the candidate's lease (kept alive by the etcd3
 * client, TTL `--session-ttl`): the leader id is that key, the epoch its create revision (`rev`),
 * which etcd assigns once and in increasing order. A leader's `lead` is a proclaim, a transaction
 * that succeeds only while its key still exists with that revision: the store vouches for it.
 */
import type { Etcd3, Lease } from 'etcd3';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { errorMessage } from '../../harness/ground/history/errors.js';
import { gatewayPost, GatewayError } from './http.js';
import { grantLease } from './lease.js';

const ELECTION = '/faultline/election';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString() : '');

interface LeaderKey { name: string; key: string; rev: string; lease: string }

export interface ElectionClientOptions {
  timeoutMs: number;
  sessionTtlMs: number;
  /** Longest a campaign waits, ms. */
  campaignTimeoutMs: number;
}

/** One candidate or observer bound to `node`; `leading` reports the nodes whose candidates lead. */
export function etcdElectionClient(etcd: Etcd3, endpoint: string, node: string, o: ElectionClientOptions, leading: Map<object, string>): Client {
  const me = {};
  let held: { lease: Lease; leader: LeaderKey; epoch: number; id: string } | undefined;
  const drop = async (): Promise<void> => {
    const h = held;
    held = undefined;
    leading.delete(me);
    await h?.lease.revoke().catch(() => undefined);
  };
  const post = (path: string, body: unknown, timeoutMs = o.timeoutMs) => gatewayPost(endpoint, path, body, timeoutMs);
  return {
    async invoke(op: ClientOp): Promise<Completion> {
      switch (op.f) {
        case 'campaign': {
          if (held) return { type: 'fail', error: 'already leading' };
          const granted = await grantLease(etcd, o.sessionTtlMs);
          if (!('lease' in granted)) return granted;
          const { lease, id } = granted;
          try {
            const r = await post('/v3/election/campaign', { name: b64(ELECTION), lease: id, value: b64(node) }, o.campaignTimeoutMs);
            const leader = r.leader as LeaderKey | undefined;
            const epoch = Number(leader?.rev);
            if (!leader || typeof leader.key !== 'string' || !Number.isSafeInteger(epoch)) throw new Error(`etcd campaign answered without a leader key: ${JSON.stringify(r)}`);
            const key = unb64(leader.key);
            held = { lease, leader, epoch, id: key };
            leading.set(me, node);
            return { type: 'ok', value: { node, leader: key, epoch, lease: id, ttlMs: o.sessionTtlMs } };
          } catch (err) {
            // It may still be elected later: revoking the lease deletes its key whatever the server did.
            await lease.revoke().catch(() => undefined);
            return err instanceof GatewayError ? { type: 'fail', error: errorMessage(err) } : { type: 'info', error: errorMessage(err) };
          }
        }
        case 'lead': {
          if (!held) return { type: 'fail', error: 'not leading' };
          const h = held;
          try {
            await post('/v3/election/proclaim', { leader: h.leader, value: b64(node) });
            return { type: 'ok', value: { node, leader: h.id, epoch: h.epoch } };
          } catch (err) {
            if (err instanceof GatewayError) {
              // "election: not leader": its key is gone (lease expired): leadership lost.
              await drop();
              return { type: 'fail', value: { node, leader: h.id, epoch: h.epoch }, error: errorMessage(err) };
            }
            return { type: 'info', value: { node, leader: h.id, epoch: h.epoch }, error: errorMessage(err) };
          }
        }
        case 'resign': {
          if (!held) return { type: 'fail', error: 'not leading' };
          const h = held;
          try {
            await post('/v3/election/resign', { leader: h.leader });
            await drop();
            return { type: 'ok', value: { node, leader: h.id, epoch: h.epoch } };
          } catch (err) {
            await drop();
            return { type: 'info', value: { node, leader: h.id, epoch: h.epoch }, error: errorMessage(err) };
          }
        }
        case 'observe': {
          try {
            const r = await post('/v3/election/leader', { name: b64(ELECTION) });
            const kv = r.kv as { key?: string; create_revision?: string; value?: string } | undefined;
            const epoch = Number(kv?.create_revision);
            if (!kv || !Number.isSafeInteger(epoch)) throw new Error(`etcd leader answered without a key: ${JSON.stringify(r)}`);
            return { type: 'ok', value: { epoch, leader: unb64(kv.key), node: unb64(kv.value) } };
          } catch (err) {
            if (err instanceof GatewayError && /no leader/.test(err.message)) return { type: 'ok', value: { epoch: null, leader: null } };
            return { type: 'fail', error: errorMessage(err) };
          }
        }
        default:
          return { type: 'fail', error: `election: unknown op ${op.f}` };
      }
    },
    close: drop,
  };
}
