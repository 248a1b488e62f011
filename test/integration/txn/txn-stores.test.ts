/**
 * list-append on the real stores under partitions, kills and pauses, one seed each (bench:txn runs
 * five): etcd (Txn with mod-revision compares), ZooKeeper (version-checked multi) and Consul
 * (/v1/txn, consistent reads) must be valid for strict serializability, with transactions committed
 * and faults that took effect, so the valid is not vacuous. The oracle is Elle (checkers/elle/),
 * proved against a brute-force search in test/unit/elle/; a wrong client is caught here (ZooKeeper's
 * npm client sent version 0 as "any version" and Elle found the lost appends).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import type { RunOutcome } from '../../../harness/ground/contracts/run-contract.js';
import { consulParts } from '../../../targets/consul/index.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf } from '../provision/helpers.js';
import { storeRequests } from '../provision/store-runs.js';

afterAll(removeTempDirs);

const NS = ['iptables', 'iptables-restore', 'unshare'];
const request = storeRequests({ seed: 3, timeLimitS: 15, faultIntervalS: 3, rate: 50, concurrency: 10, quietS: 5, faults: ['partition', 'kill', 'pause'] });

/**
 * The run's transactional result (`workload`'s checker): valid for strict serializability, with real
 * work and real faults behind it — `writes` names the micro-op that writes (appends or writes).
 */
function expectValidTxns(out: RunOutcome, workload = 'list-append', writes: 'appends' | 'writes' = 'appends'): void {
  expect(out.results.error).toBeUndefined();
  // The whole run too: the final read-only txns show the store serving after its last fault.
  expect(out.results.valid, JSON.stringify(Object.fromEntries(Object.entries(out.results.checkers).map(([k, v]) => [k, (v as { valid: unknown }).valid])))).toBe(true);
  const r = out.results.checkers[workload] as Record<string, any>;
  expect(r.consistencyModels).toEqual(['strict-serializable']);
  expect(r.anomalyTypes, JSON.stringify(r.anomalies?.[0] ?? {})).toEqual({});
  expect(r.valid).toBe(true);
  // Enough committed transactions with reads and writes that a broken commit would show.
  expect(r.txns.ok).toBeGreaterThan(50);
  expect(r.microOps[writes]).toBeGreaterThan(50);
  expect(r.microOps.reads).toBeGreaterThan(50);
  const faults = out.results.faults as Record<string, { tookEffect: number }>;
  for (const f of ['partition', 'kill', 'pause']) expect(faults[f]?.tookEffect, f).toBeGreaterThan(0);
  expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
}

const stores = [
  { name: 'etcd', bins: ['etcd'], files: [], parts: etcdParts, flags: {} },
  { name: 'zookeeper', bins: ['java'], files: ['/usr/share/java/zookeeper.jar'], parts: zookeeperParts, flags: {} },
  { name: 'consul', bins: ['consul'], files: [], parts: consulParts, flags: { reads: 'consistent' } },
] as const;

for (const s of stores) {
  const skip = missing([...s.bins, ...NS], [...s.files]);
  describe.skipIf(skip !== undefined)(`list-append on ${s.name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('is strict-serializable under partitions, kills and pauses', async () => {
      const req = request(`${s.name}-list-append`, {}, { ...s.flags }, 'list-append');
      (req as { nodeCount: number }).nodeCount = 5;
      const out = await runTest(req.config, (run) => s.parts(req, run).plan);
      expectValidTxns(out);
    }, 240_000);
  });
}

// rw-register (Elle's wr-register: writes unique per key, reads of one value) on one store, the same
// faults: the second transactional workload runs through the same runTxn, so one store shows its path.
const etcdSkip = missing(['etcd', ...NS], []);
describe.skipIf(etcdSkip !== undefined)(`rw-register on etcd${etcdSkip ? ` (skipped: ${etcdSkip})` : ''}`, () => {
  it('is strict-serializable under partitions, kills and pauses, with writes and reads committed', async () => {
    const req = request('etcd-rw-register', {}, {}, 'rw-register');
    (req as { nodeCount: number }).nodeCount = 5;
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expectValidTxns(out, 'rw-register', 'writes');
  }, 240_000);
});
