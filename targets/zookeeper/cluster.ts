/**
 * A ZooKeeper 3.8 ensemble, one server per host of the run's environment: Debian's jar plus
 * slf4j-simple (the jar's manifest pulls in everything but a logging binding, so without it the server
 * logs nothing), the admin server off (it would take :8080), small JVM flags (~60 MB RSS, 0.5 s
 * restart), tickTime 500 ms so failover takes seconds, not tens of seconds.
 *
 * Kill, pause, net faults and the node bookkeeping come from the shared server base; primaries are
 * the servers whose `srvr` says `Mode: leader`; the clock is skewed through
 * libfaketime: every server starts with the library preloaded and its own offset file, which the
 * library re-reads about once a second. The JVM needs FAKETIME_FORCE_MONOTONIC_FIX=0 (otherwise timed
 * waits return early and it spins) and the monotonic clock left alone.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import type { HealthRecord } from '../../harness/middle/faults/net/health.js';
import { run } from '../../harness/middle/hosts/exec.js';
import { ServerCluster, type HostNeed, type NodeHealth, type ServerClusterOptions, type StoreFiles } from '../server-base/server-cluster.js';
import { FAKETIME_LIB, faketimeEnv, offsetText, writeOffset } from '../../harness/middle/hosts/faketime.js';

/** The session timeouts the servers allow: 2 and 20 ticks of tickTime=500 (ZooKeeper's own default bounds). */
export const ZK_MIN_SESSION_MS = 1_000;
export const ZK_MAX_SESSION_MS = 10_000;

export const ZK_JAR = '/usr/share/java/zookeeper.jar';
export const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
export const ZK_JVM_FLAGS = ['-Xmx32m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss256k', '-XX:-UsePerfData'];

export interface ZkClusterOptions extends ServerClusterOptions {
  java?: string;
  /** Preload libfaketime for clock faults (default: when the library is installed). */
  faketime?: boolean;
}

/**
 * The super user of a run with membership changes: ZooKeeper lets only an authorised client
 * reconfigure, and its password is the run's own (never a fixed one another process could know).
 */
export interface ZkSuperUser {
  password: string;
  /** `super:<base64 sha1>`, ZooKeeper's DigestAuthenticationProvider.superDigest. */
  digest: string;
}

export function zkSuperUser(password = crypto.randomBytes(12).toString('hex')): ZkSuperUser {
  return { password, digest: `super:${crypto.createHash('sha1').update(`super:${password}`).digest('base64')}` };
}

/** Asks a server a four-letter word; resolves with its answer (empty when it closes at once). */
export function fourLetter(host: string, word: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port: 2181 });
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer to ${word} within ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('connect', () => sock.write(word));
    sock.on('data', (d) => { data += d.toString(); });
    sock.on('error', (err) => { clearTimeout(timer); reject(err); });
    sock.on('close', () => { clearTimeout(timer); resolve(data); });
  });
}

export class ZkCluster extends ServerCluster {
  readonly name = 'zookeeper';
  protected readonly logName = 'zookeeper.log';
  protected override setupTimeoutMs = 60_000;
  private readonly offsets: Record<string, number> = {};
  private faketime: boolean;
  /** With membership changes (`--nemesis membership`): dynamic reconfiguration on, and its super user. */
  readonly superUser?: ZkSuperUser;

  constructor(readonly zkOpts: ZkClusterOptions) {
    super(zkOpts);
    if (zkOpts.members !== undefined) this.superUser = zkSuperUser();
    this.faketime = false;
    this.useFaketime(zkOpts.faketime ?? fs.existsSync(FAKETIME_LIB));
  }

  /** Turns libfaketime clock control on (offset files per node) or off (with the reason). */
  private useFaketime(on: boolean): void {
    this.faketime = on;
    if (!on) {
      this.clock = undefined;
      this.clockUnsupportedReason = `libfaketime is not installed (${FAKETIME_LIB} is missing); install it with: apt-get install -y faketime libfaketime`;
      return;
    }
    this.clockUnsupportedReason = undefined;
    this.clock = {
      setClockOffset: async (node, ms) => {
        if (this.remoteFiles(node)) await this.writeNodeFile(node, 'faketime-offset', offsetText(ms));
        else writeOffset(this.offsetFile(node), ms);
        this.offsets[node] = ms;
      },
      clockOffsets: () => ({ ...this.offsets }),
    };
  }

  private offsetFile(node: string): string {
    return nodePath.join(this.nodeDir(node), 'faketime-offset');
  }

  /**
   * ZooKeeper's files below dataDir (nodes/<node>/data): the transaction logs version-2/log.<zxid>
   * (hex, preallocated in 64 MB steps; the newest has the highest zxid), the fuzzy snapshots
   * version-2/snapshot.<zxid> (the election epochs beside them are left alone: a flip there is a
   * number that does not parse).
   */
  protected override storeFiles(): StoreFiles {
    const seq = (name: string): number => parseInt(name.slice(name.indexOf('.') + 1), 16);
    const logs = { dir: 'version-2', match: /^log\.[0-9a-f]+$/, seq };
    return {
      dir: 'data', logFiles: [logs],
      dataFiles: [logs, { dir: 'version-2', match: /^snapshot\.[0-9a-f]+$/, seq }],
    };
  }

  /** On a remote host: java, the ZooKeeper jar and its logging binding (libfaketime is optional). */
  protected override hostNeeds(): HostNeed[] {
    return [
      { path: this.zkOpts.java ?? 'java', pkg: 'default-jre-headless' },
      { path: ZK_JAR, file: true, pkg: 'zookeeper' },
      { path: SLF4J_SIMPLE_JAR, file: true, pkg: 'libslf4j-java' },
    ];
  }

