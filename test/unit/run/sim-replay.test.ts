/**
 * `--replay` in simulated time: the flags a stored run's test.json gives (harness/top/run/replay.ts) run it
 * again to the same history, and the comparison says so line by line; a changed setting departs, and
 * the comparison names where. The real-node check (the CLI, a config file, real nodes):
 * test/integration/run/replay-config.test.ts.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compareHistories, replayArgv } from '../../../harness/top/run/replay.js';
import { simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
const store = (): string => { const s = tempStore(); stores.push(s); return s; };
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

/** The replay flags without --target/--store (simRun adds its own). */
const replayFlags = (test: Record<string, unknown>): string[] => {
  const argv = replayArgv(test);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--store' || argv[i] === '--target') { i++; continue; }
    out.push(argv[i]);
  }
  return out;
};

describe('--replay of a stored run (simulated time)', () => {
  it('runs the stored settings again to the same history; the comparison says "the same" three times', async () => {
    const first = await simRun(['--time-limit', '20s', '--nemesis', 'partition,kill', '--nemesis-interval', '2s', '--seed', '987654321', '--rate', '80', '--bug', 'stale-read'], store());
    const flags = replayFlags(first.test);
    expect(flags).toContain('987654321');
    const again = await simRun(flags, store());
    expect(again.test.seed).toBe(first.test.seed);
    expect(again.test.faults).toEqual(first.test.faults);
    expect(again.results.valid).toBe(first.results.valid);
    expect(again.history).toEqual(first.history);
    const lines = compareHistories(first.history, again.history);
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/: the same, all \d+$/);
  });

  it('a replay with one flag changed departs, and the comparison names the first departure', async () => {
    const first = await simRun(['--time-limit', '10s', '--nemesis', 'pause', '--nemesis-interval', '2s', '--seed', '3'], store());
    const changed = await simRun([...replayFlags(first.test), '--seed', '4'], store());
    const [faults, clients, whole] = compareHistories(first.history, changed.history);
    expect(clients).toMatch(/^client ops asked for \(in invocation order\): the same for \d+ of \d+, then departs — old #\d+/);
    expect(whole).toMatch(/then departs/);
    expect(faults).toMatch(/^fault schedule/);
  });
});
