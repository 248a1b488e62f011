/**
 * Paths that the controller (often root) executes or trusts must be owned by the controller's own
 * user and writable by nobody else — nor may any directory above them be, except a sticky one like
 * /tmp, where others cannot rename or delete what is ours. Otherwise another user of the machine
 * could plant a file that root then runs. See docs/security.md for every such path.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';

const uid = (): number => process.getuid?.() ?? 0;

/** Why `path` is not safe to trust, or undefined when it is (owned by us or root, not writable by others). */
export function untrustedReason(path: string, kind: 'file' | 'dir'): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch {
    return `${path} does not exist`;
  }
  if (st.isSymbolicLink()) return `${path} is a symbolic link`;
  if (kind === 'file' && !st.isFile()) return `${path} is not a regular file`;
  if (kind === 'dir' && !st.isDirectory()) return `${path} is not a directory`;
  if (st.uid !== uid()) return `${path} is owned by uid ${st.uid}, not by uid ${uid()} that runs faultline`;
  if (kind === 'dir' && (st.mode & 0o077) !== 0) return `${path} has mode ${(st.mode & 0o777).toString(8)}, not 700`;
  if (kind === 'file' && (st.mode & 0o022) !== 0) return `${path} has mode ${(st.mode & 0o777).toString(8)}: writable by group or others`;
  return ancestorsReason(nodePath.dirname(path));
}

/** Every directory from `dir` up to / must be owned by us or root and not writable by others unless sticky. */
function ancestorsReason(dir: string): string | undefined {
  for (let d = nodePath.resolve(dir); ; d = nodePath.dirname(d)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch {
      return `${d} cannot be read`;
    }
    if (st.uid !== uid() && st.uid !== 0) return `${d} is owned by uid ${st.uid}`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${d} is writable by group or others and not sticky`;
    if (d === nodePath.dirname(d)) return undefined;
  }
}

/**
 * Makes `dir` (and missing parents) a private directory: created with mode 0700, tightened to 0700 if
 * it is ours but looser; throws with one sentence when it belongs to someone else or sits under a
 * directory others can write.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (st.isDirectory() && !st.isSymbolicLink() && st.uid === uid() && (st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  const why = untrustedReason(dir, 'dir');
  if (why) throw new Error(`faultline will not keep files it executes or trusts in ${dir}: ${why}; remove it or set FAULTLINE_CACHE_DIR to a directory of your own`);
}

/** Where helpers built on first use are cached: /var/lib/faultline/cache for root, ~/.cache/faultline otherwise. */
export function helperCacheDir(): string {
  if (process.env.FAULTLINE_CACHE_DIR) return process.env.FAULTLINE_CACHE_DIR;
  return uid() === 0 ? '/var/lib/faultline/cache' : nodePath.join(os.homedir(), '.cache', 'faultline');
}
