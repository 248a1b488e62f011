/**
 * Appends ops to `history.jsonl` as the run goes (docs/architecture.md, "Core records": a crash of the controller
 * loses nothing that was recorded).
 *
 * Two kinds of crash are covered separately, because covering both on every op would be too slow:
 * - the controller dies: every `append` is one `write(2)` straight to the kernel (no user-space
 *   buffer), so a record is in the page cache the moment `append` returns;
 * - the machine dies: dirty data is fsynced at most `fsyncIntervalMs` (200 ms) after it was written,
 *   and on `close()`. An fsync per op would cap the writer at a few hundred ops/s on a real disk.
 */
import fs from 'node:fs';
import type { Op } from './op.js';
import { InputError } from './errors.js';
import { withoutBigints } from './exact-int.js';

/** Options of {@link HistoryWriter.open}. */
export interface HistoryWriterOptions {
  /** Longest time written data may stay un-fsynced while the writer is open. Default 200 ms. */
  fsyncIntervalMs?: number;
}

const DEFAULT_FSYNC_INTERVAL_MS = 200;

/** Appends one JSON line per op to a history file; see the module comment for durability. */
export class HistoryWriter {
  private fd: number | null;
  private readonly intervalMs: number;
  /** Data written since the last fsync. */
  private dirty = false;
  /** `performance.now()` of the last fsync, or of the first write after it. */
  private dirtySince = 0;
  private timer: NodeJS.Timeout | null = null;
  private appended = 0;

  private constructor(
    readonly path: string,
    fd: number,
    intervalMs: number,
  ) {
    this.fd = fd;
    this.intervalMs = intervalMs;
  }

  /**
   * Opens `path` for appending, creating it if needed. An existing history is kept (a run is never
   * silently overwritten); a torn last line left by an earlier crash is cut off first.
   */
  static open(path: string, options: HistoryWriterOptions = {}): HistoryWriter {
    const interval = options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS;
    if (!(interval > 0)) throw new RangeError(`fsyncIntervalMs must be > 0, got ${interval}`);
    let fd: number;
    try {
      fd = fs.openSync(path, 'a+');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new InputError(
        `cannot open history file ${path} for writing (${code}): make sure its directory exists and is writable`,
      );
    }
    try {
      dropTornTail(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return new HistoryWriter(path, fd, interval);
  }

  /** Number of ops appended through this writer. */
  get count(): number {
    return this.appended;
  }

  /** True once `close()` has run. */
  get closed(): boolean {
    return this.fd === null;
  }

  /** Writes `op` as one JSON line now; the line is fsynced within `fsyncIntervalMs`. */
  append(op: Op): void {
    const fd = this.fd;
    if (fd === null) throw new Error(`HistoryWriter(${this.path}): append after close`);
    // One string, one write: a record is never split across two writes, so a crash of this process
    // can only lose whole records that were not yet appended.
    const line = recordLine(op) + '\n';
    fs.writeSync(fd, line);
    this.appended++;
    if (!this.dirty) {
      this.dirty = true;
      this.dirtySince = performance.now();
      // The timer covers a run that goes quiet; unref'd so an unclosed writer never keeps Node alive.
      this.timer = setTimeout(this.onTimer, this.intervalMs);
      this.timer.unref();
    } else if (performance.now() - this.dirtySince >= this.intervalMs) {
      // A synchronous burst of appends starves the event loop, so the timer cannot fire; check here.
      this.sync();
    }
  }

  /** Fsyncs everything appended so far (no-op when nothing is pending). */
  sync(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.dirty || this.fd === null) return;
    fs.fsyncSync(this.fd);
    this.dirty = false;
  }

  /** Fsyncs and closes the file; calling it again does nothing. */
  close(): void {
    if (this.fd === null) return;
    try {
      this.sync();
    } finally {
      const fd = this.fd;
      this.fd = null;
      fs.closeSync(fd);
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.sync();
  };
}

/**
 * The JSON text of `op`. JSON.stringify throws on a bigint (a client may hand one over), so an op
 * holding one is first put in record form (exact-int.ts: a safe integer as a number, a larger one as
 * its exact decimal string) and changed in place, so the checker that reads the op in memory after
 * this sees exactly what the file says. Ops without bigints take JSON.stringify's fast path alone.
 */
export function recordLine(op: Op): string {
  try {
    return JSON.stringify(op);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
  }
  op.value = withoutBigints(op.value);
  if (op.error !== undefined) op.error = withoutBigints(op.error);
  const key = op.key as unknown;
  if (typeof key === 'bigint') op.key = withoutBigints(key) as string | number;
  return JSON.stringify(op);
}

/**
 * Cuts a last line that lacks its newline. Such a line is a record whose write never completed
 * (the controller or machine died mid-write); appending after it would glue the next record onto it
 * and make that record unreadable too.
 */
function dropTornTail(fd: number): void {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return;
  // Scan backwards in blocks for the last newline; the torn line is short, so this reads little.
  const block = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    const n = fs.readSync(fd, block, 0, end - start, start);
    const nl = block.subarray(0, n).lastIndexOf(0x0a);
    if (nl !== -1) {
      fs.ftruncateSync(fd, start + nl + 1);
      return;
    }
    end = start;
  }
  fs.ftruncateSync(fd, 0);
}
