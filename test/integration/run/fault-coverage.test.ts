/**
 * Issue 24, no vacuous green, through the real CLI: a schedule whose faults fit the time limit (or is
 * refused), a run whose only fault is unsupported is unknown in every output, the standard package
 * injected by default on raft and none on maelstrom.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, NODES, historyOf, tempStore } from './cli-helpers.js';
import { missing } from '../provision/helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

interface Ran { code: number; stdout: string; stderr: string; store: string; dir?: string; results?: Record<string, any> }

function faultline(label: string, args: string[]): Promise<Ran> {
  const store = tempStore(label);
  stores.push(store);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'run', '--store', store, '--config', 'none', ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const latest = nodePath.join(store, 'latest');
      const dir = fs.existsSync(latest) ? fs.realpathSync(latest) : undefined;
      const results = dir && fs.existsSync(nodePath.join(dir, 'results.json')) ? JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) : undefined;
      resolve({ code, stdout, stderr, store, dir, results });
    });
  });
}

const nemesisFs = (dir: string): string[] => historyOf(dir).filter((o) => o.process === 'nemesis' && o.type === 'invoke').map((o) => String(o.f));

describe('fault accounting through the CLI', () => {
  it('maelstrom lin-kv --nemesis partition --time-limit 10s: a partition starts and takes effect (the default interval fits)', async () => {
    const r = await faultline('fit', ['--target', 'maelstrom', '--bin', nodePath.join(NODES, 'lin-kv-proxy.mjs'), '--workload', 'lin-kv',
      '--nemesis', 'partition', '--nodes', '3', '--time-limit', '10s', '--quiet', '1s', '--seed', '1']);
    expect(r.stdout).toMatch(/faults partition \(--nemesis\), every 3\.333 s \(fits the time limit\)/);
    expect(nemesisFs(r.dir!)).toContain('start-partition');
    expect(r.results?.faults.partition.scheduled).toBeGreaterThanOrEqual(1);
    expect(r.results?.faults.partition.tookEffect).toBeGreaterThanOrEqual(1);
    expect(r.results?.faults.partition.secondsInForce).toBeGreaterThan(2);
    expect(r.results?.checkers['fault-coverage']).toBeUndefined();
  }, 60_000);

  it('an interval no fault can start within is refused before anything starts: one sentence, exit 254', async () => {
    const r = await faultline('nofit', ['--target', 'maelstrom', '--bin', nodePath.join(NODES, 'lin-kv-proxy.mjs'), '--workload', 'lin-kv',
      '--nemesis', 'partition', '--nodes', '3', '--time-limit', '10s', '--nemesis-interval', '10s']);
    expect(r.code).toBe(254);
    expect(r.stderr.trim()).toMatch(/^faultline: --nemesis-interval 10s is not shorter than --time-limit 10s, so no fault \(partition\) could start before the clients stop; use a shorter interval/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readdirSync(r.store)).toEqual([]);
  }, 30_000);

  it('raft without --nemesis injects the standard package and says so', async () => {
    const r = await faultline('raft', ['--target', 'raft', '--workload', 'lin-kv', '--nodes', '3', '--time-limit', '8s', '--quiet', '1s', '--seed', '3']);
    expect(r.stdout).toMatch(/faults partition,kill,pause,clock where supported \(the raft target's standard package; --nemesis none for none\), every 2\.666 s/);
    const fsSeen = new Set(nemesisFs(r.dir!));
    for (const f of ['start-partition', 'kill', 'pause']) expect(fsSeen.has(f), f).toBe(true);
    expect(fsSeen.has('bump-clock') || fsSeen.has('strobe-clock'), 'a clock fault').toBe(true);
    expect(Object.keys(r.results?.faults ?? {}).sort()).toEqual(['clock', 'kill', 'partition', 'pause']);
    expect(JSON.parse(fs.readFileSync(nodePath.join(r.dir!, 'test.json'), 'utf8')).faults).toEqual(['standard']);
  }, 60_000);

  it('maelstrom echo without --nemesis injects none', async () => {
    const r = await faultline('echo', ['--target', 'maelstrom', '--bin', nodePath.join(NODES, 'echo.mjs'), '--workload', 'echo', '--nodes', '1', '--time-limit', '2s', '--quiet', '0s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/faults none \(the maelstrom target's default; --nemesis standard for faults\)/);
    expect(nemesisFs(r.dir!)).toEqual([]);
    expect(r.results?.faults).toEqual({});
  }, 30_000);

  const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare']) ?? (process.getuid?.() === 0 ? undefined : 'not root');
  it.skipIf(skip !== undefined)(`etcd --nemesis clock (unsupported, the only fault): unknown, exit 2, in the CLI, results, report, JUnit and index${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const r = await faultline('clock', ['--target', 'etcd', '--nemesis', 'clock', '--time-limit', '2', '--nodes', '3', '--quiet', '0s']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.results?.valid).toBe('unknown');
    const why = /every requested fault \(clock\) is unsupported/;
    expect(r.results?.checkers['fault-coverage'].reason).toMatch(why);
    expect(r.stdout).toMatch(/fault-coverage: unknown — every requested fault \(clock\) is unsupported/);
    expect(fs.readFileSync(nodePath.join(r.dir!, 'report.html'), 'utf8')).toMatch(why);
    expect(fs.readFileSync(nodePath.join(r.dir!, 'junit.xml'), 'utf8')).toMatch(/fault-coverage[\s\S]*every requested fault \(clock\) is unsupported/);
    expect(fs.readFileSync(nodePath.join(r.store, 'index.html'), 'utf8')).toMatch(/unknown/i);
  }, 120_000);
});
