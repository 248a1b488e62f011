/**
 * `--env docker` end to end as the CLI and a killed controller see it: nothing of a run remains —
 * container, network, volume, bridge, DOCKER-USER rule, helper process, state file — after a run
 * whose cluster fails to start, after a SIGINT, and after a SIGKILL followed by `faultline cleanup`
 * (each test counts what exists of its run before and after); with no daemon answering the CLI exits
 * 254 naming the socket and how to start one; a missing image names the command that builds it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseRecipe } from '../../../harness/middle/hosts/docker/images.js';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { removeTempDirs, tempStore } from '../provision/helpers.js';
import { dockerLeftovers, dockerMissing, dockerRunIdOf, ensureTargetImage, pidsOf } from './helpers.js';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
const root = nodePath.resolve(here, '../../..');
const cli = nodePath.join(root, 'dist/harness/top/cli/main.js');
const skip = (await dockerMissing()) ?? (fs.existsSync(cli) ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
afterAll(removeTempDirs);

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: string | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

/** Runs the CLI; resolves with its exit code and output. */
async function faultline(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const { code } = await exited(child);
  return { code, stdout, stderr };
}

/** Starts child-run.mjs and resolves once its run logged `marker`. */
async function startChild(target: string, faults: string, marker: RegExp): Promise<{ child: ReturnType<typeof spawn>; dir: string; stdout: () => string }> {
  const store = tempStore(`docker-child-${target}`);
  const child = spawn(process.execPath, [nodePath.join(here, 'child-run.mjs'), target, store, faults, '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', () => undefined);
  const log = (): string => {
    const latest = nodePath.join(store, 'latest', 'harness.log');
    return fs.existsSync(latest) ? fs.readFileSync(latest, 'utf8') : '';
  };
  await until(() => marker.test(log()), 120_000, `the child run to log ${marker}`);
  return { child, dir: fs.realpathSync(nodePath.join(store, 'latest')), stdout: () => out };
}

/** Helper processes (delayers) the run's state file records now. */
function recordedHelpers(runId: string): number[] {
  const f = `/run/faultline/docker/${runId}.json`;
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as { processes: { pid: number }[] }).processes.map((p) => p.pid) : [];
}

describe.skipIf(skip !== undefined)(`--env docker lifecycle${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => { await ensureTargetImage('etcd'); await ensureTargetImage('zookeeper'); }, 900_000);

  it('with no daemon answering, exits 254 with one sentence naming the socket and how to start one', async () => {
    const sock = '/tmp/faultline-no-daemon.sock';
    const r = await faultline(['run', '--target', 'etcd', '--env', 'docker', '--docker-host', `unix://${sock}`, '--time-limit', '5s', '--store', tempStore('no-daemon')]);
    expect(r.code).toBe(254);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`no Docker daemon answers on unix://${sock}.*start one with .*faultline setup --env docker`));
  }, 30_000);

  it('a missing image names the command that builds it', async () => {
    const r = await faultline(['run', '--target', 'etcd', '--env', 'docker', '--image', 'faultline/missing:0', '--time-limit', '5s', '--store', tempStore('no-image')]);
    expect(r.code).toBe(254);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/faultline\/missing:0.*faultline images build --target etcd/);
  }, 30_000);

  it('leaves nothing after a run whose cluster fails to start (an image without etcd)', async () => {
    const store = tempStore('docker-failing');
    const config = { name: 'docker-failing', store, seed: 1, timeLimitS: 5, rate: 10, concurrency: 3, quietS: 0, faults: ['partition'], faultIntervalS: 1 };
    const req = { config, flags: new Map([['env', 'docker'], ['image', baseRecipe().tag]]), workload: 'register', nodeCount: 3 };
    const out = await runTest(config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toMatch(/etcd.*(not found|no such file)/i);
    const id = dockerRunIdOf(out.dir)!;
    expect(id).toBeDefined();
    expect(dockerLeftovers(id, pidsOf(out.dir))).toEqual([]);
  }, 120_000);

  it('leaves nothing after a SIGINT in the middle of a run (it heals, tears down and records the interruption)', async () => {
    const { child, dir, stdout } = await startChild('etcd', 'partition,pause,latency', /servers healthy/);
    const id = dockerRunIdOf(dir)!;
    await new Promise((r) => setTimeout(r, 4_000)); // let some faults start
    const helpers = recordedHelpers(id);
    expect(dockerLeftovers(id).length).toBeGreaterThan(0); // before: the run's containers and network exist
    const done = exited(child);
    child.kill('SIGINT');
    const e = await done;
    expect(e.code).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ interrupted: 'SIGINT' });
    expect(dockerLeftovers(id, [...pidsOf(dir), ...helpers])).toEqual([]);
  }, 240_000);

  it('after a SIGKILL the run is left behind, and `faultline cleanup` removes all of it', async () => {
    const { child, dir } = await startChild('zookeeper', 'clock,latency,partition', /servers healthy/);
    const id = dockerRunIdOf(dir)!;
    await new Promise((r) => setTimeout(r, 4_000));
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
    const helpers = recordedHelpers(id);
    const left = dockerLeftovers(id, [...pidsOf(dir), ...helpers]);
    expect(left.filter((l) => l.startsWith('container '))).toHaveLength(3);
    expect(left.some((l) => l.startsWith('network '))).toBe(true);
    const r = await faultline(['cleanup', '--run', id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`run ${id}: removed 3 container\\(s\\), network fl-${id}`));
    await until(() => dockerLeftovers(id, [...pidsOf(dir), ...helpers]).length === 0, 10_000, 'the leftovers to disappear');
  }, 240_000);
});
