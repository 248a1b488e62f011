/**
 * #19: programs written for Maelstrom are judged by Maelstrom's network rules. A node that proxies a
 * client's request to its leader with the client's src is accepted, with a warning in the results,
 * and the run is valid; and `--nemesis partition` on a target without primaries does not report an
 * unsupported shape the user never asked for.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, startCli, tempStore } from '../run/cli-helpers.js';

const dir = tempStore('maelstrom-rules');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('#19 Maelstrom network rules', () => {
  it('a node that re-sends a client\'s request to its leader with the client\'s src: valid, with a warning', async () => {
    const store = nodePath.join(dir, 'proxy');
    const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'echo-proxy.mjs'), '--workload', 'echo',
      '--nodes', '3', '--time-limit', '2s', '--quiet', '0s', '--rate', '20', '--seed', '1', '--store', store], dir).done;
    expect(r.stdout).toMatch(/verdict: valid/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning \(\d+×\): n[12] sent a message with "src" c\d+, not its own id/);
    const results = JSON.parse(fs.readFileSync(nodePath.join(store, 'latest', 'results.json'), 'utf8')) as { checkers: Record<string, { valid: unknown; warnings?: unknown[] }> };
    expect(results.checkers['node-protocol'].valid).toBe(true);
    expect(results.checkers['node-protocol'].warnings?.length).toBeGreaterThan(0);
    expect(results.checkers.echo.valid).toBe(true);
  }, 60_000);

  it('--nemesis partition on a target without primaries: no "unsupported fault: partition:primaries"', async () => {
    const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'echo.mjs'), '--workload', 'echo',
      '--nodes', '3', '--time-limit', '2s', '--quiet', '0s', '--nemesis', 'partition', '--nemesis-interval', '500ms', '--seed', '1',
      '--store', nodePath.join(dir, 'partition')], dir).done;
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/partition:primaries/);
  }, 60_000);

  it('asking for the primaries shape on a target without primaries still says it is unsupported', async () => {
    const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'echo.mjs'), '--workload', 'echo',
      '--nodes', '3', '--time-limit', '1s', '--quiet', '0s', '--nemesis', 'partition', '--partition-shapes', 'primaries,halves', '--seed', '1',
      '--store', nodePath.join(dir, 'partition-asked')], dir).done;
    expect(r.stdout).toMatch(/unsupported fault: .*primaries/);
  }, 60_000);
});
