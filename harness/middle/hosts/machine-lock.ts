/**
 * The machine-wide start-up lock, `<state dir>/subnet.lock` (named for what it first guarded; the name is
 * kept so runs of an older Faultline on the same machine still take turns with this one). A run holds it from before it creates
 * anything (namespace, bridge, container, rule) until its state file naming its live controller is
 * written, and `faultline cleanup` holds it while it decides what is orphaned: so cleanup never sees a
 * starting run's objects without the state file that claims them (it once removed a run that started
 * 0.4 s before it, which then reported valid with dead servers). Two runs starting together also take
 * turns choosing a subnet, so they never pick the same /24.
 *
 * The file names its holder as "<pid> <start time in ticks>"; a lock whose holder is gone, or whose PID
 * now belongs to another process, is taken over.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { isSameProcess, startTime } from './process-info.js';
import { ensurePrivateDir } from './trust.js';

/** The holder a lock file names, or undefined while it is being written (or garbage). */
function holderOf(text: string): { pid: number; start?: number } | undefined {
  const m = /^(\d+)(?: (\d+))?\s*$/.exec(text);
  if (!m || Number(m[1]) <= 0) return undefined;
  return { pid: Number(m[1]), start: m[2] === undefined ? undefined : Number(m[2]) };
}

/** A lock file's content read once, and whether its holder is gone. */
function inspect(path: string): { text: string; stale: boolean } | undefined {
  let text: string;
  let ageMs: number;
  try {
    text = fs.readFileSync(path, 'utf8');
    ageMs = Date.now() - fs.statSync(path).mtimeMs;
  } catch {
    return undefined; // released meanwhile
  }
  const holder = holderOf(text);
  // An empty file is one being written right now (created, not yet filled): stale only once old.
  if (!holder) return { text, stale: ageMs > 2_000 };
  return { text, stale: !isSameProcess(holder.pid, holder.start) };
}

/**
 * Runs `fn` holding the machine-wide start-up lock of `dir` (the state directory), waiting up to
 * `waitMs` for a live holder; see the module comment.
 */
export async function withMachineLock<T>(dir: string, fn: () => Promise<T>, waitMs = 60_000): Promise<T> {
  ensurePrivateDir(dir);
  const path = nodePath.join(dir, 'subnet.lock');
  const me = `${process.pid} ${startTime(process.pid) ?? ''}`.trim();
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.writeFileSync(path, me, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = inspect(path);
    if (seen?.stale) {
      // Take the stale file away by renaming it (atomic), then make sure it was the stale one: a holder
      // that replaced it between our read and the rename gets its file back.
      const grave = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        fs.renameSync(path, grave);
        if (fs.readFileSync(grave, 'utf8') !== seen.text) {
          try { fs.linkSync(grave, path); } catch { /* a new lock exists: that holder goes first */ }
        }
        fs.rmSync(grave, { force: true });
      } catch {
        // Someone else took it over first.
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`the start-up lock ${path} has been held by process ${seen?.text.split(' ')[0] ?? '?'} for over ${waitMs / 1000} s; if that process is hung, stop it`);
    }
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    // Only our own lock is removed (a stale takeover may have replaced it, in theory).
    try {
      if (fs.readFileSync(path, 'utf8') === me) fs.rmSync(path, { force: true });
    } catch { /* already gone */ }
  }
}
