/**
 * `--nemesis auto` in simulated time (the in-memory target, harness/middle/faults/nemesis/auto/):
 * every choice and its reason are in the history and the ops that follow are exactly the ones it
 * chose; the same seed gives the same history; `--auto-schedule` (what `--replay` of an auto run
 * sets) replays the recorded choices, whatever the seed; bad combinations are refused in one sentence.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { chooseFaults } from '../../../harness/top/run/fault-choice.js';
import { compareHistories } from '../../../harness/top/run/replay.js';
import { campaignSeed } from '../../../harness/top/cli/run-command.js';
import { emptyLearned } from '../../../harness/middle/faults/nemesis/auto/learner.js';
import { simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
const store = (): string => { const s = tempStore(); stores.push(s); return s; };
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

const decisions = (h: Op[]): Op[] => h.filter((o) => o.process === 'nemesis' && o.f === 'auto-decide' && o.type !== 'invoke');
const ARGS = ['--time-limit', '40s', '--nemesis', 'auto', '--rate', '50'];

describe('--nemesis auto (simulated time)', () => {
  it('records each choice with its reason and state, then runs exactly the ops it chose; faults take effect', async () => {
    const r = await simRun([...ARGS, '--seed', '11'], store());
    const ds = decisions(r.history);
    expect(ds.length).toBeGreaterThan(10);
    const nem = r.history.filter((o) => o.process === 'nemesis' && o.type === 'invoke');
    let followed = 0;
    for (const d of ds) {
      const v = d.value as { action: string; reason: string; state: string; ops: { f: string; value: unknown }[]; states: number };
      expect(v.reason).not.toBe('');
      expect(v.state).toMatch(/^(stable|changed|none|split)\|(idle|ok|slow|stuck)\|/);
      // The nemesis invocations right after this decision are its ops, in order.
      const at = nem.findLastIndex((o) => o.f === 'auto-decide' && o.index < d.index);
      const after = nem.slice(at + 1, at + 1 + v.ops.length);
      // (The last decision's ops may fall after the time limit.)
      if (after.length === v.ops.length && v.ops.length > 0) {
        expect(after.map((o) => ({ f: o.f, value: o.value }))).toEqual(v.ops.map((o) => ({ f: o.f, value: o.value ?? null })));
        followed++;
      }
    }
    expect(followed).toBeGreaterThan(5);
    const faults = r.results.faults as Record<string, { tookEffect: number }>;
    expect(Object.values(faults).reduce((n, f) => n + f.tookEffect, 0)).toBeGreaterThan(0);
    // Distinct states grow over the run (the coverage measure it rewards).
    const last = ds[ds.length - 1].value as { states: number };
    expect(last.states).toBeGreaterThan(2);
    // results.json's coverage (part 4) reads the same decisions back.
    const auto = r.results.auto as { decisions: number; states: number; triples: number; newStatesPerMinute: number[] };
    expect(auto.decisions).toBe(ds.length);
    expect(auto.states).toBe(last.states);
    expect(auto.newStatesPerMinute.reduce((a, b) => a + b, 0)).toBe(auto.states);
  });

  it('a campaign carries one learned table from run to run (--repeat hands it over in memory, never into test.json)', async () => {
    const table = emptyLearned();
    const a = await simRun([...ARGS, '--seed', '21'], store(), { config: { autoLearned: table } });
    const afterOne = Object.values(table.visits).reduce((x, y) => x + y, 0);
    expect(afterOne).toBe(decisions(a.history).length);
    const b = await simRun([...ARGS, '--seed', '22'], store(), { config: { autoLearned: table } });
    expect(table.runs).toBe(2);
    expect(Object.values(table.visits).reduce((x, y) => x + y, 0)).toBe(afterOne + decisions(b.history).length);
    expect(a.test.autoLearned).toBeUndefined();
    expect(campaignSeed(21, 1)).toBe(22);
    expect(campaignSeed('9007199254740993', 2)).toBe('9007199254740995');
  });

  it('gives the same history from the same seed', async () => {
    const a = await simRun([...ARGS, '--seed', '12'], store());
    const b = await simRun([...ARGS, '--seed', '12'], store());
    expect(b.history).toEqual(a.history);
  });

  it('--auto-schedule replays the recorded choices: the same fault schedule even under another seed', async () => {
    const first = await simRun([...ARGS, '--seed', '13'], store());
    const again = await simRun([...ARGS, '--seed', '99', '--auto-schedule', first.dir], store());
    const [faults] = compareHistories(first.history, again.history);
    expect(faults).toMatch(/^fault schedule \(nemesis invocations\): the same, all \d+$/);
    for (const d of decisions(again.history)) expect((d.value as { reason: string }).reason).toMatch(/^replayed: /);
    // Without the schedule, the other seed chooses otherwise.
    const other = await simRun([...ARGS, '--seed', '99'], store());
    expect(compareHistories(first.history, other.history)[0]).toMatch(/departs/);
  });

  it('is refused beside another schedule, and for --target maelstrom, in one sentence', async () => {
    await expect(simRun([...ARGS, '--nemesis', 'auto,partition'], store())).rejects.toThrow(InputError);
    await expect(simRun([...ARGS, '--nemesis', 'auto,partition'], store())).rejects.toThrow(/takes only disk beside it/);
    expect(() => chooseFaults('maelstrom', 'auto', 60, undefined)).toThrow(/not offered for --target maelstrom/);
    expect(chooseFaults('raft', 'auto', 60, undefined).faults).toEqual(['auto']);
    // Not the default: without --nemesis the raft target keeps its standard package.
    expect(chooseFaults('raft', undefined, 60, undefined).faults).toEqual(['standard']);
  });
});
