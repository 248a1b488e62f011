/**
 * One Maelstrom node as an OS process: `bin` + args, messages in on stdin and out on stdout, one JSON
 * object a line; stderr appended to `<dir>/nodes/<id>.log` across restarts, with a marker line at
 * every start and exit so a reader can tell the incarnations apart.
 *
 * The node gets its own process group (spawned detached), and signals go to that group: a node is
 * often a wrapper script that starts the real program (`run.sh` → java), and SIGKILL or SIGSTOP to
 * the wrapper alone would leave the program running, answering, or orphaned after teardown. The group
 * holds only this child and its descendants, so nothing else is ever signalled.
 */
import { unwatchGroup, watchGroup } from './watchdog.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { openAppend, openInDir } from '../hosts/safe-files.js';
import { groupPids, isLive, removeShm } from '../hosts/faketime.js';
import { LineSplitter } from './line-splitter.js';

export interface NodeExit {
  node: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when the harness did not ask for it (a crash of the node). */
  expected: boolean;
  /** Ns since the network's origin. */
  time: number;
}

export interface NodeProcessOptions {
  id: string;
  bin: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logPath: string;
  /** Each complete stdout line. */
  onLine(line: string): void;
  /** A stdout line too long to buffer (its head). */
  onOverflow(head: string): void;
  onExit(exit: NodeExit): void;
  /** Ns since the network's origin, for exit records. */
  now(): number;
}

export type NodeState = 'stopped' | 'running' | 'paused';

/** How long pause/resume wait to see the process stopped/running. */
const STATE_WAIT_MS = 2_000;

/** The one-letter state of `pid` from /proc (R, S, T, Z, …), or undefined when it is gone. */
function procState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return undefined;
  }
}

/** How long kill waits for the exit event before giving up on it (SIGKILL cannot be ignored; this is a guard). */
const EXIT_WAIT_MS = 5_000;

export class NodeProcess {
  state: NodeState = 'stopped';
  pid: number | undefined;
  /** How the last incarnation ended. */
  lastExit: NodeExit | undefined;
  private child: ChildProcessWithoutNullStreams | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Resolves once the current incarnation's stdout and stderr have closed (all of its output read). */
  private closed: Promise<void> = Promise.resolve();
  private starting: Promise<void> | undefined;
  /**
   * The current process's record: whether we killed it. Its exit is then expected, and a torn last line
   * is ours, not its. One record per process, so a late event of an old one never reads a new one's.
   */
  private incarnation = { killed: false };
  private pending = '';
  private flushQueued = false;
  private readonly log: fs.WriteStream;
  /** Every PID this node's group has had, for libfaketime's shm cleanup. */
  private readonly seenPids = new Set<number>();

  constructor(private readonly opts: NodeProcessOptions) {
    // Never through a link planted at the log's name (docs/security.md); unopenable: output is lost.
    let fd: number | undefined;
    try {
      fd = openAppend(opts.logPath);
    } catch {
      fd = undefined;
    }
    this.log = fd === undefined ? fs.createWriteStream('/dev/null') : fs.createWriteStream('', { fd });
    this.log.on('error', () => { /* a full disk must not crash the run; the node's output is lost */ });
  }

  /** The node id, e.g. n0. */
  get id(): string {
    return this.opts.id;
  }

