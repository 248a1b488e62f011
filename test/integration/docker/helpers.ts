/**
 * Shared bits of the `--env docker` integration tests: whether a daemon answers here (skip with the
 * reason, or fail under CI=true, where .ci/run starts one), the images (built once and reused by
 * recipe hash), the run id a run's log names, and an inventory of everything of a run that exists —
 * containers, networks, volumes, its bridge, DOCKER-USER rules, its state file, helper processes and
 * libfaketime shm files — so each test can count before and after.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { reachDaemon } from '../../../harness/middle/hosts/docker/client.js';
import { ensureImage, targetRecipe, type ImageTarget } from '../../../harness/middle/hosts/docker/images.js';
import { realProbe } from '../../../harness/middle/hosts/preflight.js';

/** Why the docker tests cannot run here (undefined when they can); under CI a missing piece is an error. */
export async function dockerMissing(): Promise<string | undefined> {
  const why: string[] = [];
  if (!realProbe.isRoot()) why.push('root');
  for (const b of ['nsenter', 'iptables', 'iptables-restore', 'debootstrap']) if (!realProbe.hasCommand(b)) why.push(b);
  const daemon = await reachDaemon(undefined, 3_000).catch((e: Error) => e);
  if (daemon instanceof Error) why.push(`a Docker daemon (${daemon.message})`);
  if (why.length === 0) return undefined;
  const reason = `needs ${why.join(', ')} (run sudo npx faultline setup --env docker)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but this machine lacks: ${reason}`);
  return reason;
}

/** Builds the target's image unless present (minutes the first time, nothing after). */
export async function ensureTargetImage(target: ImageTarget): Promise<string> {
  const { docker } = await reachDaemon();
  const recipe = targetRecipe(target);
  await ensureImage(docker, recipe);
  return recipe.tag;
}

const sh = (argv: string[]): string => {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
};

/** The docker run id a run's harness.log names ("docker: network fl-<id>"). */
export function dockerRunIdOf(runDir: string): string | undefined {
  const log = fs.readFileSync(nodePath.join(runDir, 'harness.log'), 'utf8');
  return /docker: network fl-([0-9a-f]{6})/.exec(log)?.[1];
}

/** PIDs the run's log names (`started n1 as pid N`). */
export function pidsOf(runDir: string): number[] {
  const log = fs.readFileSync(nodePath.join(runDir, 'harness.log'), 'utf8');
  return [...log.matchAll(/\bpid (\d+)/g)].map((m) => Number(m[1]));
}

/** Everything of docker run `runId` that exists now, one line per object. */
export function dockerLeftovers(runId: string, pids: readonly number[] = []): string[] {
  const label = `label=faultline.run=${runId}`;
  const out: string[] = [];
  for (const c of sh(['docker', 'ps', '-a', '-q', '--filter', label]).split('\n').filter(Boolean)) out.push(`container ${c}`);
  for (const n of sh(['docker', 'network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) out.push(`network ${n}`);
  for (const v of sh(['docker', 'volume', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) out.push(`volume ${v}`);
  if (sh(['ip', '-o', 'link', 'show', 'dev', `fld-${runId}`]).trim()) out.push(`bridge fld-${runId}`);
  for (const r of sh(['iptables', '-w', '-S']).split('\n')) if (r.includes(`faultline-docker:${runId}`)) out.push(`iptables rule ${r}`);
  if (fs.existsSync(`/run/faultline/docker/${runId}.json`)) out.push(`state file /run/faultline/docker/${runId}.json`);
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(`process ${pid}`);
    } catch { /* gone */ }
  }
  return out;
}

/** libfaketime's shm files on this machine (containers keep theirs in their own /dev/shm). */
export function faketimeShmFiles(): string[] {
  return fs.readdirSync('/dev/shm').filter((f) => f.includes('faketime'));
}
