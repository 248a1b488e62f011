/**
 * The watch workload on real Consul clusters in network namespaces under partitions, kills and pauses,
 * one seed: blocking queries on a key and on the prefix must return only written values, in write
 * order per key, and converge after the heal (a lower X-Consul-Index is counted, not a violation). The
 * runs must have checked values and convergence; the counts are printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { consulParts } from '../../../targets/consul/index.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';
import { expectEventRecords } from '../provision/watch-events.js';

const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`Consul watch in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // One seed in the suite (its time budget); bench:watch measures 5 seeds per store.
  for (const seed of [2]) {
    it(`seed ${seed}: blocking queries under partition, kill and pause keep Consul's promises`, async () => {
      const req = storeRequest(`consul-watch-${seed}`, { faults: ['partition', 'kill', 'pause'], timeLimitS: 20, seed, faultIntervalS: 4, rate: 50 }, {}, 'watch');
      const out = await runTest(req.config, (run) => consulParts(req, run).plan);
      expect(out.results.error).toBeUndefined();
      const w = out.results.checkers.watch as Record<string, unknown>;
      const c = w.consul as { returns: number; spurious: number; indexResets: number };
      console.log(`consul watch seed ${seed}: ${String(w.valid)}, ${String(w.eventsChecked)} values checked in ${c.returns} returns (${c.spurious} spurious, ${c.indexResets} index resets), lag ${JSON.stringify(w.lagMs)}, counts ${JSON.stringify(w.counts)}, convergence ${JSON.stringify(w.convergence)}`);
      const recs = expectEventRecords(out.dir, w, 'index');
      console.log(`consul watch seed ${seed}: ${recs.records} event records ${JSON.stringify(recs.kinds)}, ${String(w.strayEvents)} after the last window`);
      expect(recs.kinds.return).toBe(c.returns + (w.strayEvents as number));
      expect(w.eventsChecked as number).toBeGreaterThan(50);
      expect(w.valid, JSON.stringify(w.violations)).toBe(true);
      expect((w.convergence as { checked: string[] }).checked.length).toBeGreaterThan(0);
      expectNothingLeft(out.dir);
    }, 240_000);
  }
});
