/**
 * An etcd cluster, one member per namespace host (ENVIRONMENT.md §2): Debian's etcd-server 3.4 or any
 * etcd binary by path, with pre-vote on (without it a healed minority deposes the healthy leader) and
 * fast elections (heartbeat 50 ms, election 500 ms: failover in ~0.75 s). Data dirs and logs live under
 * the run directory, `nodes/<node>/`.
 *
 * Capabilities: killable (SIGKILL; restart with `--initial-cluster-state existing` on the same data
 * dir), pausable (SIGSTOP/SIGCONT), primaries (the maintenance status API: a member is a primary when
 * it names itself leader), net (iptables/NFQUEUE/tbf inside the namespaces). No clock control: etcd is
 * a Go binary, which reads time through the vDSO, so libfaketime cannot skew it and per-node wall
 * clocks are impossible on one shared kernel.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { HasPrimaries, Killable, Pausable, Target } from '../../harness/roles.js';
import { IptablesNet } from '../../harness/net/iptables-net.js';
import type { HealthRecord } from '../../harness/net/health.js';
import { provisionLocal, type LocalNetwork } from '../../harness/provision/local.js';
import type { RemoteProcess } from '../../harness/provision/remote.js';
import { tearDownNamespaceCluster } from '../../harness/provision/teardown.js';
import { memberStatus, waitFor } from './http.js';

export interface EtcdClusterOptions {
  nodes: readonly string[];
  /** etcd binary; default `etcd` from PATH (Debian's etcd-server). */
  etcdBin?: string;
  /** Where `nodes/<node>/` go (the run directory). */
  dir: string;
  subnet?: string;
  heartbeatMs?: number;
  electionMs?: number;
  preVote?: boolean;
  log?: (message: string) => void;
}

type MemberState = 'running' | 'killed' | 'paused';

export class EtcdCluster implements Target {
  readonly name = 'etcd';
  readonly nodes: readonly string[];
  readonly clockUnsupportedReason = 'etcd is a Go binary: Go reads the clock through the vDSO, not libc, so libfaketime cannot skew it, and per-node wall clocks are impossible on one shared kernel';
  network?: LocalNetwork;
  net?: IptablesNet;
  private readonly procs = new Map<string, RemoteProcess>();
  private readonly states = new Map<string, MemberState>();
  private readonly log: (m: string) => void;
  private readonly cleanups: (() => Promise<void>)[] = [];
  killable: Killable;
  pausable: Pausable;
  primaries: HasPrimaries;

  constructor(readonly opts: EtcdClusterOptions) {
    this.nodes = opts.nodes;
    this.log = opts.log ?? ((): void => undefined);
    this.killable = { kill: (n) => this.kill(n), start: (n) => this.start(n) };
    this.pausable = { pause: (n) => this.signal(n, 'SIGSTOP', 'paused'), resume: (n) => this.signal(n, 'SIGCONT', 'running') };
    this.primaries = { primaries: () => this.leaders() };
  }

  /** Client URL of a node. */
  endpoint(node: string): string {
    return `http://${this.requireNetwork().host(node).address}:2379`;
  }

  private requireNetwork(): LocalNetwork {
    if (!this.network) throw new Error('the etcd cluster is not set up');
    return this.network;
  }

  private nodeDir(node: string): string {
    return nodePath.join(this.opts.dir, 'nodes', node);
  }

  async setup(): Promise<void> {
    const t0 = performance.now();
    this.network = await provisionLocal({ nodes: this.nodes, subnet: this.opts.subnet, log: this.log });
    this.net = new IptablesNet(this.network, nodePath.join(this.opts.dir, 'nodes'));
    await this.net.setup();
    await Promise.all(this.nodes.map((n) => this.launch(n, 'new')));
    await waitFor(async () => (await this.health(1_000)).every((h) => h.ok), 30_000, 'every etcd member to be healthy', () => this.logTail());
    this.log(`etcd: ${this.nodes.length} members healthy ${(performance.now() - t0).toFixed(0)} ms after setup began`);
  }

