/**
 * Shrinking a failing auto run's schedule (harness/top/run/shrink.ts): the search on its own with a
 * fake run that fails exactly when two given faults are both kept, and in simulated time on the
 * in-memory target's stale-read bug, where the smallest schedule found must fail again on replay.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AutoChoice } from '../../../harness/middle/faults/nemesis/auto/auto.js';
import { scheduleHistory, timedChoicesOfHistory } from '../../../harness/middle/faults/nemesis/auto/schedule.js';
import { shrinkSchedule, shrunkTime, startsFault, withStarts, type TimedChoice } from '../../../harness/top/run/shrink.js';
import { simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
const store = (): string => { const s = tempStore(); stores.push(s); return s; };
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

const start = (f: string, atS: number): TimedChoice => ({ choice: { action: `${f}@leader/long`, reason: 'r', ops: [{ f, value: 'primaries' }], waitMs: 2500 }, atS });
const heal = (f: string, atS: number): TimedChoice => ({ choice: { action: `heal:${f}/short`, reason: 'r', ops: [{ f: `undo-${f}`, value: 'all' }], waitMs: 400 }, atS });

describe('the shrinking search', () => {
  // 10 starts, each healed at the next decision.
  const timed: TimedChoice[] = [];
  for (let i = 0; i < 10; i++) timed.push(start(i % 2 ? 'kill' : 'pause', i * 5), heal(i % 2 ? 'kill' : 'pause', i * 5 + 2.5));
  const startIdx = timed.map((t, i) => (startsFault(t.choice) ? i : -1)).filter((i) => i >= 0);

  it('finds the two faults a failure needs, then cuts the time to just after the last of them', async () => {
    const needed = [startIdx[3], startIdx[6]];
    const result = await shrinkSchedule(timed, async (schedule, timeLimitS) => {
      const kept = schedule.map((c, i) => (startsFault(c) ? i : -1)).filter((i) => i >= 0);
      const lastNeededHealS = timed[needed[1] + 1].atS;
      return { invalid: needed.every((i) => kept.includes(i)) && timeLimitS >= lastNeededHealS, dir: `try-${timeLimitS}` };
    }, { intervalS: 5, timeLimitS: 60, budget: 60 });
    expect(result.kept).toEqual(needed);
    expect(result.timeLimitS).toBe(Math.ceil(timed[needed[1] + 1].atS + 5));
    expect(result.timeLimitS).toBeLessThan(60);
    expect(result.dir).toBe(`try-${result.timeLimitS}`);
    // Left-out starts become waits of the same length, so the kept ones keep their times.
    expect(result.schedule.filter(startsFault)).toHaveLength(2);
    expect(result.schedule.map((c) => c.waitMs)).toEqual(timed.map((t) => t.choice.waitMs));
  });

  it('stops at once, with no directory, when the whole schedule does not fail again', async () => {
    const result = await shrinkSchedule(timed, async () => ({ invalid: false, dir: 'x' }), { intervalS: 5, timeLimitS: 60 });
    expect(result.runs).toBe(1);
    expect(result.dir).toBeUndefined();
  });

  it('keeps heals and turns a dropped start into a wait', () => {
    const s = withStarts(timed.map((t) => t.choice), new Set([startIdx[0]]));
    expect(s[0]).toBe(timed[0].choice);
    expect(s[2]).toMatchObject({ action: 'wait/long', ops: [], reason: 'shrunk away: kill@leader/long' });
    expect(s[3]).toBe(timed[3].choice);
    expect(shrunkTime(timed, [startIdx[9]], 5, 60)).toBe(53);
    expect(shrunkTime(timed, [], 5, 60)).toBe(60);
  });
});

describe('shrinking a real failing schedule (in-memory target, simulated time)', () => {
  it('turns a failing auto run into at most 3 faults that fail again on replay', async () => {
    const args = ['--time-limit', '40s', '--nemesis', 'auto', '--rate', '50', '--bug', 'stale-read', '--seed', '1'];
    const first = await simRun(args, store());
    expect(first.results.valid).toBe(false);
    const timed = timedChoicesOfHistory(fs.readFileSync(nodePath.join(first.dir, 'history.jsonl'), 'utf8'));
    const startsBefore = timed.filter((t) => startsFault(t.choice)).length;
    const scratch = store();
    let k = 0;
    const result = await shrinkSchedule(timed, async (schedule: AutoChoice[], timeLimitS) => {
      const dir = nodePath.join(scratch, String(k++));
      fs.mkdirSync(dir);
      fs.writeFileSync(nodePath.join(dir, 'history.jsonl'), scheduleHistory(schedule));
      const r = await simRun([...args, '--auto-schedule', dir, '--time-limit', `${timeLimitS}s`], store());
      return { invalid: r.results.valid === false, dir: r.dir };
    }, { intervalS: first.test.faultIntervalS as number, timeLimitS: 40, budget: 12 });
    expect(result.dir).toBeDefined();
    expect(result.kept.length).toBeLessThanOrEqual(3);
    expect(result.kept.length).toBeLessThan(startsBefore);
    // The printed rerun: the minimal run's own history as the schedule, the shorter time.
    const again = await simRun([...args, '--auto-schedule', result.dir!, '--time-limit', `${result.timeLimitS}s`], store());
    expect(again.results.valid).toBe(false);
  }, 120_000);
});
