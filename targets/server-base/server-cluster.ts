/**
 * The shared base of every store run as servers on hosts (etcd, ZooKeeper, and the next one): it
 * provisions the hosts through an environment, sets up the real-network faults on them, and owns
 * the bookkeeping every such cluster repeats — one process per node, its state (running, killed,
 * paused), kill/restart/pause/resume as capabilities, exits the run did not ask for, log tails for
 * error messages, and the teardown order. A store subclasses it with how to configure and launch a
 * server and how to ask it for its health.
 *
 * Hosts that do not share the controller's filesystem (ssh) keep a node's files in the host's own run
 * directory (`Remote.runDir`): config is written there through the host, the binaries are looked for
 * (and with `--install` installed) there, and the logs are downloaded to `nodes/<node>/` at teardown.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { ClockControl, DiskControl, DiskFault, HasPrimaries, Killable, MembershipControl, Pausable, Target } from '../../harness/ground/contracts/roles.js';
import { NodeDisks, type Disks, type FileSpec } from '../../harness/middle/faults/disk/node-disks.js';
import { HostDisks } from '../../harness/middle/faults/disk/host-disks.js';
import { IptablesNet } from '../../harness/middle/faults/net/iptables-net.js';
import type { HealthRecord } from '../../harness/middle/faults/net/health.js';
import type { Environment, RunFlags } from '../../harness/middle/hosts/environment.js';
import { ensureHostNeeds, type HostNeed } from '../../harness/middle/hosts/host-needs.js';

export type { HostNeed } from '../../harness/middle/hosts/host-needs.js';
import { getEnvironment } from '../../harness/middle/hosts/environments.js';
import { openInDir, readInDir, writeAtomicIn } from '../../harness/middle/hosts/safe-files.js';
import type { Remote, RemoteProcess, SpawnOptions } from '../../harness/middle/hosts/remote.js';
import { bounded, TEARDOWN_STEP_BOUND_MS } from '../../harness/middle/hosts/bounded.js';

export type ServerState = 'running' | 'killed' | 'paused';

export interface ServerClusterOptions {
  nodes: readonly string[];
  /** The run directory: each node's files go to `nodes/<node>/`. */
  dir: string;
  /** Environment name (`--env`); default `local`. */
  env?: string;
  subnet?: string;
  log?: (message: string) => void;
  /** The run's flags, passed to the environment for its own (`--hosts`, `--image` …) and read for `--install`. */
  flags?: RunFlags;
  /** The run has `--nemesis disk`: offer the nodes' files, under the lose-un-fsynced layer when `layer`. */
  disk?: { layer: boolean };
  /**
   * The hosts started as members at setup (default: every node). The others are spares for
   * `--nemesis membership`: provisioned (address, network faults) but with no server until one joins.
   */
  members?: readonly string[];
}

/** A store's data files for disk faults: its data directory below the node's, and the files in it. */
export interface StoreFiles {
  /** The data directory, relative to the node's directory (the FUSE layer is mounted over it). */
  dir: string;
  /** Log or WAL files, newest first, relative to `dir`: truncate cuts the tail of the first present. */
  logFiles: readonly FileSpec[];
  /** Every file bit-flip may damage, relative to `dir`. */
  dataFiles: readonly FileSpec[];
  /** Faults the store cannot take, with the reason. */
  without?: Partial<Record<DiskFault, string>>;
}

/** How long a restart after a disk fault waits for the server to answer or exit before counting it started. */
export const DAMAGED_START_MS = 15_000;

/** One node's view for health records and waits: up or not, leader or not, and a phrase. */
export interface NodeHealth {
  node: string;
  ok: boolean;
  leader?: boolean;
  detail: string;
}

/** The line of a server's log tail that says why it stopped (see `errorLine`). */
export function tellingLine(tail: readonly string[]): string {
  const lines = tail.map((l) => l.trim()).filter(Boolean);
  // The most telling line first: Consul's fatal `==>` (not its banner), Go's panic or fatal error
  // (with the signal line after it: a SIGBUS from bbolt's mmap), zap's fatal or panic, Java's root cause, then any error.
  const telling = [/^==> .*(error|fail|invalid)/i, /^(panic|fatal error): /, /"level":"(fatal|panic)"/, /^Caused by: /, /\[ERROR\]| ERROR |\bFATAL\b|Exception/];
  for (const re of telling) {
    for (let k = lines.length - 1; k >= 0; k--) {
      if (!re.test(lines[k])) continue;
      const signal = lines[k + 1]?.startsWith('[signal ') ? ` ${lines[k + 1]}` : '';
      return shortLogLine(lines[k] + signal);
    }
  }
  return shortLogLine(lines[lines.length - 1] ?? '(empty log)');
}

