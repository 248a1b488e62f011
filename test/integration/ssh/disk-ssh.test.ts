/**
 * Disk faults over SSH, against the test bed (namespace hosts with a real sshd each, every command
 * over ssh2): the lose-un-fsynced layer and the file faults' helper are compiled on the host and run
 * there. Data fsynced on the host survives the layer's crash and data not fsynced is gone; a rollback
 * there restores the copy kept in the host's private directory (links and a FIFO neither copied nor
 * kept); truncate and bit-flip through a planted symlink are refused and the link's target is untouched (issue 19's
 * rule on the host); an etcd run with `--nemesis disk` (lose-unfsynced, truncate, bit-flip) damages
 * files on the hosts, stays linearizable, and leaves the hosts as they were; the bundled Raft's
 * `--bug no-fsync` on the hosts is caught by lose-unfsynced and the correct Raft stays valid. Rates
 * over seeds: `npm run bench:disk -- --env ssh` (docs/faults.md).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { HostDisks } from '../../../harness/middle/faults/disk/host-disks.js';
import { provisionSsh, type SshEnvironment } from '../../../harness/middle/hosts/ssh/environment.js';
import type { Remote } from '../../../harness/middle/hosts/remote.js';
import type { TestBed } from '../../../harness/middle/hosts/ssh/test-bed.js';
import type { DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { RAFT_CUSTOM_DISK_FILES, RAFT_MAIN } from '../../../targets/raft/index.js';
import { describeRun, runCustom } from '../custom/helpers.js';
import { expectThreeDiskFaultsLanded } from '../disk/helpers.js';
import { bedRequest, describeOnTestBed, sshMissing } from './helpers.js';

const fuse = fs.existsSync('/usr/include/fuse3/fuse.h') && fs.existsSync('/dev/fuse') ? undefined : 'needs /dev/fuse, fuse3 and libfuse3-dev (sudo npx faultline setup --target raft)';
const skip = sshMissing() ?? fuse;
const pick = (n: number): number => Math.floor(n / 2);

/** One host of the bed provisioned as n1, and a HostDisks over its `data` with the layer, logging into `logs`. */
async function oneHost(bed: TestBed): Promise<{ env: SshEnvironment; h: Remote; data: string; logs: string[]; layered: HostDisks }> {
  const env = await provisionSsh({ nodes: ['n1'], flags: new Map([...bed.flags(), ['hosts', bed.addresses[0]]]) });
  const h = env.host('n1');
  const data = `${h.runDir}/data`;
  const logs: string[] = [];
  const layered = new HostDisks({ host: () => h, dirOf: () => data, layer: true, logFiles: ['wal'], dataFiles: ['wal'], log: (m) => logs.push(m) });
  return { env, h, data, logs, layered };
}

