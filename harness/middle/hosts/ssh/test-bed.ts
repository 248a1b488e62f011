/**
 * A test bed for `--env ssh` on one machine: network-namespace hosts (the local environment), each
 * running a real OpenSSH server with a generated host key, a generated user key in its
 * authorized_keys, and a generated known_hosts file naming every host by address — so tests and the
 * faults benchmark exercise the whole SSH path (handshake, host key check, channels, SFTP) without
 * machines. Each sshd gets its host's hostname and runs in its namespace, so a session's commands
 * (iptables, kill, date) act on that host. Not part of a run's code path: a run sees only `--hosts`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import nodePath from 'node:path';
import { provisionLocal, type LocalNetwork } from '../local/network.js';
import type { RemoteProcess } from '../remote.js';

export const SSHD = '/usr/sbin/sshd';

export interface TestBedOptions {
  nodes: readonly string[];
  /** Run sshd with PAM (lets a user whose password is locked log in with a key, as on real servers). */
  usePam?: boolean;
  log?: (m: string) => void;
}

export class TestBed {
  private readonly sshds = new Map<string, RemoteProcess>();

  constructor(
    readonly net: LocalNetwork,
    /** Holds the keys, configs and known_hosts (0755, so a non-root login can read authorized_keys). */
    readonly dir: string,
    private readonly usePam: boolean,
  ) {}

  get keyFile(): string { return nodePath.join(this.dir, 'id_ed25519'); }
  get knownHostsFile(): string { return nodePath.join(this.dir, 'known_hosts'); }
  get addresses(): string[] { return this.net.hosts.map((h) => h.address); }
  /** The hosts' `--ssh-dir`: inside the bed's directory, so a test sees exactly what runs left there. */
  get remoteDir(): string { return nodePath.join(this.dir, 'remote'); }

