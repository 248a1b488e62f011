/**
 * A process this machine starts for a host (a server in a namespace, a helper entered into a
 * container's namespace) as a `RemoteProcess`: its PID once it runs, recorded by the caller for
 * `faultline cleanup` and forgotten when it exits; signals and stop go to the PID directly.
 */
import { spawn as spawnChild, type SpawnOptions as ChildSpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { isAlive, terminate } from './process-info.js';
import { openAppend } from './safe-files.js';
import type { RemoteProcess } from './remote.js';

export interface TrackedChildOptions {
  /** Appended with the process's stdout and stderr; none: both go nowhere. */
  logFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with the PID once the process runs, before `spawn` resolves: record it. */
  record(pid: number): void;
  /** Called once the process exited (Node reaped it; its PID is free now): drop the record. */
  forget(pid: number): void;
}

/**
 * Starts `argv` detached (a Ctrl-C on the terminal must reach the controller, which tears down in
 * order, not the process) and resolves once it runs.
 */
export async function spawnTracked(argv: readonly string[], opts: TrackedChildOptions): Promise<RemoteProcess> {
  // The log lies in a directory the node may write: never follow a link planted at its name.
  const fd = opts.logFile ? openAppend(opts.logFile) : 'ignore';
  const spawnOpts: ChildSpawnOptions = { detached: true, stdio: ['ignore', fd, fd], cwd: opts.cwd, ...(opts.env ? { env: opts.env } : {}) };
  const child = spawnChild(argv[0], argv.slice(1), spawnOpts);
  if (typeof fd === 'number') fs.closeSync(fd);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', reject);
  });
  opts.record(pid);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      opts.forget(pid);
      resolve({ code, signal });
    });
  });
  return {
    pid, exited,
    get running() { return running; },
    async signal(sig) { if (running) process.kill(pid, sig); },
    async stop(graceMs = 2_000) {
      if (running && isAlive(pid)) await terminate(pid, graceMs);
      await exited;
    },
  };
}
