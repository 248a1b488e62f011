/**
 * The watch workload on real etcd 3.4 clusters in network namespaces under partitions, kills and
 * pauses, one seed: the watch checker must find every watcher's stream valid, or every violation
 * matched to a cited upstream issue of etcd 3.4 (a violation with no match fails: it is news). The
 * runs must have checked events, resumed watches, and converged after the heal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';
import { expectEventRecords } from '../provision/watch-events.js';

const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`etcd watch in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // One seed in the suite (its time budget); bench:watch measures 5 seeds per store.
  for (const seed of [2]) {
    it(`seed ${seed}: watches under partition, kill and pause are valid or match a known etcd issue`, async () => {
      // 22 s: two compactions (every 10 s) fall inside the run.
      const req = storeRequest(`etcd-watch-${seed}`, { faults: ['partition', 'kill', 'pause'], timeLimitS: 22, seed, faultIntervalS: 4, rate: 50 }, {}, 'watch');
      const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
      expect(out.results.error).toBeUndefined();
      const w = out.results.checkers.watch as Record<string, unknown>;
      console.log(`etcd watch seed ${seed}: ${String(w.valid)}, ${String(w.eventsChecked)} events, ${String(w.bookmarksChecked)} bookmarks, ${String(w.segments)} segments, ${String(w.compactions)} compactions, lag ${JSON.stringify(w.lagMs)}, counts ${JSON.stringify(w.counts)}`);
      const recs = expectEventRecords(out.dir, w, 'rev');
      console.log(`etcd watch seed ${seed}: ${recs.records} event records ${JSON.stringify(recs.kinds)}, ${String(w.strayEvents)} after the last window`);
      expect(recs.kinds.put ?? 0).toBeGreaterThan(0);
      expect(recs.kinds.progress ?? 0).toBeGreaterThan(0);
      expect(w.eventsChecked as number).toBeGreaterThan(100);
      expect(w.unmatched).toBe(0);
      if (w.valid === false) expect((w.violations as { upstream?: string }[]).every((v) => v.upstream !== undefined)).toBe(true);
      else expect(w.valid).toBe(true);
      expect((w.convergence as { checked: string[] }).checked.length).toBeGreaterThan(0);
      expect((w.watchers as { resumes: number }[]).every((x) => x.resumes > 0)).toBe(true);
      expectNothingLeft(out.dir);
    }, 240_000);
  }
});
