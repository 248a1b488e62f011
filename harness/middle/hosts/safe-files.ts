/**
 * Files opened without following links, for two kinds of place (docs/security.md):
 *
 * - Directories a node can write (a container's bind-mounted node directory, a namespace's node
 *   directory): the node may replace any name there with a symlink, a FIFO or a hard link between the
 *   server's start and the host's next open. `openInDir` walks a relative path from a directory the
 *   host trusts one component at a time, each opened through `/proc/self/fd/<dirfd>/<name>` with
 *   O_NOFOLLOW (Node has no openat; the magic link stands for the directory already open), so a planted
 *   link fails with ELOOP instead of being followed, and the result must be a regular file with one link.
 * - Output files (reports, the index, state files): `writeAtomic` creates a temporary sibling under an
 *   unpredictable name with O_CREAT|O_EXCL|O_NOFOLLOW and renames it over the target; a link planted
 *   at a guessed temporary name is never written through, and rename replaces a link, never follows it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';

const C = fs.constants;

/** A refused open: the path holds a link, a non-regular file or a hard link where a plain file belongs. */
export class UnsafeFileError extends Error {
  constructor(readonly path: string, why: string) {
    super(`${path} ${why}; faultline does not follow links or open special files in a node's directory`);
  }
}

/** The components of `rel`, refusing absolute paths, `..` and empty names. */
function components(rel: string): string[] {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (nodePath.isAbsolute(rel) || parts.length === 0 || parts.some((p) => p === '..')) throw new Error(`${rel} is not a relative path inside a directory`);
  return parts;
}

const at = (dirFd: number, name: string): string => `/proc/self/fd/${dirFd}/${name}`;

/** Opens the directory `rel` below `dir` (itself trusted), no component a link; `mkdir` creates missing ones. */
export function openDirIn(dir: string, rel = '.', mkdir = false): number {
  let fd = fs.openSync(dir, C.O_RDONLY | C.O_DIRECTORY);
  const parts = rel === '.' ? [] : components(rel);
  try {
    for (const p of parts) {
      if (mkdir) {
        try {
          fs.mkdirSync(at(fd, p), { mode: 0o755 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      let next: number;
      try {
        next = fs.openSync(at(fd, p), C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR') throw new UnsafeFileError(nodePath.join(dir, rel), `has a component (${p}) that is a link or not a directory`);
        throw err;
      }
      fs.closeSync(fd);
      fd = next;
    }
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * Opens `rel` below the trusted directory `dir` with `flags` (fs.constants, O_CREAT allowed), never
 * through a link in any component, and only when the result is a regular file with one link.
 */
export function openInDir(dir: string, rel: string, flags: number, mode = 0o644): number {
  const parts = components(rel);
  const parent = openDirIn(dir, parts.slice(0, -1).join('/') || '.');
  const path = nodePath.join(dir, rel);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the name must not block the open (it is refused below).
    fd = fs.openSync(at(parent, parts[parts.length - 1]), flags | C.O_NOFOLLOW | C.O_NONBLOCK, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UnsafeFileError(path, 'is a symbolic link');
    if (code === 'ENXIO') throw new UnsafeFileError(path, 'is not a regular file');
    throw Object.assign(err as Error, { message: (err as Error).message.replace(at(parent, parts[parts.length - 1]), path) });
  } finally {
    fs.closeSync(parent);
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile() || st.nlink > 1) {
    fs.closeSync(fd);
    throw new UnsafeFileError(path, st.isFile() ? `has ${st.nlink} hard links` : 'is not a regular file');
  }
  return fd;
}

/** Opens `file` for appending (created if absent) below its own directory, never through a link. */
export function openAppend(file: string): number {
  return openInDir(nodePath.dirname(file), nodePath.basename(file), C.O_WRONLY | C.O_APPEND | C.O_CREAT);
}

/** Appends `text` to `file` (see `openAppend`). */
export function appendSafe(file: string, text: string): void {
  const fd = openAppend(file);
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads `rel` below `dir` whole, never through a link. */
export function readInDir(dir: string, rel: string): Buffer {
  const fd = openInDir(dir, rel, C.O_RDONLY);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `rel` below `dir` whole: a temporary sibling created exclusively under a random name, then
 * renamed over the target (a reader never sees half a file; a link at either name is replaced, not
 * followed). Missing directories of `rel` are created when `mkdir` says so.
 */
export function writeAtomicIn(dir: string, rel: string, data: string | Uint8Array, opts: { mode?: number; mkdir?: boolean } = {}): void {
  const parts = components(rel);
  const name = parts[parts.length - 1];
  const parent = openDirIn(dir, parts.slice(0, -1).join('/') || '.', opts.mkdir ?? false);
  try {
    const tmp = `.${name}.${randomBytes(9).toString('base64url')}.tmp`;
    const fd = fs.openSync(at(parent, tmp), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, opts.mode ?? 0o644);
    try {
      try {
        fs.writeFileSync(fd, data);
        if (opts.mode !== undefined) fs.fchmodSync(fd, opts.mode); // Past the umask: a script or a private file.
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(at(parent, tmp), at(parent, name));
    } catch (err) {
      fs.rmSync(at(parent, tmp), { force: true });
      throw err;
    }
  } finally {
    fs.closeSync(parent);
  }
}

/** Writes `file` whole via a random exclusive temporary sibling and a rename (see `writeAtomicIn`). */
export function writeAtomic(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const abs = nodePath.resolve(file);
  writeAtomicIn(nodePath.dirname(abs), nodePath.basename(abs), data, opts);
}

/** Creates `file` exclusively (never through a link, never an existing file) and writes `data`. */
export function createExclusive(file: string, data: string | Uint8Array, mode = 0o644): void {
  const fd = fs.openSync(file, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode);
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}
