/**
 * What the images built from Debian packages share — the Docker images of `--env docker` and the VM
 * test host of `--env ssh` (ssh/vm-image.ts): the host's Debian apt sources and mirror, and one
 * builder at a time per image on this machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { isSameProcess, startTime } from './process-info.js';

/** The host's Debian apt sources (deb822 and one-line files) that the images install from. */
export function aptSources(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const dir = '/etc/apt/sources.list.d';
  if (fs.existsSync('/etc/apt/sources.list')) out.push({ name: 'host.list', text: fs.readFileSync('/etc/apt/sources.list', 'utf8') });
  for (const n of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    if (!/\.(list|sources)$/.test(n)) continue;
    const text = fs.readFileSync(nodePath.join(dir, n), 'utf8');
    // Only Debian's own archives: a third-party source needs keys the image does not have.
    if (/deb\.debian\.org|\/debian(-security)?\/?(\s|$)/m.test(text) && !/nodesource|google/.test(text)) out.push({ name: n, text });
  }
  return out;
}

/** The Debian mirror the host uses (debootstrap fetches a root filesystem from it). */
export function debianMirror(): string {
  for (const s of aptSources()) {
    const m = /(https?:\/\/\S+\/debian)\/?(\s|$)/m.exec(s.text);
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/**
 * One builder at a time per image on this machine: two test files or runs that need the same missing
 * image (a Docker image, the VM test host's) wait for the first instead of running debootstrap twice
 * on two cores. The lock file names its owner's PID and start time: a lock of a dead owner, of a
 * reused PID, or without a start time (a lock naming PID 1 stalled every build forever) is stale and
 * taken over.
 */
export async function withBuildLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = nodePath.join(os.tmpdir(), 'faultline-image-locks');
  fs.mkdirSync(dir, { recursive: true });
  const lock = nodePath.join(dir, `${name.replace(/[^a-z0-9.-]/gi, '_')}.lock`);
  const mine = lockText(process.pid);
  for (;;) {
    try {
      fs.writeFileSync(lock, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockIsStale(lock)) { fs.rmSync(lock, { force: true }); continue; }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** What a lock file holds: `<pid> <start time in ticks>`. */
export function lockText(pid: number): string {
  return `${pid} ${startTime(pid) ?? 0}\n`;
}

/** True when the lock's owner is gone (or the file says no owner that can be checked). */
export function lockIsStale(lock: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(lock, 'utf8');
  } catch {
    return false; // removed meanwhile: the next try takes it
  }
  const m = /^(\d+) (\d+)\s*$/.exec(text);
  if (!m) return true;
  return !isSameProcess(Number(m[1]), Number(m[2]));
}
