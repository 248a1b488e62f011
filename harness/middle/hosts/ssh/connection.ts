/**
 * One pooled ssh2 connection per host: verified against known_hosts on every (re)connect, kept alive,
 * and re-established with backoff when it drops mid-run (a rebooted router, a killed sshd session).
 * Commands the harness sends are idempotent (rewrite a chain, send a signal, read a file, start a
 * daemon under a unique id), so one that was cut off by a drop is sent again once the connection is
 * back; every drop and reconnect is recorded for the run's results. Channels per connection are
 * capped below OpenSSH's default MaxSessions (10), so parallel faults never get "open failed".
 */
import fs from 'node:fs';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { InputError } from '../../../ground/history/errors.js';
import { readInputFile } from '../../../ground/history/input-file.js';
import type { ExecResult } from '../exec.js';
import type { HostSpec, SshSettings } from './hosts.js';
import { defaultKeyFiles } from './hosts.js';
import { appendKnownHost, blobType, fingerprint, hostKeyAlgorithms, hostKeyName, keysFor, readKnownHosts, verifyHostKey } from './known-hosts.js';

/** A drop or reconnect, for results.json and the run log. */
export interface ConnectionEvent {
  /** ms since the connection was first made. */
  atMs: number;
  host: string;
  event: 'lost' | 'reconnected' | 'gave-up';
  detail: string;
  attempts?: number;
  /** How long the host was unreachable, ms (on `reconnected`). */
  downMs?: number;
}

/** The connection is gone (not the command's fault): the command is sent again after reconnecting. */
class ConnectionLost extends Error {}

const MAX_CHANNELS = 8;
const RECONNECT_DEADLINE_MS = 30_000;

/** The passphrase of an encrypted key comes from the environment only, so it is never in argv or test.json. */
export const PASSPHRASE_VAR = 'FAULTLINE_SSH_PASSPHRASE';

