/**
 * Where rollback keeps its copies of nodes' data directories on this machine: one directory per run,
 * made with mkdtemp in the OS temp dir (mode 0700, ours: no other user can enter it, and the sticky
 * temp dir lets no one rename it), named after the controller's PID and start time so that `faultline
 * cleanup` finds the copies of a controller that died (SIGKILL) without a state file, and never takes
 * a live run's. The copies are root's own files: nothing in them is ever executed or loaded as code.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { isSameProcess, startTime } from './process-info.js';

const PREFIX = 'faultline-copies-';

/** A fresh private directory for this controller's copies. */
export function makeCopiesDir(): string {
  return fs.mkdtempSync(nodePath.join(os.tmpdir(), `${PREFIX}${process.pid}.${startTime(process.pid) ?? 0}-`));
}

/** Removes the copy directories of controllers that are gone (ours only: a directory, not a link, owned by us); the paths removed. */
export function removeOrphanCopies(dir = os.tmpdir()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)\\.(\\d+)-`).exec(n);
    if (!m || isSameProcess(Number(m[1]), Number(m[2]) || undefined)) continue;
    const p = nodePath.join(dir, n);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st?.isDirectory() || st.uid !== process.getuid?.()) continue;
    fs.rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}
