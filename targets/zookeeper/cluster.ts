/**
 * A ZooKeeper 3.8 ensemble, one server per namespace host (ENVIRONMENT.md §3): Debian's jar plus
 * slf4j-simple (the jar's manifest pulls in everything but a logging binding, so without it the server
 * logs nothing), the admin server off (it would take :8080), small JVM flags (~60 MB RSS, 0.5 s
 * restart), tickTime 500 ms so failover takes seconds, not tens of seconds.
 *
 * Capabilities: killable, pausable, primaries (`srvr` says `Mode: leader`), net, and clock through
 * libfaketime: every server starts with the library preloaded and its own offset file, which the
 * library re-reads about once a second. The JVM needs FAKETIME_FORCE_MONOTONIC_FIX=0 (otherwise timed
 * waits return early and it spins) and the monotonic clock left alone.
 */
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import type { ClockControl, HasPrimaries, Killable, Pausable, Target } from '../../harness/roles.js';
import { IptablesNet } from '../../harness/net/iptables-net.js';
import type { HealthRecord } from '../../harness/net/health.js';
import { provisionLocal, type LocalNetwork } from '../../harness/provision/local.js';
import type { RemoteProcess } from '../../harness/provision/remote.js';
import { tearDownNamespaceCluster } from '../../harness/provision/teardown.js';
import { FAKETIME_LIB, faketimeEnv, writeOffset } from '../maelstrom/faketime.js';

export const ZK_JAR = '/usr/share/java/zookeeper.jar';
export const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
export const ZK_JVM_FLAGS = ['-Xmx32m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss256k', '-XX:-UsePerfData'];

export interface ZkClusterOptions {
  nodes: readonly string[];
  dir: string;
  subnet?: string;
  java?: string;
  /** Preload libfaketime for clock faults (default: when the library is installed). */
  faketime?: boolean;
  log?: (message: string) => void;
}

type ServerState = 'running' | 'killed' | 'paused';

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

export class ZkCluster implements Target {
  readonly name = 'zookeeper';
  readonly nodes: readonly string[];
  network?: LocalNetwork;
  net?: IptablesNet;
  killable: Killable;
  pausable: Pausable;
  primaries: HasPrimaries;
  clock?: ClockControl;
  clockUnsupportedReason?: string;
  private readonly procs = new Map<string, RemoteProcess>();
  private readonly states = new Map<string, ServerState>();
  private readonly offsets: Record<string, number> = {};
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly log: (m: string) => void;
  private readonly faketime: boolean;

  constructor(readonly opts: ZkClusterOptions) {
    this.nodes = opts.nodes;
    this.log = opts.log ?? ((): void => undefined);
    this.killable = { kill: (n) => this.kill(n), start: (n) => this.start(n) };
    this.pausable = { pause: (n) => this.signal(n, 'SIGSTOP', 'paused'), resume: (n) => this.signal(n, 'SIGCONT', 'running') };
    this.primaries = { primaries: async () => (await this.health()).filter((h) => h.mode === 'leader').map((h) => h.node) };
    this.faketime = opts.faketime ?? fs.existsSync(FAKETIME_LIB);
    if (this.faketime) {
      this.clock = {
        setClockOffset: async (node, ms) => { writeOffset(this.offsetFile(node), ms); this.offsets[node] = ms; },
        clockOffsets: () => ({ ...this.offsets }),
      };
    } else {
      this.clockUnsupportedReason = `libfaketime is not installed (${FAKETIME_LIB} is missing); install it with: apt-get install -y faketime libfaketime`;
    }
  }

  /** Address of a node's client port. */
  address(node: string): string {
    if (!this.network) throw new Error('the ZooKeeper ensemble is not set up');
    return this.network.host(node).address;
  }

  private nodeDir(node: string): string {
    return nodePath.join(this.opts.dir, 'nodes', node);
  }

  private offsetFile(node: string): string {
    return nodePath.join(this.nodeDir(node), 'faketime-offset');
  }

  async setup(): Promise<void> {
    const t0 = performance.now();
    this.network = await provisionLocal({ nodes: this.nodes, subnet: this.opts.subnet, log: this.log });
    this.net = new IptablesNet(this.network, nodePath.join(this.opts.dir, 'nodes'));
    await this.net.setup();
    this.nodes.forEach((node, i) => this.configure(node, i + 1));
    await Promise.all(this.nodes.map((n) => this.launch(n)));
    await this.waitHealthy(60_000);
    this.log(`zookeeper: ${this.nodes.length} servers serving ${(performance.now() - t0).toFixed(0)} ms after setup began`);
  }

