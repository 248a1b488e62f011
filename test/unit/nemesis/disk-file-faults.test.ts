/**
 * The file faults on a real directory: truncate cuts a bounded tail, bit-flip flips bits and nothing
 * else, rollback's bookkeeping (which copy it restores, what disk-ops' walk reported) is read right, and
 * none of them follows a link planted in the node's directory (rollback's copy itself: integration/disk/rollback-copy.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataEnd, expandFiles, FLIP_BITS, flipBits, flipOrder, forNode, patternFiles, TRUNCATE_MAX_BYTES, truncateTail } from '../../../harness/middle/faults/disk/file-faults.js';
import { parseTreeReport } from '../../../harness/middle/faults/disk/disk-ops-build.js';
import { createRng } from '../../../harness/ground/generator/index.js';
import { CopyChain, NodeDisks, rollbackTouches, treeNotes } from '../../../harness/middle/faults/disk/node-disks.js';
import { HostDisks } from '../../../harness/middle/faults/disk/host-disks.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
function nodeDir(): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-diskfault-'));
  dirs.push(d);
  return d;
}
const popcount = (a: Buffer, b: Buffer): number => {
  let n = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i] ^ b[i]; x; x &= x - 1) n++;
  return n;
};

describe('file faults', () => {
  it('truncate cuts 1..TRUNCATE_MAX_BYTES off the first present log, and says where', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = nodeDir();
      const data = Buffer.alloc(2000, 'a');
      fs.writeFileSync(nodePath.join(d, 'log'), data);
      const rng = createRng(seed);
      const [t] = truncateTail(d, ['missing', 'log'], (n) => rng.int(n));
      const size = fs.statSync(nodePath.join(d, 'log')).size;
      expect(t.file).toBe('log');
      expect(t.bytes).toBeGreaterThanOrEqual(1);
      expect(t.bytes).toBeLessThanOrEqual(TRUNCATE_MAX_BYTES);
      expect(size).toBe(2000 - t.bytes);
      expect(t.offset).toBe(size);
    }
  });

  it('bit-flip changes at most FLIP_BITS bits, at the bits it reports', () => {
    const d = nodeDir();
    const before = Buffer.from('{"i":1,"t":1,"c":["write",0,3]}\n'.repeat(20));
    fs.writeFileSync(nodePath.join(d, 'log'), before);
    const rng = createRng(7);
    const [t] = flipBits(d, ['log'], (n) => rng.int(n));
    const after = fs.readFileSync(nodePath.join(d, 'log'));
    const flipped = popcount(before, after);
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThanOrEqual(FLIP_BITS);
    expect(t.bits).toHaveLength(FLIP_BITS);
    const expected = Buffer.from(before);
    for (const bit of t.bits!) expected[bit >> 3] ^= 1 << (bit & 7);
    expect(after.equals(expected)).toBe(true);
  });

  it('rollback reads disk-ops\' walk: files rewritten and removed as touches with the copy\'s age, links and FIFOs as notes', () => {
    const r = parseTreeReport('F 9 log\nS symlink wal\nS fifo a b\nW 8388617 member/wal/0.wal\nR member/snap/1 2.snap\nX symlink new-link\nnoise\n');
    expect(r).toEqual({
      copied: 1, copiedBytes: 9,
      touched: [{ file: 'member/wal/0.wal', offset: 0, bytes: 8388617 }, { file: 'member/snap/1 2.snap', offset: 0, bytes: 0 }],
      skipped: ['wal (symlink)', 'a b (fifo)'], removed: ['new-link (symlink)'],
    });
    expect(rollbackTouches(r, { dir: '/c', takenAt: 1_000 }, 5_000).map((t) => t.copyAgeMs)).toEqual([4_000, 4_000]);
    expect(treeNotes('n1', 'copy', r)).toBe('disk: n1\'s copy skipped what is not a plain file: wal (symlink), a b (fifo)');
    expect(treeNotes('n1', 'rollback', r)).toBe('disk: n1\'s rollback removed what is not a plain file: new-link (symlink)');
    expect(treeNotes('n1', 'copy', parseTreeReport(''))).toBeUndefined();
  });

  it('a store\'s patterns name its files newest first: by sequence when given, else by name', () => {
    const d = nodeDir();
    fs.mkdirSync(nodePath.join(d, 'version-2'));
    for (const n of ['log.ff', 'log.100', 'snapshot.9', 'log.2']) fs.writeFileSync(nodePath.join(d, 'version-2', n), 'x');
    fs.mkdirSync(nodePath.join(d, 'version-2', 'log.fff')); // a directory matching the pattern is not a file
    const seq = (n: string): number => parseInt(n.slice(n.indexOf('.') + 1), 16);
    expect(expandFiles(d, [{ dir: 'version-2', match: /^log\./, seq }, 'other'])).toEqual(['version-2/log.100', 'version-2/log.ff', 'version-2/log.2', 'other']);
    expect(expandFiles(d, [{ dir: 'version-2', match: /^log\./ }])).toEqual(['version-2/log.ff', 'version-2/log.2', 'version-2/log.100']);
    expect(expandFiles(d, [{ dir: 'missing', match: /./ }])).toEqual([]);
  });

  it('a preallocated segment is damaged in its data, not in its zero padding', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = nodeDir();
      const data = Buffer.concat([Buffer.alloc(3000, 'w'), Buffer.alloc(3 << 20)]); // 3 MB of padding: more than one read chunk
      fs.writeFileSync(nodePath.join(d, 'seg.wal'), data);
      const fd = fs.openSync(nodePath.join(d, 'seg.wal'), 'r');
      expect(dataEnd(fd, data.length)).toBe(3000);
      fs.closeSync(fd);
      const rng = createRng(seed);
      const [f] = flipBits(d, [{ dir: '.', match: /\.wal$/ }], (n) => rng.int(n));
      for (const bit of f.bits!) expect(bit).toBeLessThan(3000 * 8);
      const [t] = truncateTail(d, [{ dir: '.', match: /\.wal$/ }], (n) => rng.int(n));
      expect(t.offset + t.bytes).toBe(3000);
      expect(fs.statSync(nodePath.join(d, 'seg.wal')).size).toBe(3000 - t.bytes);
    }
    // A file of zeros only has nothing to damage.
    const d = nodeDir();
    fs.writeFileSync(nodePath.join(d, 'empty.wal'), Buffer.alloc(4096));
    expect(truncateTail(d, ['empty.wal'], () => 0)).toEqual([]);
  });

  it('a rollback goes back to the copy taken at the node\'s previous disk fault, also when every fault is a rollback', () => {
    const chain = new CopyChain();
    const c = (n: number): { dir: string; takenAt: number } => ({ dir: `/copies/${n}`, takenAt: n });
    expect(chain.push('n1', c(1))).toBeUndefined();
    expect(chain.target('n1')).toBeUndefined(); // the first has nothing earlier to go back to
    expect(chain.push('n1', c(2))).toBeUndefined();
    expect(chain.target('n1')).toEqual(c(1));
    expect(chain.push('n1', c(3))).toEqual(c(1)); // the copy no rollback can reach any more: removed
    expect(chain.target('n1')).toEqual(c(2));
    expect(chain.target('n2')).toBeUndefined();
  });

  it('a path\'s {node} is the node\'s name (a custom target\'s --disk-files): each node\'s own file is cut, never another\'s', async () => {
    expect(forNode(['{node}/log.jsonl', { dir: '{node}/wal', match: /x/ }], 'n2')).toEqual(['n2/log.jsonl', { dir: 'n2/wal', match: /x/ }]);
    const d = nodeDir();
    for (const n of ['n1', 'n2']) {
      fs.mkdirSync(nodePath.join(d, n));
      fs.writeFileSync(nodePath.join(d, n, 'log.jsonl'), 'x'.repeat(1000));
    }
    const disks = new NodeDisks({ dirOf: () => d, layer: false, logFiles: ['{node}/log.jsonl'], dataFiles: ['{node}/log.jsonl'], log: () => undefined });
    const [t] = await disks.apply('n2', 'truncate', () => 0);
    expect(t).toEqual({ file: 'n2/log.jsonl', offset: 999, bytes: 1 });
    expect(fs.statSync(nodePath.join(d, 'n1', 'log.jsonl')).size).toBe(1000);
    expect(fs.statSync(nodePath.join(d, 'n2', 'log.jsonl')).size).toBe(999);
  });

  it('a pattern\'s files and a bit-flip\'s order: one rule for this machine and the hosts (host-disks.ts lists the names with disk-ops)', () => {
    const wal = { dir: 'wal', match: /\.wal$/, seq: (n: string) => parseInt(n, 16) };
    expect(patternFiles(wal, ['0001.wal', '000a.wal', 'x.tmp', '0002.wal'])).toEqual(['wal/000a.wal', 'wal/0002.wal', 'wal/0001.wal']);
    expect(patternFiles({ dir: 'v', match: /^log\./ }, ['log.1', 'snap.9', 'log.3'])).toEqual(['v/log.3', 'v/log.1']);
    expect(flipOrder(['a', 'b', 'c'], () => 1)).toEqual(['b', 'c', 'a']);
    let drawn = 0;
    expect(flipOrder([], () => { drawn++; return 0; })).toEqual([]);
    expect(drawn).toBe(0); // no file, no draw: the seed's later draws stay where they were
  });

  it('on ssh hosts: every disk fault is offered (rollback too), and the hosts need gcc, plus FUSE with the layer', () => {
    const of = (layer: boolean): HostDisks => new HostDisks({ host: () => { throw new Error('no host in a unit test'); }, dirOf: () => '/x', layer, logFiles: ['log'], dataFiles: ['log'], log: () => undefined });
    expect(of(true).faults).toEqual(['lose-unfsynced', 'truncate', 'bit-flip', 'rollback']);
    expect(of(true).unsupported.rollback).toBeUndefined();
    expect(of(true).hostNeeds().map((n) => n.pkg ?? n.path)).toEqual(['gcc', 'libc6-dev', 'libfuse3-dev', 'fuse3', '/dev/fuse']);
    expect(of(false).faults).toEqual(['truncate', 'bit-flip', 'rollback']);
    expect(of(false).hostNeeds().map((n) => n.pkg)).toEqual(['gcc', 'libc6-dev']);
  });

  it('follows no link: a log or data file planted as a link is refused and its target untouched', () => {
    const d = nodeDir();
    const outside = nodeDir();
    fs.writeFileSync(nodePath.join(outside, 'passwd'), 'root:x:0:0\n');
    fs.symlinkSync(nodePath.join(outside, 'passwd'), nodePath.join(d, 'log'));
    fs.symlinkSync(outside, nodePath.join(d, 'dir'));
    const rng = createRng(1);
    expect(() => truncateTail(d, ['log'], (n) => rng.int(n))).toThrow(/symbolic link/);
    expect(() => flipBits(d, ['log'], (n) => rng.int(n))).toThrow(/symbolic link/);
    expect(() => flipBits(d, ['dir/passwd'], (n) => rng.int(n))).toThrow(/is a link or not a directory/);
    // A pattern's directory planted as a link is refused; a link matching a pattern is not a file of it.
    expect(() => expandFiles(d, [{ dir: 'dir', match: /./ }])).toThrow(/is a link or not a directory/);
    expect(expandFiles(d, [{ dir: '.', match: /^log$/ }])).toEqual([]);
    expect(fs.readFileSync(nodePath.join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
  });
});