  /** Spawns the process; rejects with a sentence naming the node, the binary and the fix. */
  start(): Promise<void> {
    if (this.state !== 'stopped') return Promise.resolve();
    // A kill that comes while the spawn is under way must wait for it, or the process would escape.
    this.starting ??= this.spawn().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private spawn(): Promise<void> {
    const { id, bin, args } = this.opts;
    const child = spawn(bin, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: this.opts.env, cwd: this.opts.cwd, detached: true });
    this.child = child;
    const splitter = new LineSplitter(this.opts.onLine, this.opts.onOverflow);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => splitter.push(chunk));
    const incarnation = { killed: false };
    this.incarnation = incarnation;
    child.stdout.on('end', () => {
      const rest = splitter.end();
      if (rest.trim() === '') return;
      // SIGKILL mid-write tears the last line: an artifact of our kill, not the node's protocol. A node
      // that died on its own mid-line is still reported (the line says where it stopped).
      if (incarnation.killed) this.marker(`dropped the unterminated last line of ${rest.length} chars on stdout: the node was killed while writing it`);
      else this.opts.onLine(rest);
    });
    child.stderr.pipe(this.log, { end: false });
    // EPIPE after the node died is expected; the exit handler reports the death.
    child.stdin.on('error', () => {});
    this.closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
      this.onExit(child, code, signal);
      resolve();
    }));
    return new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        this.state = 'running';
        this.pid = child.pid;
        this.seenPids.add(child.pid!);
        // A node group outlives a SIGKILLed controller (paused nodes never exit): the watchdog ends it.
        watchGroup(child.pid!);
        this.exited = exited;
        this.marker(`started: ${[bin, ...args].join(' ')} (pid ${child.pid})`);
        resolve();
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (this.state !== 'stopped') return;
        this.child = undefined;
        reject(new Error(spawnErrorText(id, bin, err)));
      });
    });
  }

  /** Resolves when the current incarnation exits (at once when stopped). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Queues one line for stdin; lines written in one turn of the event loop go out in one write. */
  write(line: string): boolean {
    if (this.state === 'stopped' || this.child === undefined) return false;
    this.pending += line + '\n';
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    return true;
  }

  /** SIGKILLs the node's process group and waits for the exit. */
  async kill(): Promise<void> {
    if (this.starting) await this.starting.catch(() => {});
    if (this.state === 'stopped' || this.pid === undefined) return;
    this.incarnation.killed = true;
    for (const p of groupPids(this.pid)) this.seenPids.add(p);
    this.signal('SIGKILL');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, EXIT_WAIT_MS).unref())]);
  }

  /** SIGKILLs the group without waiting: for the harness's own exit, when nothing can be awaited. */
  killNow(): void {
    if (this.state === 'stopped') return;
    this.incarnation.killed = true;
    this.signal('SIGKILL');
  }

  /**
   * SIGSTOPs the node's process group and waits until the kernel shows it stopped (a signal is
   * delivered asynchronously; the nemesis must not report a pause that has not happened yet).
   * Messages to it queue in its stdin pipe.
   */
  async pause(): Promise<void> {
    if (this.state !== 'running') return;
    this.signal('SIGSTOP');
    this.state = 'paused';
    await this.waitForState(true);
  }

  /** SIGCONTs the node's process group and waits until it runs again. */
  async resume(): Promise<void> {
    if (this.state !== 'paused') return;
    this.signal('SIGCONT');
    this.state = 'running';
    await this.waitForState(false);
  }

  private async waitForState(stopped: boolean): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    for (const end = Date.now() + STATE_WAIT_MS; Date.now() < end; await new Promise((r) => setTimeout(r, 2))) {
      const st = procState(pid);
      if (st === undefined || st === 'Z' || st === 'X') return;
      if ((st === 'T' || st === 't') === stopped) return;
    }
  }

  /**
   * Waits until everything the node wrote to stderr is in its log file: a node that prints an error
   * and exits at once is read only after its streams closed and the log's writes completed (waits at
   * most `maxMs` for a node that is still running).
   */
  async flushLog(maxMs = 2_000): Promise<void> {
    if (this.state === 'stopped') await this.afterOutput(maxMs);
    if (!this.log.closed && !this.log.destroyed) await new Promise<void>((resolve) => this.log.write('', () => resolve()));
  }

  /**
   * For error messages: the first error-looking line of the log (where a stack trace names the error)
   * when the tail does not hold it, then the last whole lines that fit in `maxChars`.
   */
  logExcerpt(maxChars = 800): string {
    const raw = this.logTail(maxChars);
    // Whole lines only: drop the partial first line when the log was longer than what was read.
    const cut = raw.length >= maxChars ? raw.indexOf('\n') : -1;
    const tail = (cut >= 0 ? raw.slice(cut + 1) : raw).trim();
    const first = firstErrorLine(this.logHead(256 * 1024));
    if (first === undefined || tail.includes(first)) return tail;
    return `${first}\n…\n${tail}`;
  }

  /** The first `maxBytes` of the log. */
  private logHead(maxBytes: number): string {
    try {
      const fd = openInDir(nodePath.dirname(this.opts.logPath), nodePath.basename(this.opts.logPath), fs.constants.O_RDONLY);
      try {
        const buf = Buffer.alloc(maxBytes);
        const n = fs.readSync(fd, buf, 0, maxBytes, 0);
        return buf.toString('utf8', 0, n);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return '';
    }
  }

  /** The last `maxChars` characters of the node's log (its stderr), for error messages. */
  logTail(maxChars = 2000): string {
    try {
      const fd = openInDir(nodePath.dirname(this.opts.logPath), nodePath.basename(this.opts.logPath), fs.constants.O_RDONLY);
      try {
        const size = fs.fstatSync(fd).size;
        const len = Math.min(size, maxChars);
        const buf = Buffer.alloc(len);
        fs.readSync(fd, buf, 0, len, size - len);
        return buf.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return '';
    }
  }

  /** Resolves when the current incarnation's output has all been read, or after `maxMs`. */
  private afterOutput(maxMs = 2_000): Promise<void> {
    return Promise.race([this.closed, new Promise<void>((r) => setTimeout(r, maxMs).unref())]);
  }

  /** Closes the log (after the last kill), once the last output of the node is in it. */
  async closeLog(): Promise<void> {
    await this.afterOutput();
    return new Promise((resolve) => {
      if (this.log.closed) return resolve();
      this.log.once('close', () => resolve());
      this.log.end();
    });
  }

  /** Removes libfaketime's shm files of this node's dead PIDs; live ones are kept for a later sweep. */
  sweepShm(): void {
    removeShm(this.seenPids);
    for (const p of [...this.seenPids]) if (!isLive(p)) this.seenPids.delete(p);
  }

  private flush(): void {
    this.flushQueued = false;
    const data = this.pending;
    this.pending = '';
    if (data !== '' && this.child !== undefined && this.state !== 'stopped') this.child.stdin.write(data);
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  }

  private onExit(child: ChildProcessWithoutNullStreams, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const pid = child.pid!;
    const expected = this.incarnation.killed;
    // Descendants of a wrapper that died must not outlive it (they would keep answering, or leak).
    for (const p of groupPids(pid)) this.seenPids.add(p);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // No group left.
    }
    unwatchGroup(pid);
    this.state = 'stopped';
    this.child = undefined;
    this.pending = '';
    // The marker goes in once the node's last stderr is in the log, never in the middle of its last line.
    const text = `exited (pid ${pid}, ${signal ? `signal ${signal}` : `code ${code}`}${expected ? '' : ', unexpectedly'})`;
    void this.afterOutput().then(() => this.marker(text));
    this.sweepShm();
    // Descendants just killed may not be dead yet; look once more when they surely are.
    if (this.seenPids.size > 0) setTimeout(() => this.sweepShm(), 500).unref();
    this.lastExit = { node: this.opts.id, pid, code, signal, expected, time: this.opts.now() };
    this.opts.onExit(this.lastExit);
  }

  private marker(text: string): void {
    this.log.write(`# faultline ${new Date().toISOString()} ${this.opts.id} ${text}\n`);
  }
}

/** One sentence for a failed spawn: what, why, and the fix. */
function spawnErrorText(node: string, bin: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `cannot start ${node}: ${bin} was not found (ENOENT) — or its #! interpreter is missing; pass the path of an executable Maelstrom node binary`;
    case 'EACCES':
      return `cannot start ${node}: ${bin} is not executable (EACCES); run chmod +x ${bin}`;
    default:
      return `cannot start ${node}: spawning ${bin} failed: ${err.message}`;
  }
}

// Error, TypeError, java.lang.IllegalStateException, Go's panic, Python's Traceback, Rust's panicked.
const ERROR_LINE = /^(?:\s*(?:Uncaught )?(?:[\w.$]*(?:Error|Exception)\b.*|panic: .*|Traceback \(most recent call last\):|thread '.*' panicked.*|(?:fatal|FATAL|Fatal)\b.*))$/m;

/** The first line that looks like an error report (not a harness marker), if any. */
export function firstErrorLine(text: string): string | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('# faultline ')) continue;
    if (ERROR_LINE.test(line)) return line.trim();
  }
  return undefined;
}
