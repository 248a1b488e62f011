/**
 * `--target custom --env docker` as a user runs it: the bundled Raft's image (`faultline images build
 * --target raft`), `--image` and the same `faultline-raft --listen …` start command as in namespaces,
 * now inside one container per node under real partitions, kills and pauses. The correct Raft stays
 * linearizable, `--bug stale-read` is caught, a libfaketime skew reaches the server inside its
 * container, and what cannot work is refused before anything starts (no `--image`, an image without
 * the program, a path of this machine the image lacks). Nothing of a run is left: container, network,
 * bridge, rule, state file, server process, probe container.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachDaemon } from '../../../harness/middle/hosts/docker/client.js';
import { baseRecipe, ensureImage } from '../../../harness/middle/hosts/docker/images.js';
import { runTest } from '../../../harness/top/run/run.js';
import { customParts } from '../../../targets/custom/entry.js';
import { RAFT_MAIN } from '../../../targets/raft/index.js';
import { raftImageRecipe } from '../../../targets/raft/image.js';
import { dockerLeftovers, dockerMissing, dockerRunIdOf, pidsOf } from '../docker/helpers.js';
import { removeTempDirs, tempStore } from '../provision/helpers.js';
import { CLI, describeRun, RAFT_START, runCustom } from './helpers.js';

const skip = (await dockerMissing()) ?? (fs.existsSync(CLI) ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
afterAll(removeTempDirs);

let image = '';
/** The flags every run here shares; `quiet` is the settling time after the last heal. */
const base = (quiet = '1s'): string[] => ['--env', 'docker', '--workload', 'register', '--nodes', '3', '--quiet', quiet, '--concurrency', '6', '--client', 'http-kv', '--health', '/health'];
const BASE = base();

/** True while process `pid` lives (a controller whose probe may still be running). */
const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

/**
 * Probe containers of the preflight, which the daemon removes as they exit, left by a controller that
 * has ended (the label is its PID): a probe of another file's run still going is not ours to count.
 */
async function probeContainers(): Promise<string[]> {
  const { docker } = await reachDaemon();
  const probes = await docker.listContainers({ all: true, filters: { label: ['faultline.probe'] } });
  return probes.filter((c) => !alive(Number(c.Labels['faultline.probe']))).map((c) => `probe container ${c.Id.slice(0, 12)}`);
}

/** What of a docker run still exists (by its run id and the server PIDs its log names). */
const dockerLeft = (_store: string, dir: string | undefined): string[] => {
  const id = dir && fs.existsSync(nodePath.join(dir, 'harness.log')) ? dockerRunIdOf(dir) : undefined;
  return id ? dockerLeftovers(id, pidsOf(dir!)) : [];
};

/**
 * The leader the servers' logs name last, and why it is no evidence of a cluster that served at teardown
 * (undefined when it is): it stepped down or its node restarted after it was elected, or teardown came less
 * than 1 s after its election (check-quorum needs 600 ms to depose a leader cut off from the majority).
 */
function leaderAtTeardown(dir: string, harnessLog: string): { leader?: string; why?: string } {
  const at = (line: string): number => Date.parse(line.slice(0, 24));
  const teardown = harnessLog.split('\n').find((l) => / tearing down$/.test(l));
  if (!teardown) return { why: 'harness.log has no teardown line' };
  const lines = fs.readdirSync(nodePath.join(dir, 'nodes')).flatMap((n) => fs.readFileSync(nodePath.join(dir, 'nodes', n, 'server.log'), 'utf8').split('\n'))
    .filter((l) => /^\d{4}-\d\d-\d\dT\S+Z n\d+: /.test(l) && at(l) < at(teardown)).sort((a, b) => at(a) - at(b));
  const elected = lines.filter((l) => / leader of term /.test(l)).pop();
  if (!elected) return { why: 'no server logged a leader' };
  const node = elected.split(' ')[1].replace(/:$/, '');
  const later = lines.filter((l) => at(l) >= at(elected) && l !== elected && l.split(' ')[1] === `${node}:` && /stepped down|recovered term/.test(l));
  if (later.length > 0) return { leader: elected, why: `the last leader (${elected}) then: ${later[0]}` };
  if (at(teardown) - at(elected) < 1_000) return { leader: elected, why: `the last leader (${elected}) led for less than 1 s before ${teardown}` };
  return { leader: elected };
}

