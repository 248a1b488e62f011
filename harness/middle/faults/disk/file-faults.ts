/**
 * The file faults of `--nemesis disk`, applied to a stopped node's data directory: cut the tail of its
 * log, flip bits in a data file, roll the directory back to a copy taken earlier. The directory is one
 * the node writes, so every file is opened through safe-files.ts (no component a link, regular files
 * with one link only) and every change is fsynced (under the lose-un-fsynced layer too: a file fault
 * is damage already on the disk, not a write the next crash may take back).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { DiskTouch as FileTouch } from '../../../ground/contracts/roles.js';
import { openDirIn, openInDir, readInDir, writeAtomicIn } from '../../hosts/safe-files.js';

const C = fs.constants;

/** The most a truncate cuts off the log's tail, and how many bits one bit-flip flips. */
export const TRUNCATE_MAX_BYTES = 512;
export const FLIP_BITS = 8;

/** The first of `names` (paths below `dir`) that is a non-empty regular file, or undefined. */
function firstPresent(dir: string, names: readonly string[]): { name: string; fd: number; size: number } | undefined {
  for (const name of names) {
    let fd: number;
    try {
      fd = openInDir(dir, name, C.O_RDWR);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const size = fs.fstatSync(fd).size;
    if (size > 0) return { name, fd, size };
    fs.closeSync(fd);
  }
  return undefined;
}

/** Cuts 1..TRUNCATE_MAX_BYTES bytes (never the whole file) off the first present of `logs`. */
export function truncateTail(dir: string, logs: readonly string[], pick: (n: number) => number): FileTouch[] {
  const f = firstPresent(dir, logs);
  if (!f) return [];
  try {
    const cut = 1 + pick(Math.min(TRUNCATE_MAX_BYTES, Math.max(1, f.size - 1)));
    const bytes = Math.min(cut, f.size);
    fs.ftruncateSync(f.fd, f.size - bytes);
    fs.fsyncSync(f.fd);
    return [{ file: f.name, offset: f.size - bytes, bytes }];
  } finally {
    fs.closeSync(f.fd);
  }
}

/** Flips FLIP_BITS random bits of one file drawn from the present `files`. */
export function flipBits(dir: string, files: readonly string[], pick: (n: number) => number): FileTouch[] {
  const order = [...files];
  const start = order.length === 0 ? 0 : pick(order.length);
  const f = firstPresent(dir, [...order.slice(start), ...order.slice(0, start)]);
  if (!f) return [];
  try {
    const bits: number[] = [];
    let lo = Infinity, hi = -1;
    for (let k = 0; k < FLIP_BITS; k++) {
      const bit = pick(f.size * 8);
      const off = Math.floor(bit / 8);
      const b = Buffer.alloc(1);
      fs.readSync(f.fd, b, 0, 1, off);
      b[0] ^= 1 << (bit % 8);
      fs.writeSync(f.fd, b, 0, 1, off);
      bits.push(bit);
      lo = Math.min(lo, off);
      hi = Math.max(hi, off);
    }
    fs.fsyncSync(f.fd);
    return [{ file: f.name, offset: lo, bytes: hi - lo + 1, bits: bits.sort((a, b) => a - b) }];
  } finally {
    fs.closeSync(f.fd);
  }
}

/** Every regular file below `dir` (relative paths), read without following a link; links and specials are skipped. */
export function readTree(dir: string, rel = '.'): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const fd = openDirIn(dir, rel);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(`/proc/self/fd/${fd}`, { withFileTypes: true });
  } finally {
    fs.closeSync(fd);
  }
  for (const e of entries) {
    const path = rel === '.' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) for (const [k, v] of readTree(dir, path)) out.set(k, v);
    else if (e.isFile()) out.set(path, readInDir(dir, path));
  }
  return out;
}

/**
 * Makes the regular files below `dir` exactly `copy`: each written atomically (and fsynced), the
 * files the copy does not have removed (by name in their opened parent, so no link is followed).
 */
export function restoreTree(dir: string, copy: ReadonlyMap<string, Buffer>): FileTouch[] {
  const now = readTree(dir);
  const touched: FileTouch[] = [];
  for (const [path, data] of copy) {
    const cur = now.get(path);
    if (cur && cur.equals(data)) continue;
    writeAtomicIn(dir, path, data, { mkdir: true });
    const fd = openInDir(dir, path, C.O_RDONLY);
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    touched.push({ file: path, offset: 0, bytes: data.length });
  }
  for (const path of now.keys()) {
    if (copy.has(path)) continue;
    const parent = openDirIn(dir, nodePath.dirname(path));
    try {
      fs.unlinkSync(`/proc/self/fd/${parent}/${nodePath.basename(path)}`);
    } finally {
      fs.closeSync(parent);
    }
    touched.push({ file: path, offset: 0, bytes: 0 });
  }
  return touched;
}
