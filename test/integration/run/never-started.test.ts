/**
 * A run that never started leaves nothing behind (issue 13, #7 and #8): every check that can be
 * made before starting is made before starting, and a run refused then writes no run directory, no
 * report, no index entry and does not move `store/latest`. The real CLI, in a child process.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tempStore } from './cli-helpers.js';

const base = tempStore('never-started');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** Every path under `dir` with its kind and content (links: their target), sorted. */
function snapshot(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = nodePath.join(d, e.name);
      const rel = nodePath.relative(base, p);
      if (e.isSymbolicLink()) out.push(`${rel} -> ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) { out.push(`${rel}/`); walk(p); }
      else out.push(`${rel}: ${fs.readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  return out.sort();
}

/** A store that already holds one run, `latest` pointing at it, and an index. */
function existingStore(name: string): string {
  const store = nodePath.join(base, name);
  const run = nodePath.join(store, 'raft-lin-kv', '20260101T000000Z');
  fs.mkdirSync(nodePath.join(run, 'nodes'), { recursive: true });
  fs.writeFileSync(nodePath.join(run, 'results.json'), '{"valid":true}\n');
  fs.symlinkSync('raft-lin-kv/20260101T000000Z', nodePath.join(store, 'latest'));
  fs.symlinkSync('20260101T000000Z', nodePath.join(store, 'raft-lin-kv', 'latest'));
  fs.writeFileSync(nodePath.join(store, 'index.html'), '<p>one run</p>\n');
  return store;
}

const REFUSED: [string, string[], RegExp][] = [
  ['partition with leader-churn (was refused only after 5 nodes started)', ['--nemesis', 'partition,leader-churn'], /partition and leader-churn/],
  ['--name ..', ['--name', '..'], /not "\." or "\.\."/],
  ['--name .', ['--name', '.'], /not "\." or "\.\."/],
  ['a bad target flag read while planning', ['--target', 'raft', '--latency', 'soon'], /--latency/],
  ['a missing --bin', ['--target', 'maelstrom', '--bin', '/nonexistent/node'], /--bin/],
  ['an unknown partition shape', ['--nemesis', 'partition', '--partition-shapes', 'triangle'], /triangle/],
];

describe('a run that never started leaves nothing', () => {
  for (const [k, [what, args, message]] of REFUSED.entries()) {
    it(`${what}: exit 254, one sentence, no store files, latest and index untouched`, async () => {
      for (const fresh of [true, false]) {
        const store = fresh ? nodePath.join(base, `fresh-${k}`) : existingStore(`old-${k}`);
        const before = snapshot(base);
        const r = await startCli(['run', ...args, '--store', store, '--time-limit', '2s', '--seed', '1'], base).done;
        expect(r.code).toBe(254);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        expect(snapshot(base)).toEqual(before);
        expect(fs.existsSync(nodePath.join(base, '..', 'latest'))).toBe(false);
      }
    });
  }
});
