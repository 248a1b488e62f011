/**
 * Files a user names on the command line (hosts files, known_hosts, histories): a regular file within
 * a size cap, or one sentence. `/dev/zero` read whole ran out of memory (std::bad_alloc), a FIFO
 * blocked forever in open(), and /proc files claim a size of 0 — so the type is checked with stat
 * (which never blocks) before anything is opened, and the read stops one byte past the cap.
 */
import fs from 'node:fs';
import { InputError } from './errors.js';

/** The size cap of a settings file (hosts, known_hosts, keys): far past any real one. */
export const SETTINGS_FILE_CAP = 16 * 1024 * 1024;

/** Refuses, in one sentence naming `what` (e.g. `--hosts-file x`), anything but a regular file of at most `cap` bytes. */
export function checkInputFile(file: string, what: string, cap = SETTINGS_FILE_CAP): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new InputError(`${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass an existing file`);
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new InputError(`${what} is ${kind}; pass a regular file`);
  }
  if (file.startsWith('/proc/') || file.startsWith('/sys/')) throw new InputError(`${what} is a kernel file (/proc, /sys); pass a regular file`);
  if (st.size > cap) throw new InputError(`${what} is ${st.size} bytes, more than the ${cap}-byte cap of such a file; pass the right file`);
}

/** Reads a checked input file as UTF-8, never more than `cap` bytes (a file that grows past it while read is refused). */
export function readInputFile(file: string, what: string, cap = SETTINGS_FILE_CAP): string {
  checkInputFile(file, what, cap);
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    let buf = Buffer.alloc(Math.min(cap + 1, fs.fstatSync(fd).size + 4096));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length > cap) throw new InputError(`${what} is more than the ${cap}-byte cap of such a file; pass the right file`);
        const bigger = Buffer.alloc(Math.min(cap + 1, buf.length * 2));
        buf.copy(bigger);
        buf = bigger;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) return buf.toString('utf8', 0, n);
      n += got;
    }
  } finally {
    fs.closeSync(fd);
  }
}
