/**
 * The lose-un-fsynced FUSE layer (harness/middle/faults/disk/lazy-fs.c), mounted for real: a writer
 * process is SIGKILLed and the layer crashed, and only what was fsynced is left. Root runs the layer
 * over a directory a node writes, so links planted there must never be followed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLazyFs, lazyFsUnavailable } from '../../../harness/middle/faults/disk/lazy-fs-build.js';
import { LazyFs, mounted } from '../../../harness/middle/faults/disk/lazy-fs.js';
import { skipUnless } from '../../support/require.js';
import { createRng } from '../../../harness/ground/generator/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function mountTemp(): Promise<{ dir: string; fsMount: LazyFs; outside: string }> {
  const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-lazyfs-'));
  cleanup.push(() => fs.rmSync(base, { recursive: true, force: true }));
  const dir = nodePath.join(base, 'node');
  const outside = nodePath.join(base, 'outside');
  fs.mkdirSync(dir);
  fs.mkdirSync(outside);
  fs.writeFileSync(nodePath.join(outside, 'secret'), 'untouched\n');
  fs.writeFileSync(nodePath.join(dir, 'before'), 'on disk before the mount\n');
  // Planted before the mount, in the directory the node owns: a link out of it.
  fs.symlinkSync(outside, nodePath.join(dir, 'escape'));
  fs.symlinkSync(nodePath.join(outside, 'secret'), nodePath.join(dir, 'secret-link'));
  const fsMount = await LazyFs.mount(await buildLazyFs(), dir);
  cleanup.push(() => fsMount.unmount());
  return { dir, fsMount, outside };
}

/** A separate process writes, fsyncs part of it, writes more, reports and waits to be killed. */
const WRITER = `
const fs = require('fs'); const d = process.argv[1];
const a = fs.openSync(d + '/log', 'w'); fs.writeSync(a, 'synced-1\\n'); fs.fdatasyncSync(a); fs.writeSync(a, 'unsynced-2\\n');
const b = fs.openSync(d + '/never-synced', 'w'); fs.writeSync(b, 'lost\\n');
fs.appendFileSync(d + '/before', 'appended, not synced\\n');
fs.writeFileSync(d + '/meta.tmp', 'term 7'); const m = fs.openSync(d + '/meta.tmp', 'r+'); fs.fsyncSync(m); fs.renameSync(d + '/meta.tmp', d + '/meta');
console.log(fs.readFileSync(d + '/log', 'utf8').replace(/\\n/g, '|'));
setInterval(() => {}, 1000);
`;

