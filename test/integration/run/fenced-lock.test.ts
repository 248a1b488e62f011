/**
 * fenced-lock on a real etcd cluster, pauses aimed at the holder's node, one seed per row: tokens
 * are distinct and grow (the create revision of the lock key); with fencing enforced the resource
 * stays safe. Every grant carries a token. The rates over many seeds and the
 * other stores are measured by `npm run bench:selection`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import type { FencedLockResult } from '../../../checkers/fenced-lock.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';

afterAll(removeTempDirs);
const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare']);

describe.skipIf(skip !== undefined)(`fenced-lock on etcd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const run = async (fencing: string) => {
    const req = storeRequest(`etcd-fenced-${fencing}`, { faults: ['pause'], nodeTargets: ['holders'], timeLimitS: 16, faultIntervalS: 3, seed: 1 }, { fencing }, 'fenced-lock');
    const out = await runTest(req.config, (r) => etcdParts(req, r).plan);
    expect(out.results.error).toBeUndefined();
    expectNothingLeft(out.dir);
    return { out, fl: (out.results.checkers as Record<string, FencedLockResult>)['fenced-lock'] };
  };

  // A holding is four rounds of a read, a 200-ms hold and a write (LOCK_HOLD_MS), and a paused holder
  // waits out its pause: a handful of grants in 16 s on a loaded machine (2 to 3 seen at load 25).
  it('without fencing, every grant has a distinct, growing token and the resource takes every write', async () => {
    const { out, fl } = await run('off');
    expect(fl.grants).toBeGreaterThanOrEqual(2);
    expect(fl.tokenReused.count + fl.tokenDecreased.count).toBe(0);
    expect(fl.rejected).toBe(0);
    // Whether the stale holder's writes interleave in one seed is chance (one in two seeds measured
    // by bench:selection), so this row does not assert it; the verdict must match what was found.
    expect(out.results.valid).toBe(fl.interleaved.count === 0);
  }, 180_000);

  it('with fencing enforced, the resource stays safe', async () => {
    const { out, fl } = await run('enforce');
    expect(fl.grants).toBeGreaterThanOrEqual(2);
    expect(fl.rejected).toBe(fl.rejectedWrites.length);
    expect(fl.valid).toBe(true);
    expect(out.results.valid).toBe(true);
    expect((out.results as { resource?: { fencing: string } }).resource?.fencing).toBe('enforce');
  }, 180_000);
});
