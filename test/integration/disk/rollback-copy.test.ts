/**
 * Rollback's on-disk copy on this machine (node-disks.ts over disk-ops' `snapshot` and `restore`, the
 * same helper ssh hosts run): the copy is in a fresh private directory of the controller, a restore
 * brings back the exact bytes (a preallocated segment's too), owner and mode, and removes what was made
 * after the copy; links and a FIFO planted by another user (nobody) in the node's directory are never
 * followed or copied, do not hang the walk, and their targets stay as they were. The copies go at
 * teardown, and `faultline cleanup`'s sweep removes those of a controller that is gone.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeDisks } from '../../../harness/middle/faults/disk/node-disks.js';
import { diskOpsUnavailable } from '../../../harness/middle/faults/disk/disk-ops-build.js';
import { removeOrphanCopies } from '../../../harness/middle/hosts/private-copies.js';
import { asNobody, bed, removeBeds, securitySkip, victimUntouched } from '../security/helpers.js';

const skip = securitySkip() ?? diskOpsUnavailable();
afterAll(removeBeds);

/** A node directory others may write (as a store running as another user has), and disks over it that log into `logs`. */
function nodeBed(label: string): { root: string; victim: string; data: string; disks: NodeDisks; logs: string[] } {
  const { root, victim } = bed(label);
  const data = nodePath.join(root, 'data');
  fs.mkdirSync(data, { mode: 0o777 });
  fs.chmodSync(data, 0o777);
  const logs: string[] = [];
  const disks = new NodeDisks({ dirOf: () => data, layer: false, logFiles: ['log'], dataFiles: ['log'], log: (m) => logs.push(m) });
  return { root, victim, data, disks, logs };
}

/** The regular files below `dir` with a hash of their bytes (lstat: a link is listed as a link, never read). */
function tree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(nodePath.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(dir, p));
    else if (e.isFile()) out[p] = sha(fs.readFileSync(nodePath.join(dir, p)));
    else out[p] = e.isSymbolicLink() ? 'link' : 'special';
  }
  return out;
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex').slice(0, 16);

/** The copy directories of this controller in the temp dir. */
const ourCopies = (): string[] => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`faultline-copies-${process.pid}.`));

