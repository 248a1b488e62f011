/**
 * Faultline from your own vitest suite: run the bundled Raft KV under partitions and assert that it
 * stays linearizable. `run` takes the keys of a config file and returns the run's results as plain
 * data; the run itself is kept in the store like any other (here a temporary one).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { run } from 'faultline';

const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-example-'));
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

it('the bundled Raft stays linearizable under partitions', async () => {
  const result = await run({
    target: 'raft', workload: 'lin-kv', nodes: 3,
    faults: ['partition'], faultInterval: '2s',
    timeLimit: '6s', quiet: '1s', rate: 50, concurrency: 4, seed: 1, store,
  });
  expect(result.error).toBeUndefined();
  expect(result.valid).toBe(true);
  expect(result.checkers.linearizable.valid).toBe(true);
  // Plain data: the results survive a JSON round trip unchanged.
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  expect(fs.existsSync(nodePath.join(result.dir, 'history.jsonl'))).toBe(true);
}, 120_000);

it('a bug switch makes the same run invalid', async () => {
  const result = await run({
    target: 'raft', workload: 'lin-kv', nodes: 5, faults: ['partition'], faultInterval: '2s',
    timeLimit: '10s', quiet: '1s', seed: 1, store, options: { bug: 'stale-read' },
  });
  expect(result.valid).toBe(false);
  expect(result.checkers.linearizable.valid).toBe(false);
}, 120_000);
