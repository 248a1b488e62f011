/**
 * The progress line over a whole run, in simulated time: off a TTY, one line per 5 s of the run's
 * clock, counting from the clients' start, with the time left, the ok/fail/info counts the history
 * holds, the faults in force, and past the time limit the phase. The real-node check (a real run on
 * a pseudo-terminal): test/integration/cli/terminal.test.ts; the line's own logic: progress.test.ts.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

describe('the progress of a run (simulated time)', () => {
  it('prints a line every 5 s of run time whose counts and faults match the history', async () => {
    const s = tempStore();
    stores.push(s);
    const r = await simRun(['--time-limit', '30s', '--nemesis', 'kill,partition', '--nemesis-interval', '4s', '--seed', '2', '--quiet', '8s'], s);
    const lines = r.progress.trim().split('\n');
    expect(lines[0]).toMatch(/^set-up done in 0s; clients start, time limit 30s$/);
    const ticks = lines.slice(1);
    // 30 s limit + heal + 8 s quiet + final ops: a line at each 5 s of the run clock, no more, no fewer.
    expect(ticks.length).toBe(Math.floor(r.results.durationS / 5));
    const elapsed = ticks.map((l) => Number(/^(\d+)s elapsed/.exec(l)?.[1]));
    // Elapsed counts from the clients' start (0.2 s of modeled set-up before): 4, 9, 14, …
    expect(elapsed).toEqual(ticks.map((_, i) => 5 * (i + 1) - 1));
    expect(ticks[0]).toMatch(/^4s elapsed, 26s left \| \d+ ops\/s \| ok \d+ fail \d+ info \d+ \| faults: /);
    expect(ticks.some((l) => /faults: .*kill/.test(l))).toBe(true);
    expect(ticks.some((l) => /faults: .*partition/.test(l))).toBe(true);
    expect(ticks.at(-1)).toMatch(/time limit reached: (healed; quiet for 8s, then final reads|waiting for the clients' last ops)/);
    // The last line's counts never exceed the history's, and the history's final counts are reached by the end.
    const count = (t: string): number => r.history.filter((o) => o.process !== 'nemesis' && o.type === t).length;
    const m = /ok (\d+) fail (\d+) info (\d+)/.exec(ticks.at(-1)!)!;
    expect(Number(m[1])).toBeLessThanOrEqual(count('ok'));
    expect(Number(m[2])).toBeLessThanOrEqual(count('fail'));
    expect(Number(m[3])).toBeLessThanOrEqual(count('info'));
    expect(Number(m[1]) + Number(m[2]) + Number(m[3])).toBeGreaterThan(0.9 * (count('ok') + count('fail') + count('info')));
  });
});