describe.skipIf(skip !== undefined)(`rollback's on-disk copy${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('restores the exact bytes, owner and mode, removes what came later, and goes back to the copy of the previous fault', async () => {
    const { data, disks } = nodeBed('rb-exact');
    await disks.setup(['n1']);
    const fault = async (): Promise<{ file: string; bytes: number; copyAgeMs?: number }[]> => { await disks.remember('n1'); return disks.apply('n1', 'rollback', () => 0); };
    fs.mkdirSync(nodePath.join(data, 'member', 'wal'), { recursive: true });
    // A preallocated segment: data, then 8 MB of zeros.
    const seg = Buffer.concat([Buffer.from('record-1\n'), Buffer.alloc(8 << 20)]);
    fs.writeFileSync(nodePath.join(data, 'member', 'wal', '0.wal'), seg);
    fs.writeFileSync(nodePath.join(data, 'member', 'db'), 'db v1', { mode: 0o640 });
    execFileSync('chown', ['nobody', nodePath.join(data, 'member', 'db')]);
    const before = tree(data);
    expect(await fault()).toEqual([]); // the first fault only takes the copy
    const [copies] = ourCopies();
    const st = fs.statSync(nodePath.join(os.tmpdir(), copies));
    expect([st.uid, st.mode & 0o777]).toEqual([0, 0o700]);

    // What the node did after: appended to the segment, rewrote the db (new inode, other mode), made a new file and directory.
    const fd = fs.openSync(nodePath.join(data, 'member', 'wal', '0.wal'), 'r+');
    fs.writeSync(fd, 'record-2\n', 9);
    fs.closeSync(fd);
    fs.rmSync(nodePath.join(data, 'member', 'db'));
    fs.writeFileSync(nodePath.join(data, 'member', 'db'), 'db v2', { mode: 0o644 });
    fs.mkdirSync(nodePath.join(data, 'member', 'snap'));
    fs.writeFileSync(nodePath.join(data, 'member', 'snap', '1.snap'), 'later');
    const later = tree(data);
    const t0 = Date.now();
    const touched = await fault();
    expect(touched.map((t) => t.file).sort()).toEqual(['member/db', 'member/snap/1.snap', 'member/wal/0.wal']);
    expect(touched.find((t) => t.file === 'member/snap/1.snap')!.bytes).toBe(0);
    expect(touched.find((t) => t.file === 'member/wal/0.wal')!.bytes).toBe(seg.length);
    for (const t of touched) expect(t.copyAgeMs).toBeGreaterThanOrEqual(0);
    expect(touched[0].copyAgeMs).toBeLessThanOrEqual(Date.now() - t0 + 60_000);
    expect(tree(data)).toEqual(before);
    const db = fs.statSync(nodePath.join(data, 'member', 'db'));
    expect([db.uid, db.mode & 0o777]).toEqual([65534, 0o640]);

    // Every fault takes a copy, a rollback's too: the next goes back to the state when that rollback hit.
    fs.writeFileSync(nodePath.join(data, 'member', 'db'), 'db v3');
    await fault();
    expect(tree(data)).toEqual(later);
    await disks.teardown();
    expect(ourCopies()).toEqual([]);
  });

  it('links and a FIFO another user planted are neither followed nor copied, do not hang it; restoring removes them by name', async () => {
    const { root, victim, data, disks, logs } = nodeBed('rb-links');
    await disks.setup(['n1']);
    fs.writeFileSync(nodePath.join(data, 'log'), 'entry 1\n');
    fs.chmodSync(nodePath.join(data, 'log'), 0o666);
    const outside = nodePath.join(root, 'private');
    // As the node's user: a file link and a directory link to the root-only folder, a FIFO.
    asNobody(['ln', '-s', victim, nodePath.join(data, 'wal')]);
    asNobody(['ln', '-s', outside, nodePath.join(data, 'snap')]);
    asNobody(['mkfifo', nodePath.join(data, 'fifo')]);
    const t0 = Date.now();
    await disks.remember('n1');
    expect(Date.now() - t0).toBeLessThan(20_000);
    const skipped = /n1's copy skipped what is not a plain file: (.*)/.exec(logs.join('\n'))?.[1].split(', ').sort();
    expect(skipped).toEqual(['fifo (fifo)', 'snap (symlink)', 'wal (symlink)']);
    const copyDir = nodePath.join(os.tmpdir(), ourCopies()[0]);
    const [copy] = fs.readdirSync(copyDir);
    expect(tree(nodePath.join(copyDir, copy))).toEqual({ log: sha('entry 1\n') });

    // After the copy: the links replaced by others (a file the copy has, swapped for a link to the secret), a new link.
    asNobody(['sh', '-c', 'rm -f "$1/log" "$1/wal" "$1/snap" && ln -s "$2" "$1/log" && ln -s "$3" "$1/snap" && ln -s "$2" "$1/new-link"', 'sh', data, victim, outside]);
    await disks.remember('n1');
    const touched = await disks.apply('n1', 'rollback', () => 0);
    expect(touched.map((t) => t.file)).toEqual(['log']);
    expect(logs.join('\n')).toMatch(/n1's rollback removed what is not a plain file: .*log \(symlink\)/);
    expect(tree(data)).toEqual({ log: sha('entry 1\n') });
    expect(victimUntouched(victim)).toBe(true);
    expect(fs.readdirSync(outside)).toEqual(['secret']);
    await disks.teardown();
  });

  it('cleanup\'s sweep removes the copies of a controller that is gone, never a live one\'s or another user\'s', () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-sweep-'));
    try {
      // PID 2^22+1 is past pid_max: no such process. Ours (this PID and start time) lives.
      const dead = nodePath.join(dir, 'faultline-copies-4194305.1-abc');
      const live = nodePath.join(dir, `faultline-copies-${process.pid}.${fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19]}-abc`);
      const theirs = nodePath.join(dir, 'faultline-copies-4194306.1-abc');
      for (const d of [dead, live, theirs]) fs.mkdirSync(nodePath.join(d, 'n1-x'), { recursive: true });
      execFileSync('chown', ['nobody', theirs]);
      expect(removeOrphanCopies(dir)).toEqual([dead]);
      expect(fs.existsSync(live) && fs.existsSync(theirs)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
