/**
 * What /proc says about a PID: alive or a zombie (PID 1 here reaps orphans ~1.5 s late, so "exists" is
 * not "alive"), its start time (so a cleanup never kills a stranger that reused a recorded PID), and
 * waiting for a death.
 */
import fs from 'node:fs';

/** Fields of /proc/PID/stat after the command name, or undefined if the PID is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True when `pid` runs or is stopped; false when it is gone or a zombie. */
export function isAlive(pid: number): boolean {
  const f = statFields(pid);
  return f !== undefined && f[0] !== 'Z' && f[0] !== 'X';
}

/** The process state letter (R, S, T, Z, …), or undefined when gone. */
export function processState(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/** Start time of `pid` in clock ticks since boot (field 22), or undefined when gone. */
export function startTime(pid: number): number | undefined {
  const f = statFields(pid);
  return f === undefined ? undefined : Number(f[19]);
}

/** True when `pid` is alive and is the process that started at `ticks` (not a reuse of its PID). */
export function isSameProcess(pid: number, ticks: number | undefined): boolean {
  if (!isAlive(pid)) return false;
  return ticks === undefined || startTime(pid) === ticks;
}

/** Waits until `pid` is dead (or a zombie), up to `timeoutMs`; true if it died. */
export async function waitDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** SIGTERM, then SIGKILL after `graceMs` if still alive; resolves once it is dead. Never throws. */
export async function terminate(pid: number, graceMs = 2_000): Promise<void> {
  const send = (sig: NodeJS.Signals): void => {
    try { process.kill(pid, sig); } catch { /* already gone */ }
  };
  if (!isAlive(pid)) return;
  // A stopped process cannot act on SIGTERM until continued.
  send('SIGCONT');
  send('SIGTERM');
  if (await waitDead(pid, graceMs)) return;
  send('SIGKILL');
  await waitDead(pid, 5_000);
}