  /** A known_hosts file in which `node`'s key is another one (as after a reinstall, or an impostor). */
  knownHostsWithChangedKey(node: string): string {
    const address = this.net.host(node).address;
    const other = nodePath.join(this.dir, `impostor-${node}`);
    if (!fs.existsSync(other)) keygen(other);
    const [type, blob] = fs.readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/);
    const file = nodePath.join(this.dir, `known_hosts.changed-${node}`);
    const lines = fs.readFileSync(this.knownHostsFile, 'utf8').trim().split('\n').map((l) => (l.startsWith(`${address} `) ? `${address} ${type} ${blob}` : l));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  /** What runs left on the hosts: processes besides the sshds, fault chains, files under the ssh dir. */
  leftovers(): string[] {
    // A process the run started may still be ending on its own when the run has just ended: a `sudo -n
    // true` that refused (the check of a user without passwordless sudo) stays 10-25 s in poll on a
    // socket after answering, under this sandbox's sshd sessions, then exits. Give processes 30 s; one
    // that outlives that is a leftover.
    for (let tries = 0; ; tries++) {
      const out = this.scanLeftovers();
      if (tries >= 300 || !out.some((l) => l.includes(': process '))) return out;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }

  private scanLeftovers(): string[] {
    const out: string[] = [];
    const sshds = new Set([...this.sshds.values()].map((p) => p.pid));
    for (const h of this.net.hosts) {
      const pids = execFileSync('ip', ['netns', 'pids', h.ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
      for (const pid of pids) {
        if (sshds.has(pid)) continue;
        let comm = '';
        let state = '';
        try {
          comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
          const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
          state = stat.slice(stat.lastIndexOf(')') + 2)[0];
        } catch { continue; }
        // Session processes of connections that are closing are sshd's, not the run's.
        if (comm !== 'sshd' && state !== 'Z') out.push(`${h.node}: process ${pid} ${comm}`);
      }
      const rules = execFileSync('ip', ['netns', 'exec', h.ns, 'iptables', '-w', '-S'], { encoding: 'utf8' });
      for (const l of rules.split('\n')) if (l.includes('FL-')) out.push(`${h.node}: iptables ${l}`);
    }
    if (fs.existsSync(this.remoteDir)) for (const f of fs.readdirSync(this.remoteDir)) out.push(`file ${nodePath.join(this.remoteDir, f)}`);
    return out;
  }

  /** The flags of a run against the test bed (as a user would type them). */
  flags(extra: Record<string, string | true> = {}): Map<string, string | true> {
    return new Map<string, string | true>(Object.entries({
      env: 'ssh', hosts: this.addresses.join(','), 'ssh-key': this.keyFile, 'ssh-known-hosts': this.knownHostsFile, 'ssh-dir': this.remoteDir, ...extra,
    }));
  }

  /** The same flags as command-line arguments, for a CLI run against the bed. */
  args(extra: Record<string, string | true> = {}): string[] {
    return [...this.flags(extra)].flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));
  }

  private nodeDir(node: string): string { return nodePath.join(this.dir, node); }

  /** Starts (or restarts) the sshd of `node` and waits until it accepts connections. */
  async startSshd(node: string): Promise<RemoteProcess> {
    const host = this.net.host(node);
    const d = this.nodeDir(node);
    // A private mount namespace per host, where this machine's ~/.bashrc is hidden: bash reads it for
    // every command sshd runs, and a developer's rc (pyenv init here: ~0.5 s) is not what a fresh
    // server pays. `unshare` and `sh -c exec` exec, so the PID is still sshd's own.
    const argv = [SSHD, '-D', '-e', '-f', nodePath.join(d, 'sshd_config')];
    const rc = nodePath.join(os.homedir(), '.bashrc');
    const wrapped = fs.existsSync(rc)
      ? ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind /dev/null "$0" && exec "$@"', rc, ...argv]
      : argv;
    const p = await host.spawn(wrapped, { what: 'sshd', logFile: nodePath.join(d, 'sshd.log') });
    this.sshds.set(node, p);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(host.address, 22))) {
      if (!p.running || Date.now() > deadline) throw new Error(`sshd on ${node} did not start: ${fs.readFileSync(nodePath.join(d, 'sshd.log'), 'utf8').trim().slice(-300)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return p;
  }

  /** Stops the sshd of `node` (the host is then "down" for SSH). */
  async stopSshd(node: string): Promise<void> {
    await this.sshds.get(node)?.stop(2_000);
    this.sshds.delete(node);
  }

  /** The PID of `node`'s listening sshd. */
  sshdPid(node: string): number | undefined {
    return this.sshds.get(node)?.pid;
  }

  /**
   * Kills every session process of `node`'s sshd (its children: one per connection), which cuts
   * every SSH connection to that host at once, as a crashed session or a reset link would.
   */
  killSessions(node: string): number[] {
    const pid = this.sshdPid(node);
    if (pid === undefined) return [];
    let children: number[] = [];
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
    for (const c of children) {
      try { process.kill(c, 'SIGKILL'); } catch { /* gone already */ }
    }
    return children;
  }

  /** Replaces `node`'s host key (as a reinstall would), restarting its sshd; known_hosts keeps the old one. */
  async changeHostKey(node: string): Promise<void> {
    await this.stopSshd(node);
    const key = nodePath.join(this.nodeDir(node), 'hostkey');
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    keygen(key);
    await this.startSshd(node);
  }

  /** A new user key encrypted with `passphrase`, accepted by every host. */
  encryptedKey(passphrase: string): string {
    const k = nodePath.join(this.dir, 'encrypted');
    if (!fs.existsSync(k)) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'faultline-test-bed', '-f', k], { stdio: 'ignore' });
      fs.appendFileSync(nodePath.join(this.dir, 'authorized_keys'), fs.readFileSync(`${k}.pub`));
    }
    return k;
  }

  /** A fresh private key that no host accepts. */
  strangerKey(): string {
    const k = nodePath.join(this.dir, 'stranger');
    if (!fs.existsSync(k)) keygen(k);
    return k;
  }

  /** Stops every sshd, removes the namespaces and the generated files. Never throws. */
  async stop(): Promise<void> {
    await Promise.all([...this.sshds.keys()].map((n) => this.stopSshd(n).catch(() => undefined)));
    await this.net.teardown();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Writes the keys and per-host configs; called once by `startTestBed`. */
  prepare(): void {
    keygen(this.keyFile);
    fs.copyFileSync(`${this.keyFile}.pub`, nodePath.join(this.dir, 'authorized_keys'));
    fs.chmodSync(nodePath.join(this.dir, 'authorized_keys'), 0o644);
    const known: string[] = [];
    for (const h of this.net.hosts) {
      const d = this.nodeDir(h.node);
      fs.mkdirSync(d, { recursive: true });
      keygen(nodePath.join(d, 'hostkey'));
      fs.writeFileSync(nodePath.join(d, 'sshd_config'), [
        'Port 22', `ListenAddress ${h.address}`, `HostKey ${nodePath.join(d, 'hostkey')}`, `PidFile ${nodePath.join(d, 'sshd.pid')}`,
        'PermitRootLogin prohibit-password', 'PubkeyAuthentication yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
        `UsePAM ${this.usePam ? 'yes' : 'no'}`,
        // The keys live under /tmp, whose permissions StrictModes would reject.
        'StrictModes no', `AuthorizedKeysFile ${nodePath.join(this.dir, 'authorized_keys')}`,
        'Subsystem sftp internal-sftp', 'MaxStartups 100:30:200', 'MaxSessions 100', 'UseDNS no', 'PrintMotd no', '',
      ].join('\n'));
      const [type, blob] = fs.readFileSync(nodePath.join(d, 'hostkey.pub'), 'utf8').trim().split(/\s+/);
      known.push(`${h.address} ${type} ${blob}`);
    }
    fs.writeFileSync(this.knownHostsFile, `${known.join('\n')}\n`);
  }
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'faultline-test-bed', '-f', file], { stdio: 'ignore' });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(500, () => done(false));
  });
}

/** Why the test bed cannot start here, or undefined (root, sshd, ssh-keygen, iproute2). */
export function testBedMissing(): string | undefined {
  const why: string[] = [];
  if (process.getuid?.() !== 0) why.push('root');
  if (!fs.existsSync(SSHD)) why.push(`${SSHD} (openssh-server)`);
  try { execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' }); } catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') why.push('ssh-keygen (openssh-client)'); }
  return why.length === 0 ? undefined : `needs ${why.join(', ')} (run scripts/setup-ssh.sh as root)`;
}

/** Namespace hosts with a real sshd each; stop it with `stop()`. */
export async function startTestBed(opts: TestBedOptions): Promise<TestBed> {
  const netw = await provisionLocal({ nodes: opts.nodes, log: opts.log });
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-sshbed-'));
  fs.chmodSync(dir, 0o755);
  const bed = new TestBed(netw, dir, opts.usePam ?? false);
  try {
    fs.mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory.
    bed.prepare();
    await Promise.all(opts.nodes.map((n) => bed.startSshd(n)));
  } catch (err) {
    await bed.stop();
    throw err;
  }
  return bed;
}