describe.skipIf(skip !== undefined)(`the bundled Raft in containers as a custom target${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { docker } = await reachDaemon();
    const recipe = raftImageRecipe();
    await ensureImage(docker, recipe);
    image = recipe.tag;
  }, 900_000);

  it('the correct Raft is linearizable under partitions, kills and pauses, and a leader holds after the final heal', async () => {
    // The register workload has no final reads, so the quiet after the final heal serves the log check below:
    // the cluster re-elected (0.14-0.33 s after the final restart, in 10 seeds at load 2-3) and its leader kept a quorum.
    const r = await runCustom('docker-valid', [...base('3s'), '--image', image, '--start', RAFT_START(), '--cas', 'if-match', '--nemesis', 'partition,kill,pause',
      '--nemesis-interval', '2s', '--time-limit', '14s', '--seed', '3'], 120_000, dockerLeft);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.results?.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${r.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause']) expect(hist).toContain(`"f":"${f}"`);
    expect(r.results?.ops).toBeGreaterThan(300);
    // The servers ran in containers of the image, on the run's bridge, with {data} on the node's directory.
    const log = fs.readFileSync(`${r.dir}/harness.log`, 'utf8');
    expect(log).toMatch(new RegExp(`docker: network fl-[0-9a-f]{6} \\(10\\.92\\.\\d+\\.0/24.* of ${image.replace(/[/.]/g, '\\$&')}`));
    const serverLog = fs.readFileSync(`${r.dir}/nodes/n1/server.log`, 'utf8');
    expect(serverLog).toMatch(/n1: listening for peers on 10\.92\.\d+\.11:7000/);
    expect(serverLog).toContain(`--data-dir ${r.dir}/nodes/n1/data`);
    expect(fs.readdirSync(`${r.dir}/nodes/n1/data`).length).toBeGreaterThan(0);
    // The heal healed in containers: every pause was resumed, and the last leader the servers logged was elected
    // after its node's last restart, did not step down, and led for over 1 s before teardown — longer than
    // check-quorum's 600 ms (2 × the election timeout's 300 ms), which deposes a leader that hears from no majority.
    const resumes = hist.trim().split('\n').map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; value?: { health?: { after?: Record<string, string> } } })
      .filter((op) => op.process === 'nemesis' && op.type !== 'invoke' && op.f === 'resume');
    expect(Object.values(resumes[resumes.length - 1].value?.health?.after ?? {}).join(', ')).not.toMatch(/paused/);
    const held = leaderAtTeardown(r.dir!, log);
    expect(held.why, held.why).toBeUndefined();
    expect(r.left).toEqual([]);
    expect(await probeContainers()).toEqual([]);
  }, 150_000);

  it('--bug stale-read is caught: reads of an isolated leader are not linearizable', async () => {
    const r = await runCustom('docker-stale', [...BASE, '--image', image, '--start', RAFT_START('--bug stale-read'), '--nemesis', 'partition',
      '--partition-shapes', 'primaries', '--nemesis-interval', '2s', '--time-limit', '12s', '--values', '100', '--seed', '5'], 120_000, dockerLeft);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.results?.checkers.linearizable.valid).toBe(false);
    expect(r.stdout).toMatch(/linearizable: INVALID — .*read\[\d+\]\(\) → \d+ .*cannot be linearized/);
    expect(r.left).toEqual([]);
  }, 150_000);

  it('--faketime skews the server inside its container: a process it started reads the offset the nemesis wrote', async () => {
    // Beside the Raft, the start command leaves a loop that writes the (preloaded) shell's idea of now
    // into {data}, which is the node's directory on this machine, bind-mounted.
    // Written to a temporary file and renamed: a read between the shell's truncation of `now` and
    // date's write saw an empty file once in CI.
    const start = `sh -c "while :; do date +%s > {data}/now.tmp && mv -f {data}/now.tmp {data}/now; sleep 0.1; done & exec ${RAFT_START()}"`;
    const store = tempStore('custom-docker-clock');
    const config = { name: 'custom-docker-clock', store, seed: 1, timeLimitS: 2, rate: 20, concurrency: 3, quietS: 0, faults: [], faultIntervalS: 1 };
    const flags = new Map<string, string | true>([['env', 'docker'], ['image', image], ['start', start], ['health', '/health'], ['faketime', true]]);
    const seen: Record<string, number> = {};
    const out = await runTest(config, async (run) => {
      const { plan, cluster } = await customParts({ config, flags, workload: 'register', nodeCount: 3 }, run);
      const afterSetup = plan.afterSetup;
      plan.afterSetup = async () => {
        await afterSetup?.();
        const now = (n: string): number => Number(fs.readFileSync(nodePath.join(cluster.values(n).data, 'now'), 'utf8').trim() || 0);
        await cluster.clock!.setClockOffset('n1', 3_600_000);
        const deadline = Date.now() + 5_000;
        while (now('n1') < Date.now() / 1000 + 3_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        seen.n1 = now('n1') - Date.now() / 1000;
        seen.n2 = now('n2') - Date.now() / 1000;
        await cluster.clock!.setClockOffset('n1', 0);
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    expect(seen.n1).toBeGreaterThan(3_590);
    expect(seen.n1).toBeLessThan(3_610);
    expect(Math.abs(seen.n2)).toBeLessThan(10);
    // The offset file is the node directory's, the same path inside the container.
    expect(fs.readFileSync(`${out.dir}/nodes/n1/.faultline-start.sh`, 'utf8')).toContain(`FAKETIME_TIMESTAMP_FILE=${out.dir}/nodes/n1/clock-offset`);
    expect(dockerLeft('', out.dir)).toEqual([]);
  }, 120_000);

  it.each([
    ['no --image', [], /^faultline: --target custom with --env docker needs --image IMAGE, an image that holds your server/],
    ['an image without faultline-raft', ['--image', baseRecipe().tag], /the image faultline\/debian:\S+ \(--image\) has no faultline-raft, which --start runs inside each container; use the bundled Raft's image \(faultline images build --target raft, then --image faultline\/raft\)/],
    ['a path of this machine the image lacks', ['--image', 'RAFT', '--start', `node ${RAFT_MAIN} --listen {host}:{port}`], new RegExp(`--start names ${RAFT_MAIN.replace(/[/.]/g, '\\$&')}, a path on this machine that the image faultline/raft:\\S+ \\(--image\\) does not hold`)],
    ['an image that is not there', ['--image', 'faultline/nowhere:0'], /the image faultline\/nowhere:0 \(--image\) is not on the Docker daemon; build or load it there first/],
  ])('refuses %s in one sentence, exit 254, before anything starts', async (_what, extra, message) => {
    const args = extra.map((a) => (a === 'RAFT' ? image : a));
    const r = await runCustom('docker-refused', [...BASE, '--start', RAFT_START(), '--time-limit', '5s', ...args], 60_000, dockerLeft);
    expect(r.code, describeRun(r)).toBe(254);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.dir).toBeUndefined();
    expect(await probeContainers()).toEqual([]);
  }, 60_000);
});
