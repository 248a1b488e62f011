/**
 * `--node-targets holders` and the `holders` partition shape on real etcd, ZooKeeper and Consul
 * clusters, one short lock run each: every fault's record says it hit the node of a client that held
 * the lock as it started, or that nobody held (`noHolder`), and at least one hit a holder. Whether
 * mutual exclusion is then lost is measured over many seeds by `npm run bench:selection`, not here.
 * A workload without holders is refused by the CLI with exit 254, before any cluster starts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { effectIn } from '../../../harness/middle/faults/nemesis/effect.js';
import type { RunDir, RunPlan, RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';
import { consulParts } from '../../../targets/consul/index.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';
import { timeLimitEnd } from './cli-helpers.js';

afterAll(removeTempDirs);

const ROWS: { store: string; bins: string[]; parts: (req: RunRequest, run: RunDir) => { plan: RunPlan }; faults: string[]; start: string; stop: string }[] = [
  { store: 'etcd', bins: ['etcd'], parts: etcdParts, faults: ['pause'], start: 'pause', stop: 'resume' },
  { store: 'zookeeper', bins: ['java'], parts: zookeeperParts, faults: ['pause'], start: 'pause', stop: 'resume' },
  { store: 'consul', bins: ['consul'], parts: consulParts, faults: ['partition'], start: 'start-partition', stop: 'stop-partition' },
];

describe.each(ROWS)('faults aimed at the lock holder on $store', ({ store, bins, parts, faults, start, stop }) => {
  const skip = missing([...bins, 'iptables', 'iptables-restore', 'unshare']);
  it.skipIf(skip !== undefined)(`${faults[0]} aimed at the holder hits the node of a holding client${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const req = storeRequest(`${store}-holders`, {
      faults, timeLimitS: 16, faultIntervalS: 2, seed: 1, nodeTargets: ['holders'], partitionShapes: ['holders'],
    }, {}, 'lock');
    const out = await runTest(req.config, (run) => parts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; value: unknown; time: number });
    const starts = hist.filter((o) => o.process === 'nemesis' && o.type !== 'invoke' && o.f === start);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    let onHolder = 0;
    for (const o of starts) {
      const e = effectIn(o.value);
      expect(e, JSON.stringify(o.value)).toBeDefined();
      // Each fault either hit only holders' nodes, or found none holding and says so.
      if (e!.noHolder) continue;
      expect(e!.nodes.length).toBeGreaterThan(0);
      for (const h of e!.nodes.filter((n) => start !== 'start-partition' || n.holder)) expect(h.holder, JSON.stringify(e)).toBe(true);
      if (e!.nodes.some((h) => h.holder)) onHolder++;
    }
    expect(onHolder).toBeGreaterThanOrEqual(1);
    // Each fault is held for the interval from when it was in force: the stop comes at least 2 s after
    // the start op completed (its health probe and its wait for a holder did not shorten it), and the
    // record's inForceAfterMs falls within the start op.
    // The run's final heal comes after the time limit, however soon after the last start: it is not
    // part of the rhythm. The limit counts from the clients' start, which harness.log states.
    const cutoff = timeLimitEnd(out.dir, 16);
    expect(cutoff).toBeDefined();
    const nem = hist.filter((o) => o.process === 'nemesis');
    let held = 0;
    nem.forEach((o, i) => {
      if (o.type === 'invoke' || o.f !== start) return;
      const invoked = nem.slice(0, i).reverse().find((x) => x.type === 'invoke' && x.f === start)!;
      const inForce = effectIn(o.value)?.inForceAfterMs;
      expect(inForce).toBeGreaterThanOrEqual(0);
      expect(inForce! * 1e6).toBeLessThanOrEqual(o.time - invoked.time + 1e6);
      const next = nem.slice(i + 1).find((x) => x.type === 'invoke' && x.f === stop);
      if (next && next.time < cutoff!) {
        expect(next.time - o.time).toBeGreaterThanOrEqual(2e9 - 1e6);
        held++;
      }
    });
    expect(held).toBeGreaterThanOrEqual(1);
    const summary = (out.results.faults as Record<string, { holderHits?: number }>)[faults[0]];
    expect(summary.holderHits).toBe(onHolder);
    expectNothingLeft(out.dir);
  }, 180_000);
});

describe('holders with a workload that has none', () => {
  it('is refused with exit 254 and one sentence, and leaves no run behind', () => {
    const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-holders-refused-'));
    try {
      const cli = nodePath.resolve('dist/harness/top/cli/main.js');
      for (const extra of [['--nemesis', 'pause', '--node-targets', 'holders'], ['--nemesis', 'partition', '--partition-shapes', 'holders']]) {
        const r = spawnSync(process.execPath, [cli, 'run', '--target', 'etcd', '--workload', 'register', '--time-limit', '5', '--store', store, ...extra], { encoding: 'utf8' });
        expect(r.status).toBe(254);
        expect(r.stderr).toMatch(/holders: this workload has no lock holders or leaders/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(fs.readdirSync(store).filter((f) => f !== 'index.html')).toEqual([]);
      }
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  }, 60_000);
});
