/**
 * Disk faults on real etcd 3.4 clusters in network namespaces (`--nemesis disk`): with the
 * lose-un-fsynced FUSE layer under every member's data directory and no fault, a run passes as it
 * does without it; after bit-flips in the WAL or the bbolt file, and rollbacks of one member's
 * directory to its copy of an earlier fault, every restart is either refused with etcd's own words
 * (`walpb: crc mismatch`, `tocommit(…) is out of range`) or serves data the checker accepts; after the layer drops
 * what was not fsynced on every member at once, etcd (which fdatasyncs its WAL before acknowledging)
 * loses no acknowledged write. The rates over many seeds are bench:disk's (docs/faults.md).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { lazyFsUnavailable } from '../../../harness/middle/faults/disk/lazy-fs-build.js';
import { diskOutcomeLines, type DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';
import { mountsUnder } from '../disk/helpers.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';

const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare']) ?? lazyFsUnavailable();
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`etcd disk faults in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('with the layer mounted under every member and no fault, the run passes unchanged', async () => {
    // The plan asks for disk (so the cluster mounts the layer); the run itself injects nothing.
    const req = storeRequest('etcd-layer', { faults: ['disk'], diskFaults: ['lose-unfsynced'], timeLimitS: 10, seed: 1 }, { reads: 'linearizable', keys: '5' });
    const out = await runTest({ ...req.config, faults: [] }, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.valid).toBe(true);
    const log = fs.readFileSync(`${out.dir}/harness.log`, 'utf8');
    expect(log.match(/lose-unfsynced layer \(pid \d+\) mounted over /g)).toHaveLength(3);
    // The clients did real work through the layer.
    const oks = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8').split('\n').filter((l) => l.includes('"type":"ok"') && !l.includes('"process":"nemesis"')).length;
    expect(oks).toBeGreaterThan(10);
    expect(mountsUnder(out.dir)).toEqual([]);
    expectNothingLeft(out.dir);
  }, 180_000);

  it('bit-flips and rollbacks, one member at a time: each restart is refused with etcd\'s own words or serves data the checker accepts', async () => {
    // One member at a time, so a rollback is a single disk going back (the copy taken at that member's
    // previous disk fault, kept on disk), never a majority losing what it acknowledged.
    const req = storeRequest('etcd-bitflip', { faults: ['disk'], diskFaults: ['bit-flip', 'rollback'], nodeTargets: ['one'], timeLimitS: 18, faultIntervalS: 2, seed: 1 }, { reads: 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    const disk = out.results.disk as Record<string, DiskFaultOutcome>;
    console.log(`etcd bit-flip,rollback seed 1:\n  ${diskOutcomeLines(disk).join('\n  ')}`);
    expect(disk['bit-flip'].applied).toBeGreaterThan(0);
    expect(disk['bit-flip'].filesTouched).toBeGreaterThan(0);
    // A rollback reached a member (it had a copy from its previous fault) and rewrote its files.
    expect(disk.rollback.applied).toBeGreaterThan(0);
    expect(disk.rollback.filesTouched).toBeGreaterThan(0);
    // Seed 1 has members refuse after a flip (measured: a WAL record's CRC fails, a smaller revision put).
    expect(disk['bit-flip'].refused.length).toBeGreaterThan(0);
    const refused = Object.values(disk).flatMap((d) => d.refused);
    for (const r of refused) expect(r.error).toMatch(/^etcd n\d exited at start \(code \d\): (fatal|panic)/);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    expectNothingLeft(out.dir); // the copies too
  }, 180_000);

  it('lose-unfsynced on every member at once: etcd fsyncs before it acknowledges, so nothing acknowledged is lost', async () => {
    const req = storeRequest('etcd-unsynced', { faults: ['disk'], diskFaults: ['lose-unfsynced'], timeLimitS: 15, faultIntervalS: 4, seed: 2 }, { reads: 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    const disk = out.results.disk as Record<string, DiskFaultOutcome>;
    expect(disk['lose-unfsynced'].applied).toBeGreaterThanOrEqual(3);
    // The layer really dropped writes (the WAL's unsynced tail, the next segment being prepared).
    expect(disk['lose-unfsynced'].filesTouched).toBeGreaterThan(0);
    expect(disk['lose-unfsynced'].outcome).toBe('started-valid');
    expect(out.results.valid).toBe(true);
    expect(mountsUnder(out.dir)).toEqual([]);
    expectNothingLeft(out.dir);
  }, 180_000);
});