  private async launch(node: string, state: 'new' | 'existing'): Promise<void> {
    const net = this.requireNetwork();
    const dir = this.nodeDir(node);
    fs.mkdirSync(dir, { recursive: true });
    const ip = net.host(node).address;
    const cluster = this.nodes.map((n) => `${n}=http://${net.host(n).address}:2380`).join(',');
    const argv = [
      this.opts.etcdBin ?? 'etcd', '--name', node, '--data-dir', nodePath.join(dir, 'data'),
      '--listen-peer-urls', `http://${ip}:2380`, '--initial-advertise-peer-urls', `http://${ip}:2380`,
      '--listen-client-urls', `http://${ip}:2379`, '--advertise-client-urls', `http://${ip}:2379`,
      '--initial-cluster', cluster, '--initial-cluster-state', state, '--initial-cluster-token', `faultline-${net.runId}`,
      '--heartbeat-interval', String(this.opts.heartbeatMs ?? 50), '--election-timeout', String(this.opts.electionMs ?? 500),
      `--pre-vote=${this.opts.preVote ?? true}`, '--logger', 'zap', '--log-outputs', 'stderr',
    ];
    const p = await net.host(node).spawn(argv, { what: 'etcd', logFile: nodePath.join(dir, 'etcd.log') });
    this.procs.set(node, p);
    this.states.set(node, 'running');
    this.log(`etcd: started member ${node} (${state}) as pid ${p.pid}`);
    void p.exited.then((e) => {
      if (this.procs.get(node) === p && this.states.get(node) !== 'killed') {
        this.log(`etcd: member ${node} (pid ${p.pid}) exited on its own: code ${e.code}, signal ${e.signal}`);
      }
    });
  }

  private async kill(node: string): Promise<void> {
    const p = this.procs.get(node);
    this.states.set(node, 'killed');
    if (!p || !p.running) return;
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
  }

  private async start(node: string): Promise<void> {
    const p = this.procs.get(node);
    if (p?.running) {
      if (this.states.get(node) === 'paused') await this.signal(node, 'SIGCONT', 'running');
      return;
    }
    await this.launch(node, 'existing');
  }

  private async signal(node: string, sig: NodeJS.Signals, state: MemberState): Promise<void> {
    const p = this.procs.get(node);
    if (!p?.running) return; // A killed member cannot be paused; resuming it is the restart's job.
    process.kill(p.pid, sig);
    this.states.set(node, state);
  }

  /** Every member's view: reachable, leader or follower, term, or the error. */
  async health(timeoutMs = 500): Promise<{ node: string; ok: boolean; leader?: boolean; detail: string }[]> {
    return Promise.all(this.nodes.map(async (node) => {
      if (this.states.get(node) === 'killed') return { node, ok: false, detail: 'down: killed' };
      if (this.states.get(node) === 'paused') return { node, ok: false, detail: 'down: paused' };
      try {
        const s = await memberStatus(this.endpoint(node), timeoutMs);
        if (s.leader === '0') return { node, ok: false, detail: `no leader (term ${s.raftTerm})` };
        const leader = s.leader === s.memberId;
        return { node, ok: true, leader, detail: `${leader ? 'leader' : 'follower'} (term ${s.raftTerm})` };
      } catch (err) {
        return { node, ok: false, detail: `down: ${(err as Error).message}` };
      }
    }));
  }

  /** Health as a record for nemesis ops. */
  async healthRecord(): Promise<HealthRecord> {
    return Object.fromEntries((await this.health()).map((h) => [h.node, h.detail]));
  }

  private async leaders(): Promise<string[]> {
    return (await this.health()).filter((h) => h.leader).map((h) => h.node);
  }

  pidOf(node: string): number | undefined {
    const p = this.procs.get(node);
    return p?.running ? p.pid : undefined;
  }

  private logTail(): string {
    return this.nodes.map((n) => {
      try {
        const text = fs.readFileSync(nodePath.join(this.nodeDir(n), 'etcd.log'), 'utf8').trim().split('\n').slice(-3).join('\n    ');
        return `  ${n}: ${text}`;
      } catch {
        return `  ${n}: (no log)`;
      }
    }).join('\n');
  }

  /** Runs `fn` first at teardown (closing clients before their servers go). */
  onTeardown(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async teardown(): Promise<void> {
    await tearDownNamespaceCluster({
      name: 'etcd', cleanups: this.cleanups, procs: this.procs, markKilled: (n) => this.states.set(n, 'killed'),
      net: this.net, network: this.network, log: this.log,
    });
  }
}
