/**
 * Replay: a stored run's test.json gives back the flags that ran it, and the comparison says where a
 * new history first departs from the old one.
 */
import { describe, expect, it } from 'vitest';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { compareHistories, replayArgv } from '../../../harness/top/run/replay.js';

describe('replayArgv', () => {
  it('gives back the config, seed and fault settings a run recorded', () => {
    const first = parseRunRequest(['--target', 'raft', '--nodes', '3', '--nemesis', 'partition,clock', '--nemesis-interval', '1.5s', '--time-limit', '12',
      '--rate', '20', '--seed', '42', '--partition-shapes', 'primaries', '--clock-offsets', '1s-60s', '--churn-long-wait', '100ms', '--bug', 'stale-read', '--election-ms', '150-300', '--name', 'x', '--store', '/tmp/s'], () => {});
    const again = parseRunRequest(replayArgv(JSON.parse(JSON.stringify(first.req.config))), () => {});
    const { command: _a, ...a } = first.req.config;
    const { command: _b, ...b } = again.req.config;
    expect(b).toEqual(a);
    expect(Object.fromEntries(again.req.flags)).toEqual(Object.fromEntries(first.req.flags));
  });

  it('a test.json without a target or seed is one sentence', () => {
    expect(() => replayArgv({ name: 'x' })).toThrow(/names no target or seed/);
  });
});

describe('compareHistories', () => {
  let i = 0;
  const op = (process: Op['process'], type: Op['type'], f: string, value: unknown): Op => ({ index: i++, time: i * 1e6, process, type, f, value });
  const old = [op('nemesis', 'invoke', 'start-partition', 'halves'), op(0, 'invoke', 'write', 1), op(0, 'ok', 'write', 1), op(1, 'invoke', 'read', null), op(1, 'ok', 'read', 1)];

  it('says the schedule was the same and where the answers departed', () => {
    const now = [...old.slice(0, 4), { ...old[4], value: null }];
    const [faults, asked, history] = compareHistories(old, now);
    expect(faults).toBe('fault schedule (nemesis invocations): the same, all 1');
    expect(asked).toBe('client ops asked for (in invocation order): the same, all 2');
    expect(history).toMatch(/^history \(process, type, op, answer\): the same for 4 of 5, then departs — old #4 at [\d.]+ s: process 1 ok read 1; new #4 at [\d.]+ s: process 1 ok read null$/);
  });

  it('names a different fault and a shorter run', () => {
    const now = [{ ...old[0], value: 'majorities-ring' }, old[1]];
    const [faults, asked] = compareHistories(old, now);
    expect(faults).toMatch(/the same for 0 of 1, then departs — old #0 .* start-partition "halves"; new #0 .* start-partition "majorities-ring"/);
    expect(asked).toBe('client ops asked for (in invocation order): the same for 1, then the new run had fewer (old 2, new 1)');
  });
});
