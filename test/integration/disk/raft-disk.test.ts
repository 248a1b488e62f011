/**
 * `--nemesis disk` on the bundled Raft, one seed per row (rates over ten seeds: `npm run bench:disk`):
 * the whole cluster loses its un-fsynced writes through the FUSE layer, so `--bug no-fsync` (which
 * never fsyncs) is caught, and the correct Raft, which fsyncs before it answers, stays valid. The
 * file faults run on the correct Raft: a node may refuse to start (recorded in the restart's value),
 * never an error op. Every layer is unmounted at the end.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyFsUnavailable } from '../../../harness/middle/faults/disk/lazy-fs-build.js';
import { skipUnless } from '../../support/require.js';
import { startCli, tempStore } from '../run/cli-helpers.js';

const stores: string[] = [];
afterEach(() => { for (const s of stores.splice(0)) fs.rmSync(s, { recursive: true, force: true }); });

async function run(label: string, args: string[]): Promise<{ results: { valid: unknown; checkers: Record<string, { valid: unknown }> }; nemesis: { f: string; type: string; value: Record<string, unknown>; error?: string }[]; runDir: string }> {
  const store = tempStore(label);
  stores.push(store);
  const r = await startCli(['run', '--target', 'raft', '--nemesis', 'disk', '--time-limit', '20s', '--seed', '1', '--store', store, '--name', label, ...args], store).done;
  const runDir = fs.realpathSync(nodePath.join(store, label, 'latest'));
  const results = JSON.parse(fs.readFileSync(nodePath.join(runDir, 'results.json'), 'utf8'));
  const nemesis = fs.readFileSync(nodePath.join(runDir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"process":"nemesis"')).map((l) => JSON.parse(l));
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  // No layer is left mounted over the run's directories.
  expect(fs.readFileSync('/proc/self/mounts', 'utf8')).not.toContain(runDir);
  return { results, nemesis, runDir };
}

describe('--nemesis disk on the bundled Raft', () => {
  it('catches --bug no-fsync with lose-unfsynced, and the correct Raft stays valid on the same seed', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const bug = await run('no-fsync', ['--bug', 'no-fsync', '--disk-faults', 'lose-unfsynced']);
    const disk = bug.nemesis.find((o) => o.f === 'disk' && o.type === 'info')!;
    expect(disk.value.fault).toBe('lose-unfsynced');
    expect((disk.value.files as { file: string; bytes: number }[]).some((f) => f.file === 'log.jsonl' && f.bytes > 0)).toBe(true);
    expect(bug.results.valid).toBe(false);
    const ok = await run('correct', ['--disk-faults', 'lose-unfsynced']);
    expect(ok.nemesis.some((o) => o.f === 'disk' && o.type === 'info' && (o.value.effect as { took: boolean }).took)).toBe(true);
    expect(ok.results.valid).toBe(true);
  }, 180_000);

  it('truncate and bit-flip on the correct Raft: the files touched are recorded, refusals are not errors', async (ctx) => {
    skipUnless(ctx, lazyFsUnavailable() === undefined, `the FUSE layer cannot run here: ${lazyFsUnavailable()}`);
    const r = await run('file-faults', ['--disk-faults', 'truncate,bit-flip', '--nemesis-interval', '4s']);
    const applied = r.nemesis.filter((o) => o.f === 'disk' && o.type === 'info');
    expect(applied.map((o) => o.value.fault).slice(0, 2)).toEqual(['truncate', 'bit-flip']);
    for (const o of applied) {
      expect(o.error).toBeUndefined();
      for (const f of o.value.files as { file: string; offset: number; bytes: number }[]) {
        expect(['log.jsonl', 'meta.json', 'snapshot.json']).toContain(f.file);
        expect(f.bytes).toBeGreaterThan(0);
      }
    }
    expect(r.nemesis.filter((o) => o.f === 'disk-restart' && o.type !== 'invoke').every((o) => o.error === undefined)).toBe(true);
  }, 180_000);
});
