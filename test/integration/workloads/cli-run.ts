/**
 * Runs the real CLI (`node dist/harness/top/cli/main.js run …`) as a child process, the way a user does,
 * with a throw-away store, and hands back its exit code, output, results.json and history. Each run
 * gets a directory of its own whose path is in every node's command line (the node script is
 * reached through a symlink there), so "no process left behind" is a scan of /proc for that path,
 * which can never mistake another engineer's processes for ours.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Op } from '../../../harness/ground/history/op.js';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = nodePath.join(ROOT, 'dist/harness/top/cli/main.js');
export const NODES = nodePath.join(ROOT, 'test/nodes');

/** CLI runs at once: each is mostly idle (100 ops/s), but a loaded 2-core machine has its limits. */
const MAX_PARALLEL = 3;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The run's own directory; the store is `<tmp>/store`. */
  tmp: string;
  store: string;
  /** `<store>/latest/results.json`, when the run got that far. */
  results?: Record<string, any>;
  /** `<store>/latest/history.jsonl`, parsed. */
  history: Op[];
  /** PIDs still running with the run's directory in their command line after the CLI exited. */
  leftovers: number[];
  seconds: number;
}

export interface CliOptions {
  /** A node script of test/nodes (linked into the run's directory), or an absolute path used as is. */
  bin?: string;
  /** Extra environment for the CLI (and so for the nodes). */
  env?: Record<string, string>;
  /** The CLI is killed after this long; default 120 s. */
  timeoutMs?: number;
}

const dirs: string[] = [];
let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_PARALLEL) await new Promise<void>((r) => waiting.push(r));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** Throws one sentence naming the fix when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing; build first with npx tsc -p tsconfig.json (npm test does)`);
}

/** A fresh directory, removed by cleanupRuns unless KEEP_WORKLOAD_RUNS is set. */
export function runDir(label: string): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-wl-${label}-`));
  dirs.push(d);
  return d;
}

/** Live (non-zombie) PIDs whose command line contains `needle`. */
export function processesWith(needle: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) out.push(Number(entry));
    } catch {
      // Gone while we looked: not a leftover.
    }
  }
  return out;
}

/** `faultline run --target maelstrom --bin … --store <tmp>/store …args`. */
export async function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  const release = await slot();
  try {
    return await runOnce(args, opts);
  } finally {
    release();
  }
}

async function runOnce(args: readonly string[], opts: CliOptions): Promise<CliRun> {
  const tmp = runDir((opts.bin ?? 'run').replace(/\W+/g, '-').replace(/^-|-$/g, ''));
  const store = nodePath.join(tmp, 'store');
  const argv = [CLI, 'run', '--target', 'maelstrom', '--store', store];
  if (opts.bin !== undefined) {
    let bin = opts.bin;
    if (!nodePath.isAbsolute(bin)) {
      // Node resolves the script's own imports (./node-lib.mjs) from its real path, so a link works.
      bin = nodePath.join(tmp, 'bin', opts.bin);
      fs.mkdirSync(nodePath.dirname(bin), { recursive: true });
      fs.symlinkSync(nodePath.join(NODES, opts.bin), bin);
    }
    argv.push('--bin', bin);
  }
  argv.push(...args);
  const started = Date.now();
  const child = spawn(process.execPath, argv, { cwd: tmp, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  // The CLI has exited: whatever still runs from our directory was left behind. Orphans are reaped
  // a little late by PID 1, so give them a moment before calling them leftovers.
  let leftovers = processesWith(tmp);
  for (let i = 0; i < 30 && leftovers.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    leftovers = processesWith(tmp);
  }
  // Never leave them running, even though the test will fail on them.
  for (const pid of leftovers) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
  if (timedOut) throw new Error(`faultline run ${args.join(' ')} did not finish within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`);
  const latest = nodePath.join(store, 'latest');
  const resultsFile = nodePath.join(latest, 'results.json');
  const historyFile = nodePath.join(latest, 'history.jsonl');
  const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, any> : undefined;
  const history = fs.existsSync(historyFile)
    ? fs.readFileSync(historyFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Op)
    : [];
  return { code, signal, stdout, stderr, tmp, store, results, history, leftovers, seconds: (Date.now() - started) / 1000 };
}

/** Removes every run directory (for afterAll); KEEP_WORKLOAD_RUNS=1 keeps them for a post-mortem. */
export function cleanupRuns(): void {
  if (process.env.KEEP_WORKLOAD_RUNS) return;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** What a run printed and where, for assertion messages. */
export function describeRun(r: CliRun): string {
  return `exit ${r.code} after ${r.seconds.toFixed(1)} s\nstdout:\n${r.stdout}\nstderr (last 2000 chars):\n${r.stderr.slice(-2000)}`;
}
