/**
 * `--nemesis auto` on the bundled Raft, real nodes and the real CLI (issue 33): with no fault flag but
 * `--nemesis auto` and the Raft's defaults it catches `--bug no-fsync` on seed 1 in 60 s (margin
 * measured by `npm run bench:bugs -- --nemesis auto`: caught 3/3, seeds 1–3, by vote-safety; the
 * switch auto catches most reliably — see docs/faults.md), and the correct Raft stays valid under it, with every choice and its reason in the
 * history and the coverage in results.json; `--target maelstrom` refuses it in one sentence.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesWith, startCli, tempStore } from '../run/cli-helpers.js';

const store = tempStore('raft-auto');
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

interface Results {
  valid: unknown;
  checkers: Record<string, { valid: unknown }>;
  faults: Record<string, { tookEffect: number }>;
  auto?: { decisions: number; states: number; triples: number; newStatesPerMinute: number[] };
}

async function run(name: string, seconds: number, extra: string[]): Promise<{ r: Results; ops: { process: unknown; type: string; f: string; value: unknown }[] }> {
  const args = ['run', '--target', 'raft', '--workload', 'lin-kv', '--nodes', '5', '--time-limit', `${seconds}s`, '--nemesis', 'auto',
    '--seed', '1', '--store', store, '--name', name, '--reporter', 'json', ...extra];
  const { code, stderr } = await startCli(args, store).done;
  expect([0, 1], stderr).toContain(code);
  const dir = nodePath.join(store, name, 'latest');
  const ops = fs.readFileSync(nodePath.join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; value: unknown });
  return { r: JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as Results, ops };
}

describe('--nemesis auto on the bundled Raft', () => {
  it('catches no-fsync with nothing but --nemesis auto and the defaults (seed 1, 60 s)', async () => {
    const { r, ops } = await run('no-fsync', 60, ['--bug', 'no-fsync']);
    expect(r.valid, JSON.stringify(r.checkers)).toBe(false);
    const kills = ops.filter((o) => o.process === 'nemesis' && o.type === 'invoke' && o.f === 'kill');
    expect(kills.length).toBeGreaterThan(0);
    expect(processesWith(store)).toEqual([]);
  }, 240_000);

  it('leaves the correct Raft valid, and records each choice with its reason and the coverage', async () => {
    const { r, ops } = await run('correct', 30, []);
    expect(r.valid, JSON.stringify(r.checkers)).toBe(true);
    const decisions = ops.filter((o) => o.process === 'nemesis' && o.f === 'auto-decide' && o.type !== 'invoke');
    expect(decisions.length).toBeGreaterThan(5);
    for (const d of decisions) expect((d.value as { reason: string }).reason).not.toBe('');
    expect(Object.values(r.faults).reduce((n, f) => n + f.tookEffect, 0)).toBeGreaterThan(0);
    expect(r.auto?.decisions).toBe(decisions.length);
    expect(r.auto?.states).toBeGreaterThan(1);
    expect(processesWith(store)).toEqual([]);
  }, 240_000);

  it('is refused for --target maelstrom in one sentence (exit 254)', async () => {
    const { code, stderr } = await startCli(['run', '--target', 'maelstrom', '--bin', '/bin/true', '--nemesis', 'auto', '--store', store], store).done;
    expect(code).toBe(254);
    expect(stderr).toMatch(/--nemesis auto is not offered for --target maelstrom/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
