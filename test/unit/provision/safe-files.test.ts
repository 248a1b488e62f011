/**
 * safe-files.ts: opens below a trusted directory never follow a link in any component, never open a
 * FIFO (and never hang on one) or a hard-linked file, and atomic writes never write through a link
 * planted at a temporary name (they are random, created O_EXCL) or at the target's name.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendSafe, openInDir, readInDir, UnsafeFileError, writeAtomic, writeAtomicIn } from '../../../harness/middle/hosts/safe-files.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** A node directory beside a victim file the node must not reach. */
function bed(): { dir: string; victim: string } {
  const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-safe-'));
  dirs.push(root);
  const dir = nodePath.join(root, 'node');
  fs.mkdirSync(dir);
  const victim = nodePath.join(root, 'victim');
  fs.writeFileSync(victim, 'precious\n', { mode: 0o600 });
  return { dir, victim };
}

describe('openInDir and the helpers on it', () => {
  it('reads, appends and writes plain files below the directory', () => {
    const { dir } = bed();
    appendSafe(nodePath.join(dir, 'server.log'), 'one\n');
    appendSafe(nodePath.join(dir, 'server.log'), 'two\n');
    expect(readInDir(dir, 'server.log').toString()).toBe('one\ntwo\n');
    writeAtomicIn(dir, 'sub/conf', 'x=1\n', { mkdir: true });
    expect(fs.readFileSync(nodePath.join(dir, 'sub', 'conf'), 'utf8')).toBe('x=1\n');
  });

  it('refuses a symbolic link at the name: the victim is neither written nor read', () => {
    const { dir, victim } = bed();
    fs.symlinkSync(victim, nodePath.join(dir, 'server.log'));
    expect(() => appendSafe(nodePath.join(dir, 'server.log'), 'owned\n')).toThrow(UnsafeFileError);
    expect(() => readInDir(dir, 'server.log')).toThrow(/is a symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('refuses a link in a directory component, `..` and an absolute path', () => {
    const { dir, victim } = bed();
    fs.symlinkSync(nodePath.dirname(victim), nodePath.join(dir, 'data'));
    expect(() => readInDir(dir, 'data/victim')).toThrow(/component \(data\) that is a link/);
    expect(() => writeAtomicIn(dir, 'data/victim', 'owned')).toThrow(UnsafeFileError);
    expect(() => readInDir(dir, '../victim')).toThrow(/not a relative path/);
    expect(() => readInDir(dir, victim)).toThrow(/not a relative path/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('refuses a FIFO at once (no hang) and a hard link to another file', () => {
    const { dir } = bed();
    execFileSync('mkfifo', [nodePath.join(dir, 'fifo.log')]);
    const t0 = Date.now();
    expect(() => readInDir(dir, 'fifo.log')).toThrow(/not a regular file/);
    expect(() => appendSafe(nodePath.join(dir, 'fifo.log'), 'x')).toThrow(/not a regular file/);
    expect(Date.now() - t0).toBeLessThan(1_000);
    fs.writeFileSync(nodePath.join(dir, 'a'), 'a');
    fs.linkSync(nodePath.join(dir, 'a'), nodePath.join(dir, 'b.log'));
    expect(() => appendSafe(nodePath.join(dir, 'b.log'), 'x')).toThrow(/2 hard links/);
    expect(() => openInDir(dir, 'missing', fs.constants.O_RDONLY)).toThrow(/ENOENT.*missing/);
  });
});

describe('writeAtomic', () => {
  it('never writes through links planted at the old predictable temporary names, nor at the target', () => {
    const { dir, victim } = bed();
    const file = nodePath.join(dir, 'index.html');
    // Every name the old code used, for this PID and the next ones.
    for (let pid = process.pid; pid < process.pid + 50; pid++) {
      for (const n of [`${file}.${pid}.tmp`, `${file}.tmp-${pid}`, `${file}.tmp`]) if (!fs.existsSync(n)) fs.symlinkSync(victim, n);
    }
    writeAtomic(file, '<p>index</p>\n');
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('<p>index</p>\n');
    // A link at the target's own name is replaced, not followed.
    fs.rmSync(file);
    fs.symlinkSync(victim, file);
    writeAtomic(file, 'again\n', { mode: 0o600 });
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('uses a fresh random temporary name each time and leaves none behind', () => {
    const { dir } = bed();
    const seen = new Set<string>();
    const real = fs.renameSync;
    const spy = (from: fs.PathLike, to: fs.PathLike): void => { seen.add(nodePath.basename(String(from))); real(from, to); };
    (fs as { renameSync: typeof fs.renameSync }).renameSync = spy;
    try {
      for (let i = 0; i < 20; i++) writeAtomic(nodePath.join(dir, 'report.html'), `v${i}`);
    } finally {
      (fs as { renameSync: typeof fs.renameSync }).renameSync = real;
    }
    expect(seen.size).toBe(20);
    for (const n of seen) expect(n).toMatch(/^\.report\.html\.[A-Za-z0-9_-]{12}\.tmp$/);
    expect(fs.readdirSync(dir)).toEqual(['report.html']);
  });
});