describe('the lose-un-fsynced layer', () => {
  it('keeps what was fsynced across a kill and a crash, and drops what was not', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const { dir, fsMount } = await mountTemp();
    expect(mounted(dir)).toBe(true);
    const child = spawn(process.execPath, ['-e', WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    // Before the crash the writer's own reads, and ours, see everything it wrote.
    expect(seen).toBe('synced-1|unsynced-2|');
    expect(fs.readFileSync(nodePath.join(dir, 'never-synced'), 'utf8')).toBe('lost\n');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const dropped = await fsMount.crash();
    expect(fs.readFileSync(nodePath.join(dir, 'log'), 'utf8')).toBe('synced-1\n');
    expect(fs.readFileSync(nodePath.join(dir, 'never-synced'), 'utf8')).toBe('');
    expect(fs.readFileSync(nodePath.join(dir, 'before'), 'utf8')).toBe('on disk before the mount\n');
    expect(fs.readFileSync(nodePath.join(dir, 'meta'), 'utf8')).toBe('term 7');
    expect(dropped.map((d) => d.path).sort()).toEqual(['/before', '/log', '/never-synced']);
    expect(dropped.find((d) => d.path === '/log')).toEqual({ path: '/log', size: 20, durableSize: 9, dirtyBytes: 4096, firstDirty: 0 });
    // And after unmounting, the directory itself holds exactly the durable state.
    await fsMount.unmount();
    expect(mounted(dir)).toBe(false);
    expect(fs.readFileSync(nodePath.join(dir, 'log'), 'utf8')).toBe('synced-1\n');
  });

  it('agrees with a two-buffer model over random writes, truncates and syncs: reads see every write, a crash leaves exactly what was synced', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const { dir, fsMount } = await mountTemp();
    const PAGE = 4096;
    // The oracle: what the node sees (written) and what a crash leaves (synced), as plain buffers.
    const put = (b: Buffer, off: number, data: Buffer): Buffer => {
      const out = Buffer.alloc(Math.max(b.length, off + data.length));
      b.copy(out);
      data.copy(out, off);
      return out;
    };
    const sized = (b: Buffer, n: number): Buffer => { const out = Buffer.alloc(n); b.copy(out, 0, 0, Math.min(n, b.length)); return out; };
    for (let seed = 1; seed <= 25; seed++) {
      const rng = createRng(seed);
      const name = nodePath.join(dir, `f${seed}`);
      // Some files exist on disk before the first write, some are preallocated (a segment of zeros).
      let synced = seed % 3 === 0 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: rng.int(3 * PAGE) }, () => 1 + rng.int(255)));
      if (seed % 3 === 1) synced = Buffer.concat([synced, Buffer.alloc(5 * PAGE)]);
      fs.writeFileSync(name, synced);
      const s0 = fs.openSync(name, 'r+');
      fs.fsyncSync(s0);
      fs.closeSync(s0);
      let seen = Buffer.from(synced);
      const fd = fs.openSync(name, 'r+');
      for (let k = 0; k < 30; k++) {
        const what = rng.int(10);
        if (what < 5) {
          const off = rng.int(4 * PAGE + 100);
          const data = Buffer.from(Array.from({ length: 1 + rng.int(PAGE + 500) }, () => rng.int(256)));
          fs.writeSync(fd, data, 0, data.length, off);
          seen = put(seen, off, data);
        } else if (what < 7) {
          const n = rng.int(5 * PAGE);
          fs.ftruncateSync(fd, n);
          seen = sized(seen, n);
        } else if (what < 8) {
          fs.fdatasyncSync(fd);
          synced = Buffer.from(seen);
        } else {
          expect(fs.fstatSync(fd).size).toBe(seen.length);
          const back = Buffer.alloc(seen.length);
          fs.readSync(fd, back, 0, seen.length, 0);
          expect(back.equals(seen), `seed ${seed}, step ${k}: read back what was written`).toBe(true);
        }
      }
      fs.closeSync(fd);
      await fsMount.crash();
      const after = fs.readFileSync(name);
      expect(after.length, `seed ${seed}: size after the crash`).toBe(synced.length);
      expect(after.equals(synced), `seed ${seed}: content after the crash is what was synced`).toBe(true);
    }
  });

  it('a preallocated 64 MB segment costs a page per sync, not the file: 200 appends each fdatasynced', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const { dir, fsMount } = await mountTemp();
    const fd = fs.openSync(nodePath.join(dir, 'seg.wal'), 'w+');
    fs.ftruncateSync(fd, 64_000_000);
    fs.fdatasyncSync(fd);
    const t0 = performance.now();
    const rec = Buffer.alloc(300, 'r');
    for (let k = 0; k < 200; k++) {
      fs.writeSync(fd, rec, 0, rec.length, k * rec.length);
      fs.fdatasyncSync(fd);
    }
    const ms = performance.now() - t0;
    fs.writeSync(fd, Buffer.from('lost'), 0, 4, 200 * rec.length);
    fs.closeSync(fd);
    const [d] = await fsMount.crash();
    expect(d).toMatchObject({ path: '/seg.wal', size: 64_000_000, durableSize: 64_000_000, dirtyBytes: 4096, firstDirty: 57344 });
    // Whole-file syncs wrote 64 MB each (~12.8 GB for 200); page syncs take well under a second on an idle disk.
    expect(ms).toBeLessThan(20_000);
    const back = Buffer.alloc(200 * rec.length + 4);
    const r = fs.openSync(nodePath.join(dir, 'seg.wal'), 'r');
    fs.readSync(r, back, 0, back.length, 0);
    fs.closeSync(r);
    expect(back.subarray(0, 200 * rec.length).equals(Buffer.alloc(200 * rec.length, 'r'))).toBe(true);
    expect(back.subarray(200 * rec.length).equals(Buffer.alloc(4))).toBe(true);
  });

  it('a second crash with nothing written since drops nothing', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const { dir, fsMount } = await mountTemp();
    fs.writeFileSync(nodePath.join(dir, 'f'), 'x');
    expect((await fsMount.crash()).length).toBe(1);
    expect(await fsMount.crash()).toEqual([]);
  });

  it('follows no link planted in the node\'s directory, and makes none', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const { dir, outside } = await mountTemp();
    // The kernel asks the layer to read the link, which it refuses: nothing outside is reached.
    expect(() => fs.writeFileSync(nodePath.join(dir, 'escape', 'planted'), 'x')).toThrow();
    expect(() => fs.writeFileSync(nodePath.join(dir, 'secret-link'), 'overwritten')).toThrow();
    expect(() => fs.symlinkSync('/etc/passwd', nodePath.join(dir, 'new-link'))).toThrow();
    expect(fs.readdirSync(outside)).toEqual(['secret']);
    expect(fs.readFileSync(nodePath.join(outside, 'secret'), 'utf8')).toBe('untouched\n');
  });

  it('refuses to mount over a link', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-lazyfs-'));
    cleanup.push(() => fs.rmSync(base, { recursive: true, force: true }));
    fs.mkdirSync(nodePath.join(base, 'real'));
    fs.symlinkSync(nodePath.join(base, 'real'), nodePath.join(base, 'link'));
    await expect(LazyFs.mount(await buildLazyFs(), nodePath.join(base, 'link'))).rejects.toThrow(/not a directory/);
    expect(mounted(nodePath.join(base, 'real'))).toBe(false);
  });

  it('a layer whose starter dies (a SIGKILLed harness) unmounts itself: no mount is left in the run directory', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-lazyfs-'));
    cleanup.push(() => fs.rmSync(base, { recursive: true, force: true }));
    const dir = nodePath.join(base, 'node');
    fs.mkdirSync(dir);
    // The starter (sh) mounts the layer, then is SIGKILLed while the layer runs.
    const starter = spawn('sh', ['-c', '"$0" "$1" > "$1.out" 2>&1 & while ! grep -q ready "$1.out" 2>/dev/null; do sleep 0.05; done; echo up; sleep 60', await buildLazyFs(), dir], { stdio: ['ignore', 'pipe', 'ignore'] });
    cleanup.push(() => { starter.kill('SIGKILL'); });
    await new Promise<void>((resolve) => starter.stdout.on('data', () => resolve()));
    expect(mounted(dir)).toBe(true);
    starter.kill('SIGKILL');
    let left = true;
    for (let i = 0; i < 100 && left; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = mounted(dir);
    }
    expect(left).toBe(false);
  });
});
