/**
 * Issue 22: a run whose whole cluster died on its own is unknown, never valid. The bundled Raft as a
 * custom target, every node started under `timeout -s KILL 6`: all three die ~6 s in, the run goes on
 * to its 14 s limit with every op failing, and the verdict says why in results.json, on the CLI, in the
 * report and in JUnit.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { describeRun, RAFT_START, runCustom } from '../custom/helpers.js';

const skip = missing(['iptables', 'iptables-restore', 'unshare', 'timeout']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`a dead cluster${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('every node killed by timeout -s KILL (not by a fault): unknown with the reason, exit 2', async () => {
    const r = await runCustom('dead-cluster', ['--workload', 'register', '--nodes', '3', '--quiet', '1s', '--concurrency', '4', '--client', 'http-kv',
      '--start', `timeout -s KILL 6 ${RAFT_START()}`, '--health', '/health', '--time-limit', '14s', '--seed', '2']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.results?.valid).toBe('unknown');
    const live = r.results?.checkers['cluster-liveness'] as { valid: unknown; reason: string } | undefined;
    expect(live?.valid, describeRun(r)).toBe('unknown');
    expect(live?.reason).toMatch(/every node exited on its own \(not by a fault\) at \d+\.\d s and none came back/);
    // Ops did complete before the cluster died: the old rule (no op completed at all) did not apply.
    const oks = fs.readFileSync(nodePath.join(r.dir!, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"ok"') && !l.includes('"nemesis"')).length;
    expect(oks).toBeGreaterThan(10);
    expect(r.stdout + r.stderr).toMatch(/cluster-liveness: unknown — every node exited on its own/);
    expect(fs.readFileSync(nodePath.join(r.dir!, 'junit.xml'), 'utf8')).toMatch(/cluster-liveness[\s\S]*every node exited on its own/);
    expect(fs.readFileSync(nodePath.join(r.dir!, 'report.html'), 'utf8')).toMatch(/every node exited on its own/);
    expect(r.left).toEqual([]);
  }, 120_000);
});
