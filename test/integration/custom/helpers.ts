/**
 * Running `faultline run --target custom …` as a user does (the built CLI in a child process) with a
 * throw-away store, and finding what a run left behind: its namespaces, rules and the PIDs its
 * servers had (from harness.log), plus any process whose command line holds the store's path.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { leftovers, pidsOf, runIdOf, tempStore } from '../provision/helpers.js';
import { processesWith } from '../run/cli-helpers.js';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = nodePath.join(ROOT, 'dist/harness/top/cli/main.js');
export const CLIENTS = nodePath.join(ROOT, 'test/integration/custom/clients');

/** The Raft as a user starts it, with extra node flags (e.g. a bug switch). */
export const RAFT_START = (extra = ''): string => `faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}${extra ? ` ${extra}` : ''}`;

export interface CustomRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The run directory (store/latest), when the run got that far. */
  dir?: string;
  results?: Record<string, any>;
  /** Whatever of the run still exists after the CLI exited. */
  left: string[];
  seconds: number;
}

/**
 * `faultline run --target custom --store <tmp> …args`, killed after `timeoutMs`. `left` finds what of
 * the run still exists (default: local namespaces, rules and server PIDs; docker and ssh runs pass
 * their own).
 */
export async function runCustom(label: string, args: readonly string[], timeoutMs = 120_000, left: (store: string, dir: string | undefined) => string[] = localLeftovers): Promise<CustomRun> {
  const store = tempStore(`custom-${label}`);
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, 'run', '--target', 'custom', '--store', store, ...(args.includes('--nemesis') ? [] : ['--nemesis', 'none']), ...args], { cwd: store, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const latest = nodePath.join(store, 'latest');
  const dir = fs.existsSync(latest) ? fs.realpathSync(latest) : undefined;
  const resultsFile = dir && nodePath.join(dir, 'results.json');
  const results = resultsFile && fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, any> : undefined;
  const seconds = (Date.now() - t0) / 1000;
  return { code, stdout, stderr, dir, results, left: await settledLeftovers(store, dir, left), seconds };
}

/** A local run's namespaces, rules and server PIDs. */
export const localLeftovers = (_store: string, dir: string | undefined): string[] => (dir ? leftovers(runIdOf(dir), pidsOf(dir)) : []);

/**
 * What of a run still exists once its CLI exited: processes whose command line holds the store's
 * path, and what `of` finds (by default the run's namespaces, rules and server PIDs). Orphans are reaped a little late by PID 1
 * on a loaded machine, so anything found is looked at again for up to 3 s before it counts.
 */
export async function settledLeftovers(store: string, dir: string | undefined, of: (store: string, dir: string | undefined) => string[] = localLeftovers): Promise<string[]> {
  const look = (): string[] => processesWith(store).map((p) => `process ${p}`).concat(of(store, dir));
  let left = look();
  for (let i = 0; i < 30 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = look();
  }
  return left;
}

/** What a run printed, for assertion messages. */
export function describeRun(r: CustomRun): string {
  return `exit ${r.code} after ${r.seconds.toFixed(1)} s\nstdout:\n${r.stdout.slice(-1500)}\nstderr:\n${r.stderr.slice(-1500)}`;
}
