/**
 * Paths that the controller (often root) executes or trusts must be owned by root or by the user who
 * runs faultline (under sudo, the user in SUDO_UID) and writable by nobody else — nor may any
 * directory above them be, except a sticky one like /tmp, where others cannot rename or delete what is
 * ours. Otherwise another user of the machine could plant a file that root then runs: a config file,
 * a --client module, a binary a setting names (--etcd-bin), or a helper faultline built. Every such
 * check goes through untrustedReason; see docs/security.md for every such path.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';

const uid = (): number => process.getuid?.() ?? 0;

/**
 * The uids whose files faultline may load or run: root, the process's own, and under sudo (root with
 * SUDO_UID set) the invoking user — a checkout of theirs is what they mean to test.
 */
export function trustedUids(): number[] {
  const uids = new Set([0, uid()]);
  const sudo = process.env.SUDO_UID;
  if (uid() === 0 && sudo !== undefined && /^\d+$/.test(sudo)) uids.add(Number(sudo));
  return [...uids];
}

/** "root", or "root or uid 1000 (SUDO_UID)", for a sentence about an owner. */
function trustedWho(): string {
  const others = trustedUids().filter((u) => u !== 0);
  if (others.length === 0) return 'root, who runs faultline';
  return `root or uid ${others.join(' or uid ')}${others.includes(uid()) ? ' that runs faultline' : ' (SUDO_UID)'}`;
}

/**
 * What a path is trusted as. `file`: a regular file (not a link). `dir`: a private directory (mode
 * 700). `code`: a file faultline loads or executes on a user's word (a config, a client module, a
 * binary a setting names); a symbolic link is followed, and both the link's directories and the file
 * it leads to must be trusted. `searched`: a directory a config is looked for in (not writable by
 * group or others, sticky or not).
 */
export type TrustKind = 'file' | 'dir' | 'code' | 'searched';

/**
 * Why `path` is not safe to trust as `kind`, or undefined when it is: owned by root or the invoking
 * user, not writable by group or others, and every directory above it owned by them and writable by
 * no one else unless sticky.
 */
export function untrustedReason(path: string, kind: TrustKind): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch {
    return `${path} does not exist`;
  }
  if (st.isSymbolicLink()) {
    if (kind !== 'code') return `${path} is a symbolic link`;
    let real: string;
    try {
      real = fs.realpathSync(path);
    } catch {
      return `${path} is a symbolic link that leads nowhere`;
    }
    return ancestorsReason(nodePath.dirname(nodePath.resolve(path))) ?? untrustedReason(real, 'code');
  }
  if (kind !== 'dir' && kind !== 'searched' && !st.isFile()) return `${path} is not a regular file`;
  if ((kind === 'dir' || kind === 'searched') && !st.isDirectory()) return `${path} is not a directory`;
  if (!trustedUids().includes(st.uid)) return `${path} is owned by uid ${st.uid}, not by ${trustedWho()}`;
  if (kind === 'dir' && (st.mode & 0o077) !== 0) return `${path} has mode ${(st.mode & 0o777).toString(8)}, not 700`;
  if (kind !== 'dir' && (st.mode & 0o022) !== 0) return `${path} has mode ${(st.mode & 0o777).toString(8)}: writable by group or others`;
  return ancestorsReason(nodePath.dirname(nodePath.resolve(path)));
}

/** Every directory from `dir` up to / must be owned by a trusted uid and not writable by others unless sticky. */
function ancestorsReason(dir: string): string | undefined {
  for (let d = nodePath.resolve(dir); ; d = nodePath.dirname(d)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch {
      return `${d} cannot be read`;
    }
    if (!trustedUids().includes(st.uid)) return `${d} is owned by uid ${st.uid}, not by ${trustedWho()}`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${d} is writable by group or others and not sticky`;
    if (d === nodePath.dirname(d)) return undefined;
  }
}

/** Whether `dir` is a sticky directory others may write (/tmp): files in it may be anyone's. */
export function isSharedDir(dir: string): boolean {
  try {
    const st = fs.statSync(dir);
    return (st.mode & 0o1000) !== 0 && (st.mode & 0o022) !== 0;
  } catch {
    return false;
  }
}

/**
 * Throws the one-sentence refusal to load or run `path` (`what` names it: "the config", "--client")
 * when untrustedReason finds a reason; returns otherwise.
 */
export function refuseUntrusted(path: string, what: string, verb: 'load' | 'run' = 'load'): void {
  const why = untrustedReason(path, 'code');
  if (why === undefined) return;
  throw new InputError(`faultline will not ${verb} ${what} ${path}: ${why}, so another user could change what faultline ${verb === 'run' ? 'runs' : 'loads'}; move it into a directory of your own (owned by you or root, writable by no one else)`);
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
