/**
 * The library's run() takes typed settings and never goes through the command line: a real (short)
 * run of the bundled Raft from `timeLimit` as a number, with the argv parser spied on — it must not
 * be called. (Before the registry, run() turned the settings into argv and parsed them back.)
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../../dist/harness/top/cli/args.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../dist/harness/top/cli/args.js')>();
  return { ...real, parseArgs: (...a: Parameters<typeof real.parseArgs>) => { parsed.calls++; return real.parseArgs(...a); } };
});

const { run } = await import('../../../dist/harness/top/api/run-api.js');
const { parseRunRequest } = await import('../../../dist/harness/top/cli/run-command.js');

const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-api-typed-'));
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

it('run() with typed settings builds and parses no argv', async () => {
  // The spy sees the CLI's own path (what run() did before: settings → argv → parseRunRequest).
  parseRunRequest(['--time-limit', '2', '--store', store], () => {});
  expect(parsed.calls).toBe(1);
  parsed.calls = 0;
  const result = await run({ target: 'raft', nodes: 3, timeLimit: 2, quiet: 0.5, rate: 20, concurrency: 2, seed: 5, store });
  expect(parsed.calls).toBe(0);
  expect(result.error).toBeUndefined();
  expect(result.valid).toBe(true);
  const test = JSON.parse(fs.readFileSync(nodePath.join(result.dir, 'test.json'), 'utf8')) as Record<string, unknown>;
  expect(test).toMatchObject({ timeLimitS: 2, quietS: 0.5, nodes: 3, seed: 5, target: 'raft', workload: 'lin-kv' });
}, 60_000);
