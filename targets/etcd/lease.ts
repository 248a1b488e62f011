/**
 * A lease for a lock holder or an election candidate: granted, or the `fail` completion that says why
 * not. A lost lease is left to the checkers (an overlap, a second leader), so the client ignores it.
 */
import type { Etcd3, Lease } from 'etcd3';
import type { Completion } from '../../harness/ground/contracts/roles.js';
import { errorMessage } from '../../harness/ground/history/errors.js';

export async function grantLease(etcd: Etcd3, ttlMs: number): Promise<{ lease: Lease; id: string } | Completion> {
  const lease = etcd.lease(ttlMs / 1000);
  lease.on('lost', () => undefined);
  try {
    return { lease, id: await lease.grant() };
  } catch (err) {
    lease.release();
    return { type: 'fail', error: `lease grant: ${errorMessage(err)}` };
  }
}