export class SshConnection {
  readonly events: ConnectionEvent[] = [];
  private client?: Client;
  private pending?: Promise<Client>;
  private closed = false;
  private lostAt?: number;
  private readonly t0 = performance.now();
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly spec: HostSpec, private readonly settings: SshSettings, private readonly log: (m: string) => void = () => undefined) {}

  /** True once `close` was called: nothing more will be sent. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** `user@host:port`, as messages name the host. */
  get label(): string {
    return `${this.spec.user}@${this.spec.host}:${this.spec.port}`;
  }

  /** The first connection; its failures are the user's to fix, so they come back as InputErrors. */
  async connect(): Promise<void> {
    await this.ready();
  }

  private ready(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error(`the connection to ${this.label} was closed`));
    if (this.client) return Promise.resolve(this.client);
    this.pending ??= (this.lostAt === undefined ? this.open() : this.reconnect()).finally(() => { this.pending = undefined; });
    return this.pending;
  }

  private async reconnect(): Promise<Client> {
    const start = this.lostAt ?? performance.now();
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        const c = await this.open();
        const downMs = Math.round(performance.now() - start);
        this.record({ event: 'reconnected', detail: `after ${attempt} attempt(s)`, attempts: attempt, downMs });
        this.lostAt = undefined;
        return c;
      } catch (err) {
        // A changed host key on reconnect is never retried: it is exactly what verification is for.
        if (err instanceof InputError && /host key|known_hosts/.test(err.message)) throw err;
        if (this.closed || performance.now() - start > RECONNECT_DEADLINE_MS) {
          this.record({ event: 'gave-up', detail: (err as Error).message, attempts: attempt });
          throw new Error(`lost the connection to ${this.label} and could not reconnect within ${RECONNECT_DEADLINE_MS / 1000} s: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  private record(e: Omit<ConnectionEvent, 'atMs' | 'host'>): void {
    const ev: ConnectionEvent = { atMs: Math.round(performance.now() - this.t0), host: this.label, ...e };
    this.events.push(ev);
    this.log(`ssh ${this.label}: ${e.event} ${e.detail}${e.downMs !== undefined ? ` (unreachable for ${e.downMs} ms)` : ''}`);
  }

  private authConfig(): Partial<ConnectConfig> {
    const passphrase = process.env[PASSPHRASE_VAR];
    const keyFile = this.settings.keyFile ?? (process.env.SSH_AUTH_SOCK ? undefined : defaultKeyFiles()[0]);
    const auth: Partial<ConnectConfig> = {};
    if (process.env.SSH_AUTH_SOCK) auth.agent = process.env.SSH_AUTH_SOCK;
    if (keyFile) {
      try {
        auth.privateKey = Buffer.from(readInputFile(keyFile, `the SSH key ${keyFile}`), 'utf8');
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw new InputError(`the SSH key ${keyFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a readable private key with --ssh-key`);
      }
      if (passphrase) auth.passphrase = passphrase;
    }
    if (!auth.agent && !auth.privateKey) {
      throw new InputError('no SSH key to log in with: pass --ssh-key FILE, start an agent (SSH_AUTH_SOCK), or create ~/.ssh/id_ed25519');
    }
    return auth;
  }

  /**
   * ssh2 (with its native crypto) is loaded on the first connection only: runs of other environments
   * never load it, so their start-up and heap stay as they were.
   */
  private async open(): Promise<Client> {
    const { Client: SshClient } = await import('ssh2');
    return this.openWith(SshClient);
  }

  private openWith(SshClient: typeof Client): Promise<Client> {
    const name = hostKeyName(this.spec.host, this.spec.port);
    const file = this.settings.knownHostsFile;
    const known = readKnownHosts(file);
    let refusal: string | undefined;
    const algorithms = hostKeyAlgorithms([...new Set(keysFor(known, name).filter((k) => !k.revoked).map((k) => k.type))]);
    const config: ConnectConfig = {
      host: this.spec.host, port: this.spec.port, username: this.spec.user,
      readyTimeout: 10_000, keepaliveInterval: 1_000, keepaliveCountMax: 3,
      ...(algorithms ? { algorithms: { serverHostKey: algorithms as never } } : {}),
      ...this.authConfig(),
      hostVerifier: (key: Buffer): boolean => {
        const v = verifyHostKey(known, name, key);
        const offered = `${blobType(key)} key ${fingerprint(key)}`;
        if (v.kind === 'match') return true;
        if (v.kind === 'unknown' && this.settings.acceptNewHostKeys) {
          appendKnownHost(file, name, key);
          this.log(`ssh ${this.label}: accepted new host key ${offered} into ${file}`);
          return true;
        }
        refusal = v.kind === 'changed'
          ? `host ${name} offered ${offered}, which is not the key ${file} holds for it (possible man-in-the-middle); if the host was reinstalled, remove its old key with: ssh-keygen -R '${name}' -f ${file}`
          : v.kind === 'revoked'
            ? `host ${name} offered ${offered}, which ${file} marks @revoked; replace the host's key`
            : `host ${name} is not in ${file} (it offered ${offered}); check the fingerprint and add it with: ssh-keyscan -p ${this.spec.port} ${this.spec.host} >> ${file}, or pass --ssh-accept-new-host-keys`;
        return false;
      },
    };
    return new Promise<Client>((resolve, reject) => {
      const c = new SshClient();
      let up = false;
      c.on('ready', () => {
        up = true;
        this.client = c;
        resolve(c);
      });
      c.on('error', (err: Error & { level?: string; code?: string }) => {
        if (up) return; // After ready, 'close' follows and handles the loss.
        c.destroy();
        reject(this.explain(err, refusal));
      });
      c.on('close', () => {
        if (!up) { reject(this.explain(new Error('the connection closed during the handshake'), refusal)); return; }
        if (this.client === c) this.client = undefined;
        if (!this.closed) {
          this.lostAt = performance.now();
          this.record({ event: 'lost', detail: 'the connection closed' });
          // Reconnect now, so waiting commands and the process watcher resume as soon as possible.
          void this.ready().catch(() => undefined);
        }
      });
      try {
        c.connect(config);
      } catch (err) {
        reject(this.explain(err as Error, refusal));
      }
    });
  }

  /** One sentence for a failed connect: what went wrong with which host, and the fix. */
  private explain(err: Error & { level?: string; code?: string }, refusal: string | undefined): Error {
    if (refusal) return new InputError(refusal);
    const h = this.label;
    if (err.level === 'client-authentication') {
      return new InputError(`host ${h} refused the key for user ${this.spec.user} (${err.message}); add the public key to ~${this.spec.user}/.ssh/authorized_keys there, or pass the right --ssh-key / --ssh-user`);
    }
    if (/passphrase|Encrypted private/i.test(err.message)) {
      return new InputError(`the SSH key ${this.settings.keyFile ?? ''} is encrypted (${err.message}); put its passphrase in ${PASSPHRASE_VAR} or load it into ssh-agent`);
    }
    if (/Cannot parse privateKey|Unsupported key format/i.test(err.message)) {
      return new InputError(`the SSH key ${this.settings.keyFile ?? ''} is not a private key ssh2 can read (${err.message}); pass an OpenSSH or PEM private key with --ssh-key`);
    }
    if (err.level === 'client-timeout' || err.level === 'client-socket' || err.code !== undefined) {
      return new InputError(`host ${h} is down or unreachable (${err.code ?? err.message}); check that the machine is up, sshd listens on port ${this.spec.port} and the address is right`);
    }
    return new InputError(`cannot connect to host ${h}: ${err.message}; check it with: ssh -p ${this.spec.port} ${this.spec.user}@${this.spec.host} true`);
  }

  private async channel<T>(use: (c: Client) => Promise<T>): Promise<T> {
    if (this.inUse >= MAX_CHANNELS) await new Promise<void>((r) => this.waiting.push(r));
    this.inUse++;
    try {
      for (let attempt = 0; ; attempt++) {
        const c = await this.ready();
        try {
          return await use(c);
        } catch (err) {
          if (!(err instanceof ConnectionLost) || attempt >= 5) throw err;
          // The connection dropped under the command: wait for the reconnect, then send it again.
          if (this.client === c) { this.client = undefined; this.lostAt ??= performance.now(); c.destroy(); }
        }
      }
    } finally {
      this.inUse--;
      this.waiting.shift()?.();
    }
  }

  /** Runs a shell command line; resolves with its exit code and output whatever the code. */
  exec(command: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.channel((c) => new Promise<ExecResult>((resolve, reject) => {
      c.exec(command, (err, stream: ClientChannel) => {
        if (err) { reject(this.client === c && !/Not connected|No response/i.test(err.message) ? err : new ConnectionLost(err.message)); return; }
        let stdout = '';
        let stderr = '';
        let exit: { code: number | null; signal?: string } | undefined;
        const timer = setTimeout(() => {
          stream.signal('KILL');
          stream.close();
          resolve({ code: 124, stdout, stderr: `timed out after ${opts.timeoutMs ?? 10_000} ms\n${stderr}` });
        }, opts.timeoutMs ?? 10_000);
        stream.on('data', (d: Buffer) => { stdout += d.toString(); });
        stream.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
        stream.on('exit', (code: number | null, signal?: string) => { exit = { code, signal }; });
        stream.on('close', () => {
          clearTimeout(timer);
          if (!exit) { reject(new ConnectionLost('the channel closed without an exit status')); return; }
          resolve({ code: exit.code ?? 128, stdout, stderr: exit.signal ? `killed by SIG${exit.signal}\n${stderr}` : stderr });
        });
        stream.on('error', () => undefined);
        stream.end(opts.input);
      });
    }));
  }

  /** An SFTP session for one transfer (closed by `fn`'s caller when done). */
  sftp<T>(fn: (s: SFTPWrapper) => Promise<T>): Promise<T> {
    return this.channel((c) => new Promise<SFTPWrapper>((resolve, reject) => {
      c.sftp((err, s) => (err ? reject(this.client === c ? err : new ConnectionLost(err.message)) : resolve(s)));
    }).then(async (s) => {
      try {
        return await fn(s);
      } finally {
        s.end();
      }
    }));
  }

  /** Closes the connection for good (teardown). */
  close(): void {
    this.closed = true;
    this.client?.end();
    this.client = undefined;
  }
}
