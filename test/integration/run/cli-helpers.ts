/**
 * Running the real `faultline` CLI (dist/, built by `npm test`) as a child process in tests, and
 * looking for processes a run left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = nodePath.join(ROOT, 'dist/harness/top/cli/main.js');
export const NODES = nodePath.join(ROOT, 'test/nodes');

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `faultline ...args` in `cwd`. */
export function startCli(args: string[], cwd: string): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** A fresh temp dir, for a store. */
export function tempStore(label: string): string {
  return fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-run-${label}-`));
}

/** PIDs of live (non-zombie) processes whose command line contains `token`. */
export function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes(token)) continue;
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') found.push(Number(d));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Polls `cond` every 50 ms until it holds, or throws after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The records of a run's history.jsonl. */
export function historyOf(runDir: string): Record<string, unknown>[] {
  return fs.readFileSync(nodePath.join(runDir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * When a run's time limit ended, in ns of its history's clock: the clients' start, as harness.log
 * states it (run.ts), plus the limit. Ops invoked after it (the final heal, final reads) are not part
 * of the schedule; undefined when the log does not say.
 */
export function timeLimitEnd(runDir: string, limitS: number): number | undefined {
  const startS = Number(/clients start at ([0-9.]+) s/.exec(fs.readFileSync(nodePath.join(runDir, 'harness.log'), 'utf8'))?.[1]);
  return Number.isFinite(startS) ? (startS + limitS) * 1e9 : undefined;
}