describeOnTestBed('disk faults over ssh', skip, (testBed) => {
  it('the layer on the host keeps what was fsynced and drops what was not; file faults never follow a planted link', async () => {
    const bed = testBed();
    const { env, h, data, logs, layered } = await oneHost(bed);
    expect(layered.faults).toEqual(['lose-unfsynced', 'truncate', 'bit-flip', 'rollback']);
    try {
      await layered.setup(['n1']);
      expect(logs.join('\n')).toMatch(/lose-unfsynced layer \(pid \d+ on n1's host\) mounted over /);
      // The mount is the host's (its own mount namespace), seen there.
      expect(await h.execOk(['cat', '/proc/self/mounts'])).toContain(`${data} fuse.lazy`);
      await h.execOk(['sh', '-c', 'printf kept-%0500d 1 | dd of="$1/synced" conv=fsync 2>/dev/null && printf lost > "$1/unsynced" && printf %01000d 7 > "$1/wal" && sync "$1/wal"', 'sh', data]);
      const dropped = await layered.apply('n1', 'lose-unfsynced', pick);
      expect(dropped.map((t) => t.file)).toEqual(['unsynced']);
      expect(await h.execOk(['cat', `${data}/synced`])).toMatch(/^kept-0+1$/);
      expect(await h.execOk(['stat', '-c', '%s', `${data}/unsynced`])).toBe('0\n');
      // The file faults through the mount: the cut and the flips are on the host, fsynced.
      const cut = await layered.apply('n1', 'truncate', pick);
      expect(cut).toEqual([{ file: 'wal', offset: 1000 - cut[0].bytes, bytes: cut[0].bytes }]);
      expect(Number(await h.execOk(['stat', '-c', '%s', `${data}/wal`]))).toBe(1000 - cut[0].bytes);
      const flip = await layered.apply('n1', 'bit-flip', pick);
      expect(flip[0].file).toBe('wal');
      expect(await h.execOk(['cat', `${data}/wal`])).not.toMatch(/^0+7$/);
      // Rollback on the host: copies in the host's private directory, the directory back to the copy of the previous fault.
      const walThen = await h.execOk(['sha256sum', `${data}/wal`]);
      await layered.remember('n1');
      expect(await layered.apply('n1', 'rollback', pick)).toEqual([]); // no earlier copy yet: nothing restored
      await h.execOk(['sh', '-c', 'printf more >> "$1/wal" && mkdir -p "$1/sub" && printf later > "$1/sub/new"', 'sh', data]);
      await layered.remember('n1');
      const back = await layered.apply('n1', 'rollback', pick);
      expect(back.map((t) => t.file).sort()).toEqual(['sub/new', 'wal']);
      expect(back.every((t) => typeof t.copyAgeMs === 'number' && t.copyAgeMs >= 0)).toBe(true);
      expect(await h.execOk(['sha256sum', `${data}/wal`])).toBe(walThen);
      expect((await h.execOk(['ls', '-A', data])).split('\n').filter(Boolean).sort()).toEqual(['synced', 'unsynced', 'wal']);
      const priv = (await h.execOk(['sh', '-c', 'ls -d "$1"/.faultline.*/copy-n1-*', 'sh', h.runDir!])).split('\n').filter(Boolean);
      expect(priv).toHaveLength(2); // the copy a rollback can still reach, and the latest; older ones are gone
      expect(await h.execOk(['stat', '-c', '%a %U', priv[0]])).toBe('700 root\n');
    } finally {
      await layered.teardown();
    }
    expect(await h.execOk(['cat', '/proc/self/mounts'])).not.toContain(data);
    expect(await h.execOk(['sh', '-c', 'ls -d "$1"/.faultline.*/copy-* 2>/dev/null; true', 'sh', h.runDir!])).toBe(''); // teardown removed the copies

    // A link planted in the node's directory, to a file the node must not reach: refused, untouched.
    await h.execOk(['sh', '-c', 'printf secret-%0100d 0 > "$1/secret" && rm -f "$1/data/wal" && ln -s ../secret "$1/data/wal" && mkdir -p "$1/elsewhere" && printf x%0100d 0 > "$1/elsewhere/db" && ln -s ../elsewhere "$1/data/snap"', 'sh', h.runDir!]);
    const plain = new HostDisks({ host: () => h, dirOf: () => data, layer: false, logFiles: ['wal'], dataFiles: ['snap/db'], log: () => undefined });
    await expect(plain.apply('n1', 'truncate', pick)).rejects.toThrow(/disk-ops probe wal on n1 failed: .*Too many levels of symbolic links/);
    await expect(plain.apply('n1', 'bit-flip', pick)).rejects.toThrow(/disk-ops probe snap\/db on n1 failed: .*symbolic links/);
    expect(await h.execOk(['cat', `${h.runDir}/secret`])).toMatch(/^secret-0{100}$/);
    expect(await h.execOk(['cat', `${h.runDir}/elsewhere/db`])).toMatch(/^x0{100}$/);
    // A FIFO planted at the log's name is refused at once, not opened (which would block the helper).
    await h.execOk(['mkfifo', `${data}/fifo`]);
    const fifo = new HostDisks({ host: () => h, dirOf: () => data, layer: false, logFiles: ['fifo'], dataFiles: ['fifo'], log: () => undefined });
    const t0 = Date.now();
    await expect(fifo.apply('n1', 'truncate', pick)).rejects.toThrow(/disk-ops probe fifo on n1 failed: .*fifo is not a regular file with one link: refused/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // Rollback's copy and restore on the host neither follow nor copy the links or the FIFO (and do not hang on it);
    // restoring a copy taken before them removes them by name, their targets untouched.
    const notes: string[] = [];
    const rb = new HostDisks({ host: () => h, dirOf: () => data, layer: false, logFiles: ['wal'], dataFiles: ['wal'], log: (m) => notes.push(m) });
    await h.execOk(['sh', '-c', 'mkdir -p "$1/keep" && printf kept > "$1/keep/file" && mv "$1/fifo" "$1/keep/fifo"', 'sh', data]);
    await rb.remember('n1');
    expect(notes.join('\n')).toMatch(/n1's copy skipped what is not a plain file: /);
    for (const k of ['keep/fifo (fifo)', 'snap (symlink)', 'wal (symlink)']) expect(notes.join('\n')).toContain(k);
    await h.execOk(['sh', '-c', 'rm "$1/keep/file" && ln -s ../../secret "$1/keep/file"', 'sh', data]);
    await rb.remember('n1');
    const restored = await rb.apply('n1', 'rollback', pick);
    expect(restored.map((t) => t.file)).toEqual(['keep/file']);
    expect(await h.execOk(['cat', `${data}/keep/file`])).toBe('kept');
    expect(await h.execOk(['cat', `${h.runDir}/secret`])).toMatch(/^secret-0{100}$/);
    expect(await h.execOk(['cat', `${h.runDir}/elsewhere/db`])).toMatch(/^x0{100}$/);
    await rb.teardown();
    await env.teardown();
    expect(bed.leftovers()).toEqual([]);
  }, 120_000);

  it('a layer killed on its host before it unmounted: the environment\'s teardown removes its dead mount and the directory', async () => {
    const bed = testBed();
    const { env, h, data, logs, layered } = await oneHost(bed);
    await layered.setup(['n1']);
    const pid = /pid (\d+) on n1's host/.exec(logs.join('\n'))![1];
    await h.execOk(['kill', '-KILL', pid]);
    // The host's mount namespace is its sshd's: the dead mount is there until the teardown.
    const mounts = (): string => fs.readFileSync(`/proc/${bed.sshdPid('n1')}/mounts`, 'utf8');
    for (let i = 0; i < 50 && (await h.exec(['kill', '-0', pid])).code === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(mounts()).toContain(`${data} fuse.lazy`);
    await env.teardown();
    expect(mounts()).not.toContain(data);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('the helpers are built where the node cannot plant: links at the old source, binary and event-log names are never followed', async () => {
    const bed = testBed();
    const { env, h, layered: disks } = await oneHost(bed);
    // Victims the node must not reach: 0600 files in a 0700 directory outside its run directory.
    const vault = fs.mkdtempSync(`${bed.dir}/vault-`);
    const victims = ['src', 'bin', 'log'].map((v) => `${vault}/${v}`);
    for (const v of victims) fs.writeFileSync(v, `secret ${v}\n`, { mode: 0o600 });
    // What the node planted in its own directory, at the names the helpers were once built and logged under.
    await h.execOk(['sh', '-c', 'mkdir -p "$1/data" && printf %01000d 7 > "$1/data/wal" && ln -s "$2" "$1/disk-ops.c" && ln -s "$2" "$1/lazy-fs.c" && ln -s "$3" "$1/disk-ops" && ln -s "$4" "$1/lazy-fs.log"', 'sh', h.runDir!, ...victims]);
    try {
      await disks.setup(['n1']);
      const cut = await disks.apply('n1', 'truncate', pick);
      expect(cut[0]?.file).toBe('wal');
    } finally {
      await disks.teardown();
    }
    for (const v of victims) expect(fs.readFileSync(v, 'utf8'), v).toBe(`secret ${v}\n`);
    await env.teardown();
    fs.rmSync(vault, { recursive: true, force: true });
    expect(bed.leftovers()).toEqual([]);
  }, 120_000);

  it('an --ssh-dir another user owns is refused before anything is built or run there (they could swap the helpers root runs)', async () => {
    const bed = testBed();
    // Another local user made the directory first (in /var/tmp, where anyone may): it is theirs.
    const theirs = `/var/tmp/fl-theirs-${process.pid}`;
    execFileSync('runuser', ['-u', 'nobody', '--', 'mkdir', '-m', '755', theirs]);
    try {
      const flags = new Map([...bed.flags(), ['hosts', bed.addresses[0]], ['ssh-dir', `${theirs}/runs`]]);
      await expect(provisionSsh({ nodes: ['n1'], flags })).rejects.toThrow(new RegExp(`${theirs} is owned by uid 65534.*--ssh-dir`));
      expect(fs.readdirSync(theirs)).toEqual([]);
    } finally {
      fs.rmSync(theirs, { recursive: true, force: true });
    }
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('etcd under lose-unfsynced, truncate and bit-flip on the hosts: faults applied there, linearizable, nothing left', async () => {
    const bed = testBed();
    const req = bedRequest(bed, 'ssh-disk', { faults: ['disk'], diskFaults: ['lose-unfsynced', 'truncate', 'bit-flip'], timeLimitS: 20, faultIntervalS: 2.5, seed: 1 }, { reads: 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expectThreeDiskFaultsLanded(out, 'etcd over ssh');
    const log = fs.readFileSync(`${out.dir}/harness.log`, 'utf8');
    expect(log.match(/lose-unfsynced layer \(pid \d+ on n\d's host\) mounted over /g)).toHaveLength(3);
    expect(bed.leftovers()).toEqual([]);
  }, 180_000);

  /** The Raft on the hosts as a custom target (node and main.js by path, as the hosts share them), its files named for the disk faults. */
  const raftRun = (label: string, bug: string): ReturnType<typeof runCustom> => {
    const bed = testBed();
    return runCustom(label, [...bed.args(), '--workload', 'register', '--client', 'http-kv', '--health', 'test -s {data}/{node}/meta.json',
      '--start', `${process.execPath} ${RAFT_MAIN} --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}${bug}`,
      '--raft-status', '/status', '--disk-files', RAFT_CUSTOM_DISK_FILES,
      '--nemesis', 'disk', '--disk-faults', 'lose-unfsynced', '--time-limit', '20s', '--quiet', '1s', '--seed', '1'], 120_000, () => bed.leftovers());
  };

  it('the Raft\'s --bug no-fsync on the hosts is caught by lose-unfsynced; the layer there dropped what it acknowledged', async () => {
    const r = await raftRun('ssh-nofsync', ' --bug no-fsync');
    expect(r.results, describeRun(r)).toBeDefined();
    const disk = r.results!.disk as Record<string, DiskFaultOutcome>;
    console.log(`Raft no-fsync over ssh, seed 1: valid ${r.results!.valid}; ${JSON.stringify(disk['lose-unfsynced'])}`);
    expect(disk['lose-unfsynced'].applied).toBe(3);
    expect(disk['lose-unfsynced'].filesTouched).toBeGreaterThan(0);
    expect(r.results!.valid, describeRun(r)).toBe(false);
    expect(['commit-safety', 'vote-safety', 'linearizable'].some((c) => r.results!.checkers[c]?.valid === false)).toBe(true);
    expect(r.left).toEqual([]);
  }, 150_000);

  it('the correct Raft on the hosts stays valid under the same faults', async () => {
    const r = await raftRun('ssh-correct', '');
    expect(r.results, describeRun(r)).toBeDefined();
    expect((r.results!.disk as Record<string, DiskFaultOutcome>)['lose-unfsynced'].applied).toBe(3);
    expect(r.results!.valid, describeRun(r)).toBe(true);
    expect(r.left).toEqual([]);
  }, 150_000);
});
