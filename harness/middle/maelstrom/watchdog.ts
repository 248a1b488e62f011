/**
 * Node processes die with their controller. Nodes run in process groups of their own (so signals
 * reach a node's children too), which also means nothing kills them when the controller is SIGKILLed:
 * a running node sees its stdin close and exits, but a paused one (SIGSTOP) never runs again and is
 * left stopped, owned by init. So the first node spawned also spawns a watchdog: a tiny detached
 * process that holds the read end of a pipe from the controller and is told each node's group as it
 * starts and stops. When the pipe closes — the controller exited, however it died — the watchdog
 * SIGKILLs every group still listed (SIGKILL ends a stopped process too) and exits. It runs with no
 * privileges beyond the controller's and holds no file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

// Lines: "+<pgid> <start ticks>" when a group starts, "-<pgid>" when it is gone. On end of input:
// SIGKILL each listed group, unless its leader's PID now belongs to a newer process (PID reuse).
const SCRIPT = `
const fs = require('node:fs');
const groups = new Map();
let buf = '';
const startOf = (pid) => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]; } catch { return undefined; } };
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  for (let i; (i = buf.indexOf('\\n')) >= 0; buf = buf.slice(i + 1)) {
    const [id, start] = buf.slice(1, i).split(' ');
    if (buf[0] === '+') groups.set(Number(id), start); else groups.delete(Number(id));
  }
});
const end = () => {
  for (const [pgid, start] of groups) {
    const now = startOf(pgid);
    if (now !== undefined && start !== undefined && now !== start) continue;
    try { process.kill(-pgid, 'SIGKILL'); } catch {}
  }
  process.exit(0);
};
process.stdin.on('end', end);
process.stdin.on('error', end);
`;

let dog: ChildProcess | undefined;

function watchdog(): ChildProcess | undefined {
  if (dog && dog.exitCode === null && dog.signalCode === null) return dog;
  try {
    dog = spawn(process.execPath, ['-e', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    return undefined;
  }
  dog.on('error', () => { dog = undefined; });
  dog.stdin!.on('error', () => {});
  // Neither the watchdog nor its pipe may keep the controller alive.
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void }).unref?.();
  return dog;
}

/** The start time of `pid` in clock ticks, from /proc (undefined when gone). */
function startTicks(pid: number): string | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Kill process group `pgid` if this controller dies before calling {@link unwatchGroup}. */
export function watchGroup(pgid: number): void {
  watchdog()?.stdin?.write(`+${pgid} ${startTicks(pgid) ?? ''}\n`);
}

/** The group is gone (the node exited): the watchdog forgets it. */
export function unwatchGroup(pgid: number): void {
  if (dog?.stdin?.writable) dog.stdin.write(`-${pgid}\n`);
}

/** The watchdog's PID, for tests. */
export function watchdogPid(): number | undefined {
  return dog?.pid;
}
