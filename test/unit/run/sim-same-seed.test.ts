/**
 * Same seed, same run — in simulated time (the in-memory target on a SimClock): two runs with one seed
 * give the same history record for record, times included; another seed asks for other client ops
 * and other faults. The real-node check of the same behaviour: test/integration/run/same-seed.test.ts.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compareHistories } from '../../../harness/top/run/replay.js';
import { simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
const store = (): string => { const s = tempStore(); stores.push(s); return s; };
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

const ARGS = ['--time-limit', '30s', '--nodes', '5', '--nemesis', 'partition,kill,pause', '--nemesis-interval', '3s'];
const asked = (h: { process: unknown; type: string; f: string; key?: unknown; value: unknown }[], nemesis: boolean): string[] =>
  h.filter((o) => o.type === 'invoke' && (o.process === 'nemesis') === nemesis).map((o) => JSON.stringify([o.f, o.key, o.value]));

describe('a run\'s schedule follows from its seed (simulated time)', () => {
  it('one seed twice: the same history, record for record and instant for instant; 30 s of run in seconds', async () => {
    const started = Date.now();
    const a = await simRun([...ARGS, '--seed', '11'], store());
    const b = await simRun([...ARGS, '--seed', '11'], store());
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(a.results.durationS).toBeGreaterThanOrEqual(30);
    expect(a.history.length).toBeGreaterThan(1_000);
    expect(asked(a.history, true).length).toBeGreaterThanOrEqual(8);
    expect(b.history).toEqual(a.history);
    expect(b.results.faults).toEqual(a.results.faults);
    expect(compareHistories(a.history, b.history).every((l) => /: the same, all \d+$/.test(l))).toBe(true);
  });

  it('another seed asks for other client ops and other faults', async () => {
    const a = await simRun([...ARGS, '--seed', '11'], store());
    const c = await simRun([...ARGS, '--seed', '12'], store());
    expect(asked(c.history, false)).not.toEqual(asked(a.history, false));
    expect(asked(c.history, true)).not.toEqual(asked(a.history, true));
  });

  it('the schedule asked for survives other timing: a slower network changes the outcomes, not the ops asked', async () => {
    // --request-timeout changes when ops give up (the outcomes and interleaving), not what the seed asks.
    const a = await simRun([...ARGS, '--seed', '11'], store());
    const slow = await simRun([...ARGS, '--seed', '11', '--request-timeout', '300ms'], store());
    expect(slow.history).not.toEqual(a.history);
    expect(asked(slow.history, true)).toEqual(asked(a.history, true));
    const n = Math.min(asked(a.history, false).length, asked(slow.history, false).length);
    expect(n).toBeGreaterThan(500);
    expect(asked(slow.history, false).slice(0, n)).toEqual(asked(a.history, false).slice(0, n));
  });
});
