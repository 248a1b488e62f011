/**
 * The watch workload on real ZooKeeper ensembles in network namespaces under partitions, kills and
 * pauses, one seed: data and child watches re-armed after each firing must keep ZooKeeper's promises
 * (event before data, once per registration, replies in order) and converge after the heal. The runs
 * must have judged firings (trigger known) and checked convergence; the counts are printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';
import { expectEventRecords } from '../provision/watch-events.js';

const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`ZooKeeper watch in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // One seed in the suite (its time budget); bench:watch measures 5 seeds per store.
  for (const seed of [1]) {
    it(`seed ${seed}: watches under partition, kill and pause keep ZooKeeper's promises`, async () => {
      const req = storeRequest(`zk-watch-${seed}`, { faults: ['partition', 'kill', 'pause'], timeLimitS: 20, seed, faultIntervalS: 4, rate: 50 }, {}, 'watch');
      const out = await runTest(req.config, (run) => zookeeperParts(req, run).plan);
      expect(out.results.error).toBeUndefined();
      const w = out.results.checkers.watch as Record<string, unknown>;
      const zk = w.zookeeper as { fires: number; judged: number; unchecked: number; expiries: number; lostToExpiry: number };
      console.log(`zookeeper watch seed ${seed}: ${String(w.valid)}, ${String(w.eventsChecked)} events checked (${zk.judged} firings judged, ${zk.unchecked} with an indeterminate trigger), ${zk.expiries} session expiries, lag ${JSON.stringify(w.lagMs)}, counts ${JSON.stringify(w.counts)}, convergence ${JSON.stringify(w.convergence)}`);
      const recs = expectEventRecords(out.dir, w, 'zxid');
      console.log(`zookeeper watch seed ${seed}: ${recs.records} event records ${JSON.stringify(recs.kinds)}, ${String(w.strayEvents)} after the last window`);
      expect(recs.kinds.fire ?? 0).toBe(zk.fires);
      expect(zk.judged).toBeGreaterThan(10);
      expect(w.valid, JSON.stringify(w.violations)).toBe(true);
      expect((w.convergence as { checked: string[] }).checked.length).toBeGreaterThan(0);
      expectNothingLeft(out.dir);
    }, 240_000);
  }
});
