/**
 * The record of everything one run created on this machine, kept in `/run/faultline/<runid>.json`
 * and rewritten (atomically) before each thing is created, so `faultline cleanup` can remove what a
 * SIGKILLed run left: namespaces, the bridge, host iptables rules, processes (with their start time,
 * so a reused PID is never killed) and libfaketime's /dev/shm files of those processes.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { isAlive } from '../process-info.js';
import { JsonStateFile, readStateFiles } from '../state-file.js';
import { ensurePrivateDir } from '../trust.js';

/** Where state files live; `FAULTLINE_STATE_DIR` overrides it (tests of the cleanup logic). */
export function stateDir(): string {
  return process.env.FAULTLINE_STATE_DIR ?? '/run/faultline';
}

export interface RecordedProcess {
  pid: number;
  /** /proc start time in ticks, to tell the recorded process from a later one with the same PID. */
  start?: number;
  node: string;
  what: string;
}

export interface RunState {
  runId: string;
  /** PID of the controller that owns the run; a live owner means the run is still going. */
  owner: number;
  ownerStart?: number;
  createdAt: string;
  subnet?: string;
  bridge?: string;
  namespaces: string[];
  /** Host iptables rules as the argv after `-A`/`-I <chain> [pos]`: removed with `-D <chain> ...`. */
  hostRules: { table: string; chain: string; spec: string[] }[];
  processes: RecordedProcess[];
  /** PIDs whose libfaketime shm files must go once they are dead. */
  shmPids: number[];
}

/** The local environment's state file, written on every change. */
export class StateFile extends JsonStateFile<RunState> {
  constructor(state: RunState) {
    super(state, [stateDir()]);
  }
}

/** Every state file in the state directory (unreadable ones are reported with their error). */
export function readStates(): { file: string; state?: RunState; error?: string }[] {
  return readStateFiles<RunState>(stateDir());
}

/** True while the run's controller process is still alive (same PID and start time). */
export function ownerAlive(state: RunState): boolean {
  if (!isAlive(state.owner)) return false;
  if (state.ownerStart === undefined) return true;
  try {
    const stat = fs.readFileSync(`/proc/${state.owner}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) === state.ownerStart;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` holding the machine-wide lock on choosing a subnet: from reading the routes and the state
 * files to saving this run's own state file, so two runs started at the same moment cannot both pick
 * the first free /24 (they would route each other's nodes: one run's clients talking to the other's
 * cluster). The lock is a file created exclusively in the state directory; one left by a dead process,
 * or older than `staleMs`, is taken over.
 */
export async function withSubnetLock<T>(fn: () => Promise<T>, staleMs = 10_000): Promise<T> {
  ensurePrivateDir(stateDir());
  const path = nodePath.join(stateDir(), 'subnet.lock');
  const deadline = Date.now() + 2 * staleMs;
  for (;;) {
    try {
      fs.writeFileSync(path, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let stale = false;
      try {
        const owner = Number(fs.readFileSync(path, 'utf8'));
        stale = !(owner > 0 && isAlive(owner)) || Date.now() - fs.statSync(path).mtimeMs > staleMs;
      } catch {
        continue; // released between our attempt and the read: try again at once
      }
      if (stale) fs.rmSync(path, { force: true });
      else if (Date.now() > deadline) throw new Error(`the subnet lock ${path} is held by a live process for over ${2 * staleMs / 1000} s`);
      else await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(path, { force: true });
  }
}
