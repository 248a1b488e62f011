/**
 * How the Raft's files reach the disk. `FsyncFile` writes through at once and `sync()` fdatasyncs:
 * the correct path. `WriteBackFile` is the `no-fsync` bug: writes wait in a user-space buffer that a
 * timer flushes every ~2 s and nothing ever fsyncs, so SIGKILL loses whatever is still buffered even
 * though the node has already acknowledged it. `writeFileAtomic` replaces a whole small file.
 */
import fs from 'node:fs';
import nodePath from 'node:path';

/** An append-mostly file with a logical size. */
export interface AppendFile {
  /** Logical size in bytes (including what is buffered). */
  readonly size: number;
  append(text: string): void;
  /** Cuts the file to `size` bytes. */
  truncate(size: number): void;
  /** Makes everything written so far durable (a no-op for the write-back bug). */
  sync(): void;
  /** Replaces the whole content, atomically on the correct path. */
  replace(text: string): void;
  close(): void;
}

/** Writes `text` to `path` via a temp file, fsync and rename, then fsyncs the directory. */
export function writeFileAtomic(path: string, text: string, durable = true): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    if (durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  if (durable) syncDir(nodePath.dirname(path));
}

/** fsyncs a directory so a rename or create in it survives a crash. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens `path` for positional writes, creating it if missing. */
function openRw(path: string): number {
  if (!fs.existsSync(path)) fs.closeSync(fs.openSync(path, 'w'));
  return fs.openSync(path, 'r+');
}

/** The correct path: every write goes to the kernel at once; sync() fdatasyncs when anything changed. */
export class FsyncFile implements AppendFile {
  private fd: number;
  private dirty = false;
  size: number;

  constructor(private readonly path: string) {
    this.fd = openRw(path);
    this.size = fs.fstatSync(this.fd).size;
  }

  append(text: string): void {
    const buf = Buffer.from(text);
    fs.writeSync(this.fd, buf, 0, buf.length, this.size);
    this.size += buf.length;
    this.dirty = true;
  }

  truncate(size: number): void {
    fs.ftruncateSync(this.fd, size);
    this.size = size;
    this.dirty = true;
  }

  sync(): void {
    if (!this.dirty) return;
    fs.fdatasyncSync(this.fd);
    this.dirty = false;
  }

  replace(text: string): void {
    writeFileAtomic(this.path, text);
    fs.closeSync(this.fd);
    this.fd = openRw(this.path);
    this.size = Buffer.byteLength(text);
    this.dirty = false;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

type Pending = { kind: 'write'; pos: number; buf: Buffer } | { kind: 'truncate'; size: number } | { kind: 'replace'; text: string };

/** BUG `no-fsync`: a user-space write-back buffer, flushed every `flushMs`, never fsynced. */
export class WriteBackFile implements AppendFile {
  private fd: number;
  private pending: Pending[] = [];
  private readonly timer: NodeJS.Timeout;
  size: number;

  constructor(private readonly path: string, flushMs = 2_000) {
    this.fd = openRw(path);
    this.size = fs.fstatSync(this.fd).size;
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  append(text: string): void {
    const buf = Buffer.from(text);
    this.pending.push({ kind: 'write', pos: this.size, buf });
    this.size += buf.length;
  }

  truncate(size: number): void {
    this.pending.push({ kind: 'truncate', size });
    this.size = size;
  }

  sync(): void {
    // The bug: callers believe this made their writes durable; they are still in this process's memory.
  }

  replace(text: string): void {
    // Everything before a replacement is moot.
    this.pending = [{ kind: 'replace', text }];
    this.size = Buffer.byteLength(text);
  }

  /** Hands the buffered writes to the kernel (without fsync). */
  flush(): void {
    for (const p of this.pending) {
      if (p.kind === 'write') fs.writeSync(this.fd, p.buf, 0, p.buf.length, p.pos);
      else if (p.kind === 'truncate') fs.ftruncateSync(this.fd, p.size);
      else {
        writeFileAtomic(this.path, p.text, false);
        // The rename swapped the inode: write through a fresh descriptor from here on.
        fs.closeSync(this.fd);
        this.fd = openRw(this.path);
      }
    }
    this.pending = [];
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    fs.closeSync(this.fd);
  }
}
