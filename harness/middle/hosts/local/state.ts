/**
 * The record of everything one run created on this machine, kept in `/run/faultline/<runid>.json`
 * and rewritten (atomically) before each thing is created, so `faultline cleanup` can remove what a
 * SIGKILLed run left: namespaces, the bridge, host iptables rules, processes (with their start time,
 * so a reused PID is never killed) and libfaketime's /dev/shm files of those processes.
 */
import fs from 'node:fs';
import { isAlive } from '../process-info.js';
import { JsonStateFile, readStateFiles } from '../state-file.js';
import { withMachineLock } from '../machine-lock.js';

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
 * Runs `fn` holding the machine-wide start-up lock (machine-lock.ts): a run chooses its subnet and
 * saves its state file under it, so two runs starting together never pick the same /24 and
 * `faultline cleanup` never takes a starting run's namespaces for orphans.
 */
export async function withSubnetLock<T>(fn: () => Promise<T>): Promise<T> {
  return withMachineLock(stateDir(), fn);
}
