/**
 * The provisioner and cleanup end to end, as root with real namespaces: hosts reach each other
 * through the bridge (the FORWARD rule), daemons get their node's hostname, and nothing of a run
 * remains after a normal run, a failing run, a SIGINT, or a SIGKILL followed by `faultline cleanup`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionLocal } from '../../../harness/middle/hosts/local/network.js';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf, tempStore } from './helpers.js';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
const root = nodePath.resolve(here, '../../..');
const built = fs.existsSync(nodePath.join(root, 'dist/harness/top/cli/main.js'));
const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare', 'java']) ?? (built ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
afterAll(removeTempDirs);

/** Polls `cond` every 100 ms until true; fails after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts child-run.mjs and resolves with it once its run directory logs `marker`. */
async function startChild(target: string, faults: string, seconds: number, marker: RegExp): Promise<{ child: ReturnType<typeof spawn>; dir: string; stdout: () => string }> {
  const store = tempStore(`child-${target}`);
  const child = spawn(process.execPath, [nodePath.join(here, 'child-run.mjs'), target, store, faults, String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', () => undefined);
  const log = (): string => {
    const latest = nodePath.join(store, 'latest', 'harness.log');
    return fs.existsSync(latest) ? fs.readFileSync(latest, 'utf8') : '';
  };
  await until(() => marker.test(log()), 90_000, `the child run to log ${marker}`);
  return { child, dir: fs.realpathSync(nodePath.join(store, 'latest')), stdout: () => out };
}

const exited = (child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: string | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

describe.skipIf(skip !== undefined)(`namespace provisioning and cleanup${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('hosts reach each other over the bridge, daemons see their own hostname, teardown removes everything', async () => {
    const net = await provisionLocal({ nodes: ['n1', 'n2', 'n3'] });
    let pids: number[] = [];
    try {
      expect(net.hosts.map((h) => h.node)).toEqual(['n1', 'n2', 'n3']);
      // n2 writes its hostname; n1 connects to a closed port on n2: "Connection refused" means the SYN
      // crossed the bridge and the RST came back (only possible with the FORWARD ACCEPT rule under
      // Docker's DROP policy); a drop would time out instead.
      const hostFile = nodePath.join(tempStore('hostname'), 'h');
      const listener = await net.host('n2').spawn(['sh', '-c', 'hostname > "$0"; exec sleep 30', hostFile], { what: 'sleep' });
      pids = [listener.pid];
      const r = await net.host('n1').exec(['timeout', '3', 'bash', '-c', `echo > /dev/tcp/${net.host('n2').address}/9`]);
      expect(r.stderr).toMatch(/Connection refused/);
      await until(() => fs.existsSync(hostFile) && fs.readFileSync(hostFile, 'utf8').trim() !== '', 5_000, 'the hostname file');
      expect(fs.readFileSync(hostFile, 'utf8').trim()).toBe('n2');
      const fwd = await net.host('n1').exec(['iptables', '-S']);
      expect(fwd.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(net.state.path, 'utf8')).processes.map((p: { pid: number }) => p.pid)).toContain(listener.pid);
    } finally {
      await net.teardown();
    }
    expect(leftovers(net.runId, pids)).toEqual([]);
  }, 60_000);

  it('leaves nothing after a failing run (an error after setup)', async () => {
    const store = tempStore('failing');
    const config = { name: 'failing', store, seed: 1, timeLimitS: 5, rate: 10, concurrency: 3, quietS: 0, faults: ['partition'], faultIntervalS: 1 };
    const out = await runTest(config, (run) => {
      const { plan } = etcdParts({ config, flags: new Map(), workload: 'register', nodeCount: 3 }, run);
      plan.workloadOptions = { ...plan.workloadOptions, keyCount: 0 }; // the generator throws once the cluster is up
      return plan;
    });
    expect(out.results.error).toMatch(/keyCount/);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 120_000);

  it('leaves nothing after a SIGINT in the middle of a run (it heals, tears down and records the interruption)', async () => {
    const { child, dir, stdout } = await startChild('etcd', 'partition,pause,latency', 60, /servers healthy/);
    await new Promise((r) => setTimeout(r, 3_000)); // let some faults start
    const done = exited(child);
    child.kill('SIGINT');
    const e = await done;
    expect(e.code).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ interrupted: 'SIGINT' });
    expect(leftovers(runIdOf(dir), pidsOf(dir))).toEqual([]);
  }, 180_000);

  it('after a SIGKILL the run is left behind, and `faultline cleanup` removes all of it', async () => {
    const { child, dir } = await startChild('zookeeper', 'clock,latency,partition', 60, /servers healthy/);
    await new Promise((r) => setTimeout(r, 3_000));
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
    const id = runIdOf(dir)!;
    const pids = pidsOf(dir);
    expect(leftovers(id, pids).length).toBeGreaterThan(0);
    const cli = spawn(process.execPath, [nodePath.join(root, 'dist/harness/top/cli/main.js'), 'cleanup', '--run', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    cli.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
    const r = await exited(cli);
    expect(r.code).toBe(0);
    expect(text).toMatch(new RegExp(`run ${id}: removed .*namespace`));
    await until(() => leftovers(id, pids).length === 0, 10_000, 'the leftovers to disappear');
  }, 180_000);
});
