/**
 * A machine reached over SSH, as a `Remote`: commands go through the host's pooled connection (under
 * `sudo -n` when the user is not root), files through SFTP, and daemons are started detached in the
 * run's directory on the host, so a dropped connection neither kills them nor loses track of them.
 * Exits are noticed by one batched poll per host (a wrapper shell on the host records each exit
 * status), and at once after a KILL or a stop.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import type { ExecOptions, ExecResult } from '../exec.js';
import type { Remote, RemoteProcess, SpawnOptions } from '../remote.js';
import type { SshConnection } from './connection.js';
import { commandLine, EXITED_SCRIPT, exitOf, script, SIGNAL_SCRIPT, SPAWN_SCRIPT, STOP_SCRIPT } from './shell.js';

type Exit = { code: number | null; signal: NodeJS.Signals | null };

const signalName = (n: number): NodeJS.Signals | undefined =>
  (Object.entries(os.constants.signals).find(([, v]) => v === n)?.[0] as NodeJS.Signals | undefined);

const POLL_MS = 250;

export class SshHost implements Remote {
  private readonly watched = new Map<string, (e: Exit) => void>();
  private polling = false;

  constructor(
    readonly node: string,
    /** The address the host answered on (from SSH_CONNECTION): what peers and clients use. */
    readonly address: string,
    readonly conn: SshConnection,
    /** This node's directory on the host: `<ssh-dir>/<run id>/<node>`. */
    readonly runDir: string,
    /** The interface the host reaches the controller through (tbf and the delayer use it). */
    readonly netInterface: string,
    private readonly sudo: boolean,
  ) {}

  /** Where the wrapper shells keep each daemon's pid and exit status. */
  private get procsDir(): string {
    return nodePath.join(this.runDir, 'proc');
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    // opts.env (a whole local environment) has no meaning on another machine and is not sent.
    return this.conn.exec(commandLine(argv, this.sudo), { input: opts.input, timeoutMs: opts.timeoutMs });
  }

  async execOk(argv: readonly string[], opts?: ExecOptions): Promise<string> {
    const r = await this.exec(argv, opts);
    if (r.code !== 0) throw new Error(`\`${argv.join(' ')}\` on ${this.node} (${this.conn.label}) exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  async spawn(argv: readonly string[], opts: SpawnOptions): Promise<RemoteProcess> {
    const id = `${opts.what.replace(/[^\w.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
    const extra = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    const cmd = [...(extra.length > 0 ? ['env', ...extra] : []), ...argv];
    const out = await this.execOk(script(SPAWN_SCRIPT, this.procsDir, id, opts.logFile ?? '/dev/null', opts.what, opts.cwd ?? this.runDir, ...cmd), { timeoutMs: 15_000 });
    const pid = Number(out.trim().split('\n').pop());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`starting ${opts.what} on ${this.node} gave no PID: ${out.trim()}`);
    const rcFile = nodePath.join(this.procsDir, `${id}.rc`);
    let running = true;
    let settle!: (e: Exit) => void;
    const exited = new Promise<Exit>((resolve) => {
      settle = (e) => {
        if (!running) return;
        running = false;
        this.watched.delete(id);
        resolve(e);
      };
    });
    const settleFrom = (text: string): void => {
      const status = Number(text.trim());
      if (text.trim() !== '' && Number.isInteger(status)) settle(exitOf(status, signalName));
    };
    this.watched.set(id, settle);
    this.poll();
    return {
      pid, exited,
      get running() { return running; },
      signal: async (sig) => {
        if (!running) return;
        const out = await this.execOk(script(SIGNAL_SCRIPT, sig.replace(/^SIG/, ''), String(pid), rcFile, '3000'));
        settleFrom(out);
      },
      stop: async (graceMs = 2_000) => {
        if (running) settleFrom(await this.execOk(script(STOP_SCRIPT, String(pid), rcFile, String(graceMs)), { timeoutMs: graceMs + 10_000 }));
        await exited;
      },
    };
  }

  /** One batched exit check per host while it has daemons; survives drops (the connection retries). */
  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    const tick = async (): Promise<void> => {
      // A closed connection (teardown) ends the watch: nothing could be asked any more.
      while (this.watched.size > 0 && !this.conn.isClosed) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (this.watched.size === 0 || this.conn.isClosed) break;
        try {
          const r = await this.exec(script(EXITED_SCRIPT, this.procsDir, ...this.watched.keys()));
          for (const line of r.stdout.split('\n')) {
            const [id, status] = line.trim().split(' ');
            if (id && status !== undefined && Number.isInteger(Number(status))) this.watched.get(id)?.(exitOf(Number(status), signalName));
          }
        } catch {
          // The host is unreachable right now; the connection reconnects, the next tick asks again.
        }
      }
      this.polling = false;
    };
    void tick();
  }

  /** Copies a controller file to the host (through a private temp file and `sudo mv` when not root). */
  async upload(localPath: string, remotePath: string): Promise<void> {
    const target = this.sudo ? `/tmp/faultline-upload-${randomBytes(6).toString('hex')}` : remotePath;
    await this.conn.sftp((s) => new Promise<void>((resolve, reject) => s.fastPut(localPath, target, (err) => (err ? reject(err) : resolve()))));
    if (this.sudo) await this.execOk(['mv', target, remotePath]);
  }

  /** Copies a host file to the controller. */
  async download(remotePath: string, localPath: string): Promise<void> {
    fs.mkdirSync(nodePath.dirname(localPath), { recursive: true });
    // The destination is created here, fresh (O_EXCL|O_NOFOLLOW): never written through a link or
    // over a file that was already there (docs/security.md).
    const fd = fs.openSync(localPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
    const out = fs.createWriteStream('', { fd });
    await this.conn.sftp((s) => new Promise<void>((resolve, reject) => {
      const src = s.createReadStream(remotePath);
      src.on('error', (err: Error) => { out.destroy(); reject(err); });
      out.on('error', reject);
      out.on('finish', () => resolve());
      src.pipe(out);
    }));
  }
}