  protected override async configure(node: string, index: number): Promise<void> {
    const dir = this.nodeDir(node);
    // The hosts' own clocks are skewed (--clock-mode system): no preload. On remote hosts what counts
    // is whether the host has libfaketime, whatever the controller has installed.
    if (index === 0 && this.environment?.clock) this.faketime = false;
    else if (index === 0 && this.remoteFiles(node) && this.zkOpts.faketime === undefined) {
      this.useFaketime((await this.host(node).exec(['test', '-e', FAKETIME_LIB])).code === 0);
    }
    await this.writeConfig(node, this.zkOpts.members ?? this.nodes);
    if (this.faketime) await this.writeNodeFile(node, 'faketime-offset', offsetText(0));
  }

  /** A node's server id (`myid`): its place among the hosts, from 1. */
  serverId(node: string): number {
    return this.nodes.indexOf(node) + 1;
  }

  /** A server's line in the configuration (dynamic form with membership changes: role and client address). */
  serverLine(node: string): string {
    const base = `server.${this.serverId(node)}=${this.address(node)}:2888:3888`;
    return this.superUser ? `${base}:participant;${this.address(node)}:2181` : base;
  }

  /**
   * Writes a node's myid and zoo.cfg naming `servers`. With membership changes the configuration is
   * dynamic (ZooKeeper moves the server lines to zoo.cfg.dynamic.<version> and follows every
   * reconfig there): `reconfigEnabled=true`, `standaloneEnabled=false` (a one-server ensemble stays
   * an ensemble that can grow). A joiner is written the current members and itself.
   */
  async writeConfig(node: string, servers: readonly string[]): Promise<void> {
    const dir = this.nodeDir(node);
    await this.writeNodeFile(node, 'data/myid', `${this.serverId(node)}\n`);
    await this.writeNodeFile(node, 'zoo.cfg', [
      'tickTime=500', 'initLimit=10', 'syncLimit=5', `dataDir=${nodePath.join(dir, 'data')}`,
      `clientPortAddress=${this.address(node)}`, 'clientPort=2181', 'admin.enableServer=false', '4lw.commands.whitelist=*',
      `minSessionTimeout=${ZK_MIN_SESSION_MS}`, `maxSessionTimeout=${ZK_MAX_SESSION_MS}`,
      ...(this.superUser ? ['reconfigEnabled=true', 'standaloneEnabled=false'] : []),
      ...servers.map((n) => this.serverLine(n)), '',
    ].join('\n'));
  }

  /**
   * Runs a ZooKeeper CLI session (`commands`, one a line) against `node`'s server: from this machine
   * when the hosts are its own namespaces (as the clients connect; the faults spare that traffic),
   * else on the node's host, where the jar is.
   */
  async cli(node: string, commands: readonly string[], timeoutMs: number): Promise<{ code: number; out: string }> {
    const host = this.host(node);
    const here = this.environment?.kind === 'local';
    const argv = [this.zkOpts.java ?? 'java', ...ZK_JVM_FLAGS, '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${ZK_JAR}:${SLF4J_SIMPLE_JAR}`,
      'org.apache.zookeeper.ZooKeeperMain', '-server', `${this.address(node)}:2181`];
    const opts = { input: `${commands.join('\n')}\nquit\n`, timeoutMs };
    const r = here ? await run(argv, opts) : await (host.serverExec ?? host.exec).call(host, argv, opts);
    return { code: r.code, out: `${r.stdout}\n${r.stderr}` };
  }

  protected async launch(node: string): Promise<void> {
    const dir = this.nodeDir(node);
    const argv = [
      this.zkOpts.java ?? 'java', ...ZK_JVM_FLAGS, '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
      ...(this.superUser ? [`-Dzookeeper.DigestAuthenticationProvider.superDigest=${this.superUser.digest}`] : []),
      '-cp', `${ZK_JAR}:${SLF4J_SIMPLE_JAR}`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', nodePath.join(dir, 'zoo.cfg'),
    ];
    // A remote host's environment is its own: only the preload's variables are sent.
    const env = this.faketime ? faketimeEnv(FAKETIME_LIB, this.offsetFile(node), this.remoteFiles(node) ? {} : process.env) : undefined;
    await this.spawnServer(node, argv, { env });
  }

  /** A server's `srvr` mode, or why it has none. */
  protected async probe(node: string, timeoutMs: number): Promise<NodeHealth> {
    const answer = await fourLetter(this.address(node), 'srvr', timeoutMs);
    const mode = /Mode: (\w+)/.exec(answer)?.[1];
    if (mode) return { node, ok: mode === 'leader' || mode === 'follower', leader: mode === 'leader', detail: mode };
    return { node, ok: false, detail: answer.includes('not currently serving') ? 'not serving' : `no mode: ${answer.trim().slice(0, 80)}` };
  }

  /** Every server serves and exactly one leads. */
  protected healthy(health: readonly NodeHealth[]): boolean {
    return health.every((h) => h.ok) && health.filter((h) => h.leader).length === 1;
  }

  override async healthRecord(): Promise<HealthRecord> {
    const offsets = this.clock?.clockOffsets() ?? {};
    return Object.fromEntries((await this.health()).map((h) => [h.node, offsets[h.node] ? `${h.detail} (clock ${offsets[h.node]} ms)` : h.detail]));
  }
}
