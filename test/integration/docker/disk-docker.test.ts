/**
 * Disk faults in containers (`--env docker`, a real dockerd): the lose-un-fsynced layer is mounted on
 * this machine over each node's bind-mounted data directory before its container is made, so the
 * container's writes go through it (a recursive bind carries the mount in) and a crash after
 * `docker kill` drops what the server never fsynced. The bundled Raft's `--bug no-fsync` in containers
 * is caught by lose-unfsynced and the correct Raft stays valid under the same faults; etcd in
 * containers takes truncate and bit-flip (acting on the bind-mounted files) and lose-unfsynced and
 * stays linearizable. Nothing is left: container, mount, layer process. Rates over seeds:
 * `npm run bench:disk -- --env docker` (docs/faults.md).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachDaemon } from '../../../harness/middle/hosts/docker/client.js';
import { ensureImage } from '../../../harness/middle/hosts/docker/images.js';
import { lazyFsUnavailable } from '../../../harness/middle/faults/disk/lazy-fs-build.js';
import type { DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { raftImageRecipe } from '../../../targets/raft/image.js';
import { RAFT_CUSTOM_DISK_FILES } from '../../../targets/raft/index.js';
import { CLI, describeRun, RAFT_START, runCustom } from '../custom/helpers.js';
import { expectThreeDiskFaultsLanded, mountsUnder } from '../disk/helpers.js';
import { removeTempDirs } from '../provision/helpers.js';
import { storeRequests } from '../provision/store-runs.js';
import { dockerLeftovers, dockerMissing, dockerRunIdOf, ensureTargetImage, pidsOf } from './helpers.js';

const skip = (await dockerMissing()) ?? lazyFsUnavailable() ?? (fs.existsSync(CLI) ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
afterAll(removeTempDirs);

const dockerLeft = (_store: string, dir: string | undefined): string[] => {
  const id = dir && fs.existsSync(nodePath.join(dir, 'harness.log')) ? dockerRunIdOf(dir) : undefined;
  return id ? [...dockerLeftovers(id, pidsOf(dir!)), ...mountsUnder(dir!).map((m) => `mount ${m}`)] : [];
};
const RAFT_FILES = ['--disk-files', RAFT_CUSTOM_DISK_FILES];

describe.skipIf(skip !== undefined)(`disk faults in containers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let image = '';
  beforeAll(async () => {
    const { docker } = await reachDaemon();
    const recipe = raftImageRecipe();
    await ensureImage(docker, recipe);
    image = recipe.tag;
    await ensureTargetImage('etcd');
  }, 900_000);

  const raftRun = (label: string, bug: string): ReturnType<typeof runCustom> => runCustom(label, ['--env', 'docker', '--image', image, '--nodes', '5', '--workload', 'register', '--client', 'http-kv',
    '--start', RAFT_START(bug), '--raft-status', '/status', ...RAFT_FILES, '--nemesis', 'disk', '--disk-faults', 'lose-unfsynced',
    '--time-limit', '20s', '--quiet', '1s', '--seed', '1'], 120_000, dockerLeft);

  it('the Raft\'s --bug no-fsync in containers is caught by lose-unfsynced: the layer under the bind mount dropped what it acknowledged', async () => {
    const r = await raftRun('docker-nofsync', '--bug no-fsync');
    expect(r.results, describeRun(r)).toBeDefined();
    const disk = r.results!.disk as Record<string, DiskFaultOutcome>;
    console.log(`Raft no-fsync in containers, seed 1: valid ${r.results!.valid}, invalid by ${Object.entries(r.results!.checkers as Record<string, { valid: unknown }>).filter(([, c]) => c.valid === false).map(([n]) => n).join(', ')}; ${JSON.stringify(disk['lose-unfsynced'])}`);
    expect(disk['lose-unfsynced'].applied).toBe(5);
    // The servers' writes reached the layer from inside their containers: it had unsynced pages to drop.
    expect(disk['lose-unfsynced'].filesTouched).toBeGreaterThan(0);
    expect(r.results!.valid, describeRun(r)).toBe(false);
    const bad = ['commit-safety', 'vote-safety', 'linearizable'].filter((c) => r.results!.checkers[c]?.valid === false);
    expect(bad.length).toBeGreaterThan(0);
    expect(fs.readFileSync(`${r.dir}/harness.log`, 'utf8').match(/lose-unfsynced layer \(pid \d+\) mounted over /g)).toHaveLength(5);
    expect(r.left).toEqual([]);
  }, 150_000);

  it('the correct Raft in containers stays valid under the same faults', async () => {
    const r = await raftRun('docker-correct', '');
    expect(r.results, describeRun(r)).toBeDefined();
    const disk = r.results!.disk as Record<string, DiskFaultOutcome>;
    expect(disk['lose-unfsynced'].applied).toBe(5);
    expect(r.results!.valid, describeRun(r)).toBe(true);
    expect(r.left).toEqual([]);
  }, 150_000);

  it('etcd in containers under lose-unfsynced, truncate and bit-flip: faults applied to its files, linearizable, nothing left', async () => {
    const req = storeRequests({}, { env: 'docker' })('docker-etcd-disk', { faults: ['disk'], diskFaults: ['lose-unfsynced', 'truncate', 'bit-flip'], timeLimitS: 20, faultIntervalS: 2.5, seed: 1 }, { reads: 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expectThreeDiskFaultsLanded(out, 'etcd in containers');
    expect(dockerLeft('', out.dir)).toEqual([]);
  }, 150_000);
});
