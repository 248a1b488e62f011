/**
 * One mounted lose-un-fsynced layer (lazy-fs.c) over a directory: `mount` waits until the kernel
 * serves it, `crash` drops every write not fsynced since and resolves with what was dropped once the
 * layer has finished (so the next open sees only durable data), `unmount` ends it. The directory must
 * be one the harness created (no link: checked before mounting, and the layer opens it O_NOFOLLOW).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';

/** A file that had writes not yet fsynced when the layer crashed. */
export interface DroppedFile {
  /** Path below the mounted directory, `/`-rooted. */
  path: string;
  /** Its size as the node last wrote it, and as it is on disk after the crash. */
  size: number;
  durableSize: number;
  /** Bytes in the pages written since the last sync (whole 4 KB pages), and where the first of them starts. */
  dirtyBytes?: number;
  firstDirty?: number;
}

const READY_MS = 10_000;
const CRASH_MS = 10_000;

export class LazyFs {
  private buf = '';
  private waiters: ((event: Record<string, unknown>) => void)[] = [];
  private exited: Promise<void>;
  private stderr = '';

  private constructor(readonly dir: string, private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        let ev: Record<string, unknown>;
        try { ev = JSON.parse(line) as Record<string, unknown>; } catch { continue; }
        this.waiters.shift()?.(ev);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-2000); });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // A harness that exits without unmounting (an uncaught error) must not leave the mount behind.
    process.on('exit', this.exitHook);
  }

  private readonly exitHook = (): void => {
    this.child.kill('SIGTERM');
  };

  /** Mounts the layer `bin` over `dir` and resolves once it answers. */
  static async mount(bin: string, dir: string): Promise<LazyFs> {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) throw new Error(`${dir} is not a directory (a link is refused); the FUSE layer mounts only over a directory the harness made`);
    const child = spawn(bin, [dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const fsMount = new LazyFs(dir, child);
    const ready = fsMount.next(READY_MS, 'mount');
    const early = fsMount.exited.then(() => { throw new Error(`the FUSE layer exited before mounting ${dir}: ${fsMount.stderr.trim() || `code ${child.exitCode}`}`); });
    await Promise.race([ready, early]);
    return fsMount;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Drops every unsynced write; resolves with the files that lost data once the drop is done. */
  async crash(): Promise<DroppedFile[]> {
    const ev = this.next(CRASH_MS, 'crash');
    this.child.kill('SIGUSR1');
    const e = await ev;
    return Array.isArray(e.files) ? (e.files as DroppedFile[]) : [];
  }

  /** Unmounts (the layer's own SIGTERM handler unmounts lazily) and waits for the process to end. */
  async unmount(): Promise<void> {
    process.off('exit', this.exitHook);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    // A layer that died without unmounting leaves a dead mount ("transport endpoint is not connected").
    if (mounted(this.dir)) spawnSync('umount', ['-l', this.dir], { stdio: 'ignore' });
  }

  private next(ms: number, what: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the FUSE layer over ${this.dir} did not answer ${what} within ${ms} ms`)), ms);
      this.waiters.push((ev) => { clearTimeout(timer); resolve(ev); });
    });
  }
}

/** Whether a FUSE layer is mounted at `dir` (read from /proc/self/mounts, whose spaces are octal escapes). */
export function mounted(dir: string): boolean {
  const esc = dir.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === esc && l.split(' ')[2]?.startsWith('fuse'));
}