/** A log line as a reader wants it: a structured (JSON) line as its level, message and error, without the stack trace; at most 400 characters. */
export function shortLogLine(line: string): string {
  if (line.startsWith('{')) {
    try {
      const j = JSON.parse(line) as Record<string, unknown>;
      if (typeof j.msg === 'string') return [j.level, j.msg, j.error].filter((x) => typeof x === 'string' && x !== '').join(': ').slice(0, 400);
    } catch { /* not JSON after all: the line as it is */ }
  }
  return line.slice(0, 400);
}

export abstract class ServerCluster implements Target {
  abstract readonly name: string;
  readonly nodes: readonly string[];
  environment?: Environment;
  net?: IptablesNet;
  readonly killable: Killable;
  readonly pausable: Pausable;
  readonly primaries: HasPrimaries;
  /** Clock control: the target's own (libfaketime), or the hosts' clocks when the environment has one. */
  clock?: ClockControl;
  clockUnsupportedReason?: string;
  /** Membership changes, when the store offers them and the run asks (`--nemesis membership`). */
  membership?: MembershipControl;
  protected readonly log: (m: string) => void;
  private readonly procs = new Map<string, RemoteProcess>();
  private readonly states = new Map<string, ServerState>();
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly ownExitLog: { node: string; at: bigint; back?: bigint }[] = [];
  /** Offered with the `disk` option when the store names its files (`storeFiles`). */
  readonly disk?: DiskControl;
  private readonly disks?: Disks;
  /** Nodes whose files a disk fault damaged since their last start: their restart is watched (`confirmStart`). */
  private readonly damaged = new Set<string>();
  /**
   * Hosts outside the configuration (the unused spare, a member removed): no server is started there
   * by a restart (a kill nemesis's), and a removed server's exit is not one of its own.
   */
  protected readonly outside = new Set<string>();

  constructor(readonly opts: ServerClusterOptions) {
    this.nodes = opts.nodes;
    this.log = opts.log ?? ((): void => undefined);
    for (const n of opts.nodes) if (opts.members && !opts.members.includes(n)) this.outside.add(n);
    const files = this.storeFiles?.();
    if (opts.disk && files) {
      // Over ssh the files are on the hosts: the layer and the file faults run there (host-disks.ts).
      // In containers the node's directory is bind-mounted from this machine, so the layer is mounted
      // here over its data directory before the container is made (a recursive bind carries it in)
      // and the file faults act on the same files: nothing of it is in the image or the container.
      const disks: Disks = opts.env === 'ssh'
        ? new HostDisks({
          host: (n) => this.host(n), dirOf: (n) => nodePath.posix.join(this.nodeDir(n), files.dir), layer: opts.disk.layer,
          logFiles: files.logFiles, dataFiles: files.dataFiles, without: files.without, log: (m) => this.log(m),
        })
        : new NodeDisks({
          dirOf: (n) => nodePath.join(this.nodeDir(n), files.dir), layer: opts.disk.layer,
          logFiles: files.logFiles, dataFiles: files.dataFiles, without: files.without, log: (m) => this.log(m),
        });
      this.disks = disks;
      this.disk = {
        faults: disks.faults, unsupported: disks.unsupported,
        remember: (n) => disks.remember(n),
        apply: async (n, f, pick) => {
          this.damaged.add(n);
          return disks.apply(n, f, pick);
        },
        rejoined: async (n) => {
          if (this.states.get(n) !== 'running' || this.procs.get(n)?.running !== true) return false;
          try {
            return (await this.probe(n, 1_000)).ok;
          } catch {
            return false;
          }
        },
      };
    }
    this.killable = { kill: (n) => this.kill(n), start: (n) => this.start(n) };
    this.pausable = { pause: (n) => this.signal(n, 'SIGSTOP', 'paused'), resume: (n) => this.signal(n, 'SIGCONT', 'running') };
    this.primaries = { primaries: async () => (await this.health()).filter((h) => h.leader).map((h) => h.node) };
  }

