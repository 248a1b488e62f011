/**
 * The file faults of `--nemesis disk`, applied to a stopped node's data directory: cut the tail of its
 * log, flip bits in a data file (rollback's copy is disk-ops' own: node-disks.ts). The directory is one
 * the node writes, so every file is opened through safe-files.ts (no component a link, regular files
 * with one link only) and every change is fsynced (under the lose-un-fsynced layer too: a file fault
 * is damage already on the disk, not a write the next crash may take back).
 */
import fs from 'node:fs';
import type { DiskTouch as FileTouch } from '../../../ground/contracts/roles.js';
import { openDirIn, openInDir } from '../../hosts/safe-files.js';

const C = fs.constants;

/** The most a truncate cuts off the log's tail, and how many bits one bit-flip flips. */
export const TRUNCATE_MAX_BYTES = 512;
export const FLIP_BITS = 8;

/**
 * A store's files, named by its target: a path below the node's directory, or every regular file of
 * `dir` whose name matches `match`, newest first (by `seq` of the name, highest first; else by name,
 * last first) — etcd's WAL segments, ZooKeeper's `log.<zxid>`, Consul's snapshot directories.
 */
export type FileSpec = string | { dir: string; match: RegExp; seq?: (name: string) => number };

/** `specs` for one node: `{node}` in a path or a pattern's folder is the node's name (a custom target's --disk-files). */
export function forNode(specs: readonly FileSpec[], node: string): FileSpec[] {
  return specs.map((s) => (typeof s === 'string' ? s.replaceAll('{node}', node) : { ...s, dir: s.dir.replaceAll('{node}', node) }));
}

/** The files `specs` name below `dir` as it is now (relative paths, in the order given; a pattern's newest first). */
export function expandFiles(dir: string, specs: readonly FileSpec[]): string[] {
  const out: string[] = [];
  for (const s of specs) {
    if (typeof s === 'string') {
      out.push(s);
      continue;
    }
    let fd: number;
    try {
      fd = openDirIn(dir, s.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    let names: string[];
    try {
      names = fs.readdirSync(`/proc/self/fd/${fd}`, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    } finally {
      fs.closeSync(fd);
    }
    out.push(...patternFiles(s, names));
  }
  return out;
}

/** A pattern's matches among `names` (the regular files of its folder) as paths below the node's directory, newest first (shared with host-disks.ts). */
export function patternFiles(s: Exclude<FileSpec, string>, names: readonly string[]): string[] {
  const matched = names.filter((n) => s.match.test(n));
  matched.sort((a, b) => (s.seq ? s.seq(b) - s.seq(a) : b.localeCompare(a)));
  return matched.map((n) => `${s.dir}/${n}`);
}

/** The order a bit-flip tries `files` in: from one drawn at random, round to the start (the first present is damaged). */
export function flipOrder(files: readonly string[], pick: (n: number) => number): string[] {
  const start = files.length === 0 ? 0 : pick(files.length);
  return [...files.slice(start), ...files.slice(0, start)];
}

/**
 * Where a file's data ends: one past its last non-zero byte. etcd and ZooKeeper preallocate their log
 * segments (64 MB of zeros), so a tail cut or a flipped bit must land in what was written, not in
 * the padding, to damage anything.
 */
export function dataEnd(fd: number, size: number): number {
  const CHUNK = 1 << 20;
  const buf = Buffer.alloc(CHUNK);
  for (let end = size; end > 0; end -= CHUNK) {
    const start = Math.max(0, end - CHUNK);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    for (let i = n - 1; i >= 0; i--) if (buf[i] !== 0) return start + i + 1;
  }
  return 0;
}

/** The first of `names` (paths below `dir`) that is a regular file with data (not only zeros), or undefined. */
function firstPresent(dir: string, names: readonly string[]): { name: string; fd: number; size: number; end: number } | undefined {
  for (const name of names) {
    let fd: number;
    try {
      fd = openInDir(dir, name, C.O_RDWR);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const size = fs.fstatSync(fd).size;
    const end = size > 0 ? dataEnd(fd, size) : 0;
    if (end > 0) return { name, fd, size, end };
    fs.closeSync(fd);
  }
  return undefined;
}

/** How many bytes a truncate cuts off data ending at `end`: 1..TRUNCATE_MAX_BYTES, never all of it (shared with the hosts' disk-ops). */
export function cutBytes(end: number, pick: (n: number) => number): number {
  return Math.min(1 + pick(Math.min(TRUNCATE_MAX_BYTES, Math.max(1, end - 1))), end);
}

/** The FLIP_BITS bits a bit-flip flips in data ending at `end`, in the order drawn (a bit drawn twice flips back). */
export function flipPlan(end: number, pick: (n: number) => number): number[] {
  return Array.from({ length: FLIP_BITS }, () => pick(end * 8));
}

/** What a bit-flip of `bits` in `file` touched: the byte range and the bits, sorted. */
export function flipTouch(file: string, bits: readonly number[]): FileTouch {
  const offs = bits.map((b) => Math.floor(b / 8));
  const lo = Math.min(...offs), hi = Math.max(...offs);
  return { file, offset: lo, bytes: hi - lo + 1, bits: [...bits].sort((a, b) => a - b) };
}

/**
 * Cuts 1..TRUNCATE_MAX_BYTES bytes (never all of it) off the end of the data of the first present of
 * `logs` (a preallocated segment loses its zero padding too: the file ends where the cut is).
 */
export function truncateTail(dir: string, logs: readonly FileSpec[], pick: (n: number) => number): FileTouch[] {
  const f = firstPresent(dir, expandFiles(dir, logs));
  if (!f) return [];
  try {
    const bytes = cutBytes(f.end, pick);
    fs.ftruncateSync(f.fd, f.end - bytes);
    fs.fsyncSync(f.fd);
    return [{ file: f.name, offset: f.end - bytes, bytes }];
  } finally {
    fs.closeSync(f.fd);
  }
}

/** Flips FLIP_BITS random bits in the data (up to its last non-zero byte) of one file drawn from the present `files`. */
export function flipBits(dir: string, files: readonly FileSpec[], pick: (n: number) => number): FileTouch[] {
  const f = firstPresent(dir, flipOrder(expandFiles(dir, files), pick));
  if (!f) return [];
  try {
    const bits = flipPlan(f.end, pick);
    for (const bit of bits) {
      const off = Math.floor(bit / 8);
      const b = Buffer.alloc(1);
      fs.readSync(f.fd, b, 0, 1, off);
      b[0] ^= 1 << (bit % 8);
      fs.writeSync(f.fd, b, 0, 1, off);
    }
    fs.fsyncSync(f.fd);
    return [flipTouch(f.name, bits)];
  } finally {
    fs.closeSync(f.fd);
  }
}
