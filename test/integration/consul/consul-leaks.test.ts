/**
 * Nothing of a Consul run is left behind when its controller is interrupted: a SIGINT in the middle
 * of a lock run with partitions, pauses and latency heals, tears down and records the interruption;
 * after a SIGKILL the namespaces, servers and delayers stay, and `faultline cleanup` removes them.
 * (A normal run's leftovers are checked by every test in consul.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf, tempStore } from '../provision/helpers.js';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
const root = nodePath.resolve(here, '../../..');
const built = fs.existsSync(nodePath.join(root, 'dist/targets/consul/index.js'));
const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare', 'gcc']) ?? (built ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
afterAll(removeTempDirs);

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: string | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

/** Starts child-run.mjs and resolves once its servers are healthy and some faults had time to start. */
async function startChild(faults: string): Promise<{ child: ChildProcess; dir: string; stdout: () => string }> {
  const store = tempStore('child-consul');
  const child = spawn(process.execPath, [nodePath.join(here, 'child-run.mjs'), store, faults, '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', () => undefined);
  const log = (): string => {
    const latest = nodePath.join(store, 'latest', 'harness.log');
    return fs.existsSync(latest) ? fs.readFileSync(latest, 'utf8') : '';
  };
  await until(() => /servers healthy/.test(log()), 90_000, 'the child run to become healthy');
  await new Promise((r) => setTimeout(r, 3_000));
  return { child, dir: fs.realpathSync(nodePath.join(store, 'latest')), stdout: () => out };
}

describe.skipIf(skip !== undefined)(`Consul runs leave nothing behind${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('after a SIGINT in the middle of a run (it heals, tears down and records the interruption)', async () => {
    const { child, dir, stdout } = await startChild('partition,pause,latency');
    const done = exited(child);
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ interrupted: 'SIGINT' });
    expect(leftovers(runIdOf(dir), pidsOf(dir))).toEqual([]);
  }, 180_000);

  it('after a SIGKILL the run is left behind, and `faultline cleanup` removes all of it', async () => {
    const { child, dir } = await startChild('partition,latency');
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
    const id = runIdOf(dir)!;
    const pids = pidsOf(dir);
    const left = leftovers(id, pids);
    expect(left.filter((l) => l.startsWith('process')).length).toBeGreaterThanOrEqual(3);
    expect(left.some((l) => l.startsWith('namespace'))).toBe(true);
    const cli = spawn(process.execPath, [nodePath.join(root, 'dist/harness/top/cli/main.js'), 'cleanup', '--run', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    cli.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
    expect((await exited(cli)).code).toBe(0);
    expect(text).toMatch(new RegExp(`run ${id}: removed .*process.*namespace`));
    await until(() => leftovers(id, pids).length === 0, 15_000, 'the leftovers to disappear');
  }, 180_000);
});