  /** Writes a node's files before its first launch (config, ids) with `writeNodeFile`; `index` counts from 0. */
  protected configure?(node: string, index: number): void | Promise<void>;
  /** The store's data files, for `--nemesis disk` (none: the store offers no disk faults). */
  protected storeFiles?(): StoreFiles | undefined;
  /** What the server needs on a remote host (checked before launch; `--install` installs it). */
  protected hostNeeds?(): HostNeed[];
  /** Starts the node's server through `spawnServer`; `restart` is true after a kill. */
  protected abstract launch(node: string, restart: boolean): Promise<void>;
  /** One running node's health, asked of its server. */
  protected abstract probe(node: string, timeoutMs: number): Promise<NodeHealth>;
  /** True once the cluster as a whole serves (e.g. every node up and one leader). */
  protected abstract healthy(health: readonly NodeHealth[]): boolean;
  /** The server's log file name inside its node directory. */
  protected abstract readonly logName: string;
  /** How long setup waits for `healthy`, ms. */
  protected setupTimeoutMs = 30_000;

  /** The host a node runs on (its `Remote`). */
  host(node: string): Remote {
    if (!this.environment) throw new Error(`the ${this.name} cluster is not set up`);
    return this.environment.host(node);
  }

  /** A node's address on the test network. */
  address(node: string): string {
    return this.host(node).address;
  }

  /** Where a node's files live on its host: the host's run directory, or the controller's `nodes/<node>`. */
  nodeDir(node: string): string {
    return this.environment?.host(node).runDir ?? this.localNodeDir(node);
  }

  /** The node's directory in the run's store on the controller (logs end up here). */
  localNodeDir(node: string): string {
    return nodePath.join(this.opts.dir, 'nodes', node);
  }

  /** True when the node's host has a filesystem of its own. */
  protected remoteFiles(node: string): boolean {
    return this.environment?.host(node).runDir !== undefined;
  }