  /** Waits until every running server serves and exactly one leads. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const h = await this.health(1_000);
      if (h.every((x) => x.mode === 'leader' || x.mode === 'follower') && h.filter((x) => x.mode === 'leader').length === 1) return;
      if (Date.now() > deadline) throw new Error(`ZooKeeper did not become healthy within ${timeoutMs} ms: ${h.map((x) => `${x.node} ${x.detail}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private configure(node: string, id: number): void {
    const dir = this.nodeDir(node);
    fs.mkdirSync(nodePath.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(nodePath.join(dir, 'data', 'myid'), `${id}\n`);
    const servers = this.nodes.map((n, i) => `server.${i + 1}=${this.address(n)}:2888:3888`);
    fs.writeFileSync(nodePath.join(dir, 'zoo.cfg'), [
      'tickTime=500', 'initLimit=10', 'syncLimit=5', `dataDir=${nodePath.join(dir, 'data')}`,
      `clientPortAddress=${this.address(node)}`, 'clientPort=2181', 'admin.enableServer=false', '4lw.commands.whitelist=*',
      'minSessionTimeout=1000', 'maxSessionTimeout=10000', ...servers, '',
    ].join('\n'));
    if (this.faketime) writeOffset(this.offsetFile(node), 0);
  }

  private async launch(node: string): Promise<void> {
    const dir = this.nodeDir(node);
    const argv = [
      this.opts.java ?? 'java', ...ZK_JVM_FLAGS, '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
      '-cp', `${ZK_JAR}:${SLF4J_SIMPLE_JAR}`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', nodePath.join(dir, 'zoo.cfg'),
    ];
    const env = this.faketime ? faketimeEnv(FAKETIME_LIB, this.offsetFile(node), process.env) : undefined;
    const p = await this.network!.host(node).spawn(argv, { what: 'zookeeper', logFile: nodePath.join(dir, 'zookeeper.log'), env });
    this.procs.set(node, p);
    this.states.set(node, 'running');
    this.log(`zookeeper: started server ${node} as pid ${p.pid}`);
    void p.exited.then((e) => {
      if (this.procs.get(node) === p && this.states.get(node) !== 'killed') this.log(`zookeeper: ${node} (pid ${p.pid}) exited on its own: code ${e.code}, signal ${e.signal}`);
    });
  }

  private async kill(node: string): Promise<void> {
    const p = this.procs.get(node);
    this.states.set(node, 'killed');
    if (!p?.running) return;
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
  }

  private async start(node: string): Promise<void> {
    const p = this.procs.get(node);
    if (p?.running) {
      if (this.states.get(node) === 'paused') await this.signal(node, 'SIGCONT', 'running');
      return;
    }
    await this.launch(node);
  }

  private async signal(node: string, sig: NodeJS.Signals, state: ServerState): Promise<void> {
    const p = this.procs.get(node);
    if (!p?.running) return;
    process.kill(p.pid, sig);
    this.states.set(node, state);
  }

  /** Every server's `srvr` mode, or why it has none. */
  async health(timeoutMs = 500): Promise<{ node: string; mode?: string; detail: string }[]> {
    return Promise.all(this.nodes.map(async (node) => {
      const st = this.states.get(node);
      if (st === 'killed' || st === 'paused') return { node, detail: `down: ${st}` };
      try {
        const answer = await fourLetter(this.address(node), 'srvr', timeoutMs);
        const mode = /Mode: (\w+)/.exec(answer)?.[1];
        if (mode) return { node, mode, detail: mode };
        return { node, detail: answer.includes('not currently serving') ? 'not serving' : `no mode: ${answer.trim().slice(0, 80)}` };
      } catch (err) {
        return { node, detail: `down: ${(err as Error).message}` };
      }
    }));
  }

  async healthRecord(): Promise<HealthRecord> {
    const offsets = this.clock?.clockOffsets() ?? {};
    return Object.fromEntries((await this.health()).map((h) => [h.node, offsets[h.node] ? `${h.detail} (clock ${offsets[h.node]} ms)` : h.detail]));
  }

  onTeardown(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async teardown(): Promise<void> {
    await tearDownNamespaceCluster({
      name: 'zookeeper', cleanups: this.cleanups, procs: this.procs, markKilled: (n) => this.states.set(n, 'killed'),
      net: this.net, network: this.network, log: this.log,
    });
  }
}