  /** Writes a file into the node's directory, on whichever machine that is. */
  protected async writeNodeFile(node: string, name: string, text: string): Promise<void> {
    const path = nodePath.posix.join(this.nodeDir(node), name);
    if (!this.remoteFiles(node)) {
      // A container or namespace can write its node's directory: no link in `name` is followed.
      fs.mkdirSync(this.nodeDir(node), { recursive: true });
      writeAtomicIn(this.nodeDir(node), name, text, { mkdir: true });
      // Durable at once: under the lose-un-fsynced layer an unsynced config file (ZooKeeper's data/myid)
      // would be lost at the first crash, a fault of the harness's own making, not the store's.
      const fd = openInDir(this.nodeDir(node), name, fs.constants.O_RDONLY);
      try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
      return;
    }
    await this.host(node).execOk(['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'sh', path], { input: text });
  }

  state(node: string): ServerState | undefined {
    return this.states.get(node);
  }

  async setup(): Promise<void> {
    const t0 = performance.now();
    this.environment = await getEnvironment(this.opts.env).provision({
      nodes: this.nodes, subnet: this.opts.subnet, log: this.log,
      target: this.name, nodeDir: (n) => this.nodeDir(n), flags: this.opts.flags,
    });
    if (this.environment.clock) {
      this.clock = this.environment.clock;
      this.clockUnsupportedReason = undefined;
    }
    this.net = new IptablesNet(this.environment, nodePath.join(this.opts.dir, 'nodes'));
    await this.net.setup();
    await this.checkHosts();
    // The data directories (and their FUSE layers) before configure writes into them and any server opens a file.
    if (this.disks && this.disk?.faults.length) await this.disks.setup(this.nodes);
    for (const [i, node] of this.nodes.entries()) {
      fs.mkdirSync(this.localNodeDir(node), { recursive: true });
      await this.configure?.(node, i);
    }
    await Promise.all(this.insideNodes().map((n) => this.launch(n, false)));
    await this.waitHealthy(this.setupTimeoutMs);
    this.log(`${this.name}: ${this.insideNodes().length} servers healthy ${(performance.now() - t0).toFixed(0)} ms after setup began`);
  }

  /** Waits until `healthy` holds, or throws naming each node's state and the end of its log. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const h = await this.health(1_000);
      if (this.healthy(h.filter((x) => !this.outside.has(x.node)))) return;
      // A server that exited on its own will not become healthy: say so now, not at the deadline.
      const exited = this.nodes.filter((n) => this.states.get(n) === 'running' && this.procs.get(n)?.running === false);
      if (exited.length > 0) throw new Error(`${this.name} exited on ${exited.join(', ')} before the cluster was healthy\n${this.logTail()}`);
      if (Date.now() > deadline) {
        throw new Error(`${this.name} did not become healthy within ${timeoutMs} ms: ${h.map((x) => `${x.node} ${x.detail}`).join(', ')}\n${await this.remoteLogTail() ?? this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** On remote hosts: every `hostNeeds` entry present, or installed under `--install`. */
  private async checkHosts(): Promise<void> {
    // The disk faults' helpers are built on the hosts: their compiler and FUSE with the server's own needs.
    const needs = [...(this.hostNeeds?.() ?? []), ...(this.disks instanceof HostDisks ? this.disks.hostNeeds() : [])];
    const hosts = this.nodes.filter((n) => this.remoteFiles(n)).map((n) => this.host(n));
    if (needs.length > 0 && hosts.length > 0) {
      await ensureHostNeeds(hosts, needs, { install: this.opts.flags?.get('install') === true, log: (m) => this.log(`${this.name}: ${m}`) });
    }
  }

  /** Starts argv on the node's host and keeps it as the node's server. */
  protected async spawnServer(node: string, argv: readonly string[], opts: Omit<SpawnOptions, 'logFile' | 'what'> = {}): Promise<RemoteProcess> {
    const p = await this.host(node).spawn(argv, { ...opts, what: this.name, main: true, logFile: nodePath.join(this.nodeDir(node), this.logName) });
    this.procs.set(node, p);
    this.states.set(node, 'running');
    // A node that had died on its own is back: its down span ends here.
    for (const e of this.ownExitLog) if (e.node === node && e.back === undefined) e.back = process.hrtime.bigint();
    this.log(`${this.name}: started ${node} as pid ${p.pid}`);
    // A container's restart is a new network namespace: the faults in force go back on at once.
    if (this.environment?.freshNetworkOnStart) {
      await this.net?.restore(node).catch((err: Error) => {
        // A server that died at once took its namespace along: its exit, not the rules, is the news.
        if (this.host(node).networkUp?.() ?? true) throw err;
      });
    }
    void p.exited.then((e) => {
      if (this.procs.get(node) === p && this.states.get(node) !== 'killed' && !this.outside.has(node)) {
        this.ownExitLog.push({ node, at: process.hrtime.bigint() });
        this.log(`${this.name}: ${node} (pid ${p.pid}) exited on its own: code ${e.code}, signal ${e.signal}`);
      }
    });
    return p;
  }

  /** Servers that exited without the run asking, for the run's liveness verdict. */
  ownExits(): readonly { node: string; at: bigint; back?: bigint }[] {
    return this.ownExitLog;
  }

  private async kill(node: string): Promise<void> {
    const p = this.procs.get(node);
    this.states.set(node, 'killed');
    if (!p?.running) return;
    await p.signal('SIGKILL');
    await p.exited;
  }

  private async start(node: string): Promise<void> {
    // A host outside the configuration has no server to bring back (a removed one stays stopped).
    if (this.outside.has(node)) return;
    const p = this.procs.get(node);
    if (p?.running) {
      if (this.states.get(node) === 'paused') await this.signal(node, 'SIGCONT', 'running');
      return;
    }
    // Where this start's log lines begin: a refusal's reason is read from there (a Go panic's goroutine dump runs to thousands of lines).
    const logFrom = this.damaged.has(node) ? this.localLogSize(node) : 0;
    const launchedAt = process.hrtime.bigint();
    await this.launch(node, true);
    // Still damaged until a start is confirmed: a node that refused is watched again at its next restart.
    if (this.damaged.has(node)) {
      try {
        await this.confirmStart(node, logFrom);
      } catch (err) {
        // A start that refused never brought the node back: its down span goes on (the launch closed it),
        // so a cluster whose every restart refuses is a dead cluster to the liveness verdict — however
        // long each refusal took (a JVM that takes 12 s to refuse is not 12 s of a live node).
        for (const e of this.ownExitLog) if (e.node === node && e.back !== undefined && e.back >= launchedAt) delete e.back;
        throw err;
      }
      this.damaged.delete(node);
    }
  }

  /**
   * After a disk fault: waits until the restarted server answers its health probe (in any state: a
   * server without quorum still answers) or exits. An exit is a refusal to start on damaged files,
   * thrown with the server's own words (its log's error line); neither within DAMAGED_START_MS counts as started.
   */
  private async confirmStart(node: string, logFrom: number): Promise<void> {
    const p = this.procs.get(node);
    const deadline = Date.now() + DAMAGED_START_MS;
    while (Date.now() < deadline) {
      if (p && !p.running) {
        const e = await p.exited;
        throw new Error(`${this.name} ${node} exited at start (code ${e.code}${e.signal ? `, signal ${e.signal}` : ''}): ${await this.errorLine(node, logFrom)}`);
      }
      try {
        await this.probe(node, 500);
        return;
      } catch { /* not answering yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The size of the node's log on this machine (0 when remote or absent). */
  private localLogSize(node: string): number {
    if (this.remoteFiles(node)) return 0;
    try {
      const fd = openInDir(this.localNodeDir(node), this.logName, fs.constants.O_RDONLY);
      try { return fs.fstatSync(fd).size; } finally { fs.closeSync(fd); }
    } catch {
      return 0;
    }
  }

  /** The line of the node's log that says why it stopped (`tellingLine`), from what this start wrote (at most its last 4 MB). */
  private async errorLine(node: string, from: number): Promise<string> {
    let lines: string[];
    try {
      if (this.remoteFiles(node)) {
        lines = (await this.host(node).execOk(['tail', '-n', '5000', nodePath.posix.join(this.nodeDir(node), this.logName)])).split('\n');
      } else {
        const fd = openInDir(this.localNodeDir(node), this.logName, fs.constants.O_RDONLY);
        try {
          const size = fs.fstatSync(fd).size;
          const start = Math.max(from, size - (4 << 20));
          const buf = Buffer.alloc(Math.max(0, size - start));
          fs.readSync(fd, buf, 0, buf.length, start);
          lines = buf.toString('utf8').split('\n');
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch {
      return '(no log)';
    }
    return tellingLine(lines);
  }

  private async signal(node: string, sig: NodeJS.Signals, state: ServerState): Promise<void> {
    const p = this.procs.get(node);
    if (!p?.running) return; // A killed server cannot be paused; resuming it is the restart's job.
    await p.signal(sig);
    this.states.set(node, state);
  }

  /** Every node's health; killed and paused nodes are reported without asking them. */
  async health(timeoutMs = 500): Promise<NodeHealth[]> {
    return Promise.all(this.nodes.map(async (node) => {
      const st = this.states.get(node);
      if (this.outside.has(node) && this.procs.get(node)?.running !== true) return { node, ok: false, detail: 'not a member (no server)' };
      if (st === 'killed' || st === 'paused') return { node, ok: false, detail: `down: ${st}` };
      try {
        return await this.probe(node, timeoutMs);
      } catch (err) {
        return { node, ok: false, detail: `down: ${(err as Error).message}` };
      }
    }));
  }

  /** Health as a record for nemesis ops. */
  async healthRecord(): Promise<HealthRecord> {
    return Object.fromEntries((await this.health()).map((h) => [h.node, h.detail]));
  }

  /** The server's PID on its host while it runs. */
  pidOf(node: string): number | undefined {
    const p = this.procs.get(node);
    return p?.running ? p.pid : undefined;
  }

  /** The last lines of every node's log read on remote hosts, or undefined when the files are local. */
  private async remoteLogTail(lines = 3): Promise<string | undefined> {
    if (!this.nodes.some((n) => this.remoteFiles(n))) return undefined;
    const tails = await Promise.all(this.nodes.map(async (n) => {
      const r = await this.host(n).exec(['tail', '-n', String(lines), nodePath.posix.join(this.nodeDir(n), this.logName)]).catch(() => undefined);
      return `  ${n}: ${r && r.code === 0 ? r.stdout.trim().split('\n').join('\n    ') : '(no log)'}`;
    }));
    return tails.join('\n');
  }

  /** The last lines of every node's log, wherever the logs are (on remote hosts during the run). */
  protected async anyLogTail(lines = 3): Promise<string> {
    return (await this.remoteLogTail(lines)) ?? this.logTail(lines);
  }

  /** The last lines of every node's log in the store, for an error message. */
  logTail(lines = 3): string {
    return this.nodes.map((n) => {
      try {
        const text = readInDir(this.localNodeDir(n), this.logName).toString('utf8').trim().split('\n').slice(-lines).join('\n    ');
        return `  ${n}: ${text}`;
      } catch {
        return `  ${n}: (no log)`;
      }
    }).join('\n');
  }

  /** A server was started on the node in this run (a host that joins again is then a new server on used ground). */
  ranServer(node: string): boolean {
    return this.procs.has(node);
  }

  /** The hosts inside the configuration (every node without membership changes). */
  insideNodes(): string[] {
    return this.nodes.filter((n) => !this.outside.has(n));
  }

  /** Counts a host outside the configuration (before its removal is asked, so its server's exit is expected). */
  markOutside(node: string): void {
    this.outside.add(node);
  }

  /** Counts a host inside the configuration again (a removal refused, or a host about to join). */
  markInside(node: string): void {
    this.outside.delete(node);
  }

  /** Stops a node's server, if one runs, as a kill does (for a member that left). */
  async stopServer(node: string): Promise<void> {
    await this.kill(node);
  }

  /** Starts a member's server again, as a kill's restart does (a removal that did not apply leaves a member that must run). */
  async restartServer(node: string): Promise<void> {
    await this.start(node);
  }

  /** Starts a joining host's server (`launch` with restart false: the store's join arguments are its own). */
  async startJoiner(node: string): Promise<void> {
    this.outside.delete(node);
    await this.launch(node, false);
  }

  /** Removes a stopped node's data directory (`sub` below its node directory), so it joins with empty data. */
  async wipeData(node: string, sub: string): Promise<void> {
    if (/(^|\/)\.\.(\/|$)/.test(sub) || sub.startsWith('/')) throw new Error(`wipeData: ${sub} is not inside the node directory`);
    if (this.procs.get(node)?.running) throw new Error(`wipeData: ${node} still runs`);
    const dir = nodePath.posix.join(this.nodeDir(node), sub);
    if (!this.remoteFiles(node)) fs.rmSync(dir, { recursive: true, force: true });
    else await this.host(node).execOk(['rm', '-rf', '--', dir]);
  }

  /** Runs `fn` first at teardown (closing clients before their servers go). */
  onTeardown(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  /**
   * The teardown order: the target's own cleanups (clients before their servers), heal the network
   * (so logs end healthy), stop every server, then remove the hosts. Idempotent; never throws.
   */
  async teardown(): Promise<void> {
    // Bounded: a hook that never settles (a client's close) must not keep the servers running.
    for (const fn of this.cleanups.splice(0)) await bounded(fn, TEARDOWN_STEP_BOUND_MS, `${this.name} teardown hook`, this.log);
    for (const [n, p] of this.procs) if (p.running) this.states.set(n, 'killed');
    if (this.net) await this.net.healAll(this.log);
    await Promise.all([...this.procs.values()].map((p) => p.stop(1_000).catch(() => undefined)));
    this.procs.clear();
    await this.collectLogs();
    await this.disks?.teardown();
    await this.environment?.teardown(this.log);
  }

  /**
   * Downloads every `*.log` of remote node directories into the store's `nodes/<node>/`: plain files
   * only (no link the server made), plain names only, each created fresh here. Never throws.
   */
  private async collectLogs(): Promise<void> {
    if (!this.environment) return;
    await Promise.all(this.nodes.filter((n) => this.remoteFiles(n)).map(async (node) => {
      const host = this.host(node);
      try {
        const list = await host.execOk(['sh', '-c', 'cd "$1" && for f in *.log; do [ -f "$f" ] && [ ! -L "$f" ] && echo "$f"; done; true', 'sh', this.nodeDir(node)]);
        for (const name of list.split('\n').map((l) => l.trim()).filter(Boolean)) {
          // The host's answer names the files: only a plain name stays inside the node's folder here.
          if (!/^[^/]+\.log$/.test(name) || name.startsWith('.')) {
            this.log(`${this.name}: ${node} listed a log named ${JSON.stringify(name)}, which is not a plain file name: not downloaded`);
            continue;
          }
          await host.download(nodePath.posix.join(this.nodeDir(node), name), nodePath.join(this.localNodeDir(node), name));
        }
      } catch (err) {
        this.log(`${this.name}: could not download the logs of ${node}: ${(err as Error).message}`);
      }
    }));
  }
}
