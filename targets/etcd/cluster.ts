/**
 * An etcd cluster, one member per host of the run's environment: Debian's etcd-server 3.4 or any etcd
 * binary by path, with pre-vote on (without it a healed minority deposes the healthy leader) and fast
 * elections (heartbeat 50 ms, election 500 ms: failover in ~0.75 s). Data dirs and logs live under the
 * run directory, `nodes/<node>/`; a killed member restarts on its data dir with
 * `--initial-cluster-state existing`.
 *
 * Kill, pause, net faults and the node bookkeeping come from the shared server base; primaries come
 * from the maintenance status API (a member leads when it names itself leader). No clock control:
 * etcd is a Go binary, which reads time through the vDSO, so libfaketime cannot skew it and per-node
 * wall clocks are impossible on one shared kernel — unless the hosts are machines of their own
 * (`--env ssh --clock-mode system`), when the environment's clock control skews their real clocks.
 */
import nodePath from 'node:path';
import { ServerCluster, type HostNeed, type NodeHealth, type ServerClusterOptions, type StoreFiles } from '../server-base/server-cluster.js';
import { memberStatus } from './http.js';

export interface EtcdClusterOptions extends ServerClusterOptions {
  /** etcd binary; default `etcd` from PATH (Debian's etcd-server). */
  etcdBin?: string;
  heartbeatMs?: number;
  electionMs?: number;
  preVote?: boolean;
}

export class EtcdCluster extends ServerCluster {
  readonly name = 'etcd';
  override clockUnsupportedReason?: string = 'etcd is a Go binary: Go reads the clock through the vDSO, not libc, so libfaketime cannot skew it, and per-node wall clocks are impossible on one shared kernel (on separate machines, --env ssh --clock-mode system skews the hosts\' own clocks)';
  protected readonly logName = 'etcd.log';

  /** A joining member's `--initial-cluster` (the configuration etcd answered the addition with), by node. */
  private readonly joining = new Map<string, string>();

  constructor(readonly etcdOpts: EtcdClusterOptions) {
    super(etcdOpts);
  }

  /** A node's peer URL, as the member API lists it. */
  peerUrl(node: string): string {
    return `http://${this.address(node)}:2380`;
  }

  /** The next start of `node` joins a running cluster whose members (with it) are `initialCluster`. */
  joinAs(node: string, initialCluster: string): void {
    this.joining.set(node, initialCluster);
  }

  /**
   * etcd's files below `--data-dir` (nodes/<node>/data): the WAL segments (member/wal/<seq>-<index>.wal,
   * preallocated to 64 MB, the newest last by name), the bbolt backend (member/snap/db, no page
   * checksums) and raft snapshots (member/snap/<term>-<index>.snap, written every 100 000 entries by default).
   */
  protected override storeFiles(): StoreFiles {
    const wal = { dir: 'member/wal', match: /\.wal$/ };
    return { dir: 'data', logFiles: [wal], dataFiles: [wal, 'member/snap/db', { dir: 'member/snap', match: /\.snap$/ }] };
  }

  /** On a remote host: the etcd binary (Debian etcd-server when it is the default one). */
  protected override hostNeeds(): HostNeed[] {
    return [{ path: this.etcdOpts.etcdBin ?? 'etcd', pkg: 'etcd-server' }];
  }

  /** Client URL of a node. */
  endpoint(node: string): string {
    return `http://${this.address(node)}:2379`;
  }

  protected async launch(node: string, restart: boolean): Promise<void> {
    const o = this.etcdOpts;
    const ip = this.address(node);
    // The members at setup; a joiner the configuration it joins (a restart reads its data dir instead).
    const joining = this.joining.get(node);
    const cluster = joining ?? this.insideAtSetup().map((n) => `${n}=${this.peerUrl(n)}`).join(',');
    await this.spawnServer(node, [
      o.etcdBin ?? 'etcd', '--name', node, '--data-dir', nodePath.join(this.nodeDir(node), 'data'),
      '--listen-peer-urls', `http://${ip}:2380`, '--initial-advertise-peer-urls', `http://${ip}:2380`,
      '--listen-client-urls', `http://${ip}:2379`, '--advertise-client-urls', `http://${ip}:2379`,
      '--initial-cluster', cluster, '--initial-cluster-state', restart || joining !== undefined ? 'existing' : 'new',
      '--initial-cluster-token', `faultline-${this.environment!.runId}`,
      '--heartbeat-interval', String(o.heartbeatMs ?? 50), '--election-timeout', String(o.electionMs ?? 500),
      `--pre-vote=${o.preVote ?? true}`,
      // Watch progress notifications every second (etcd's default is 10 minutes): the watch workload's bookmarks.
      '--experimental-watch-progress-notify-interval=1s', '--logger', 'zap', '--log-outputs', 'stderr',
    ]);
  }

  /** The members started at setup (every node but the spares). */
  private insideAtSetup(): readonly string[] {
    return this.etcdOpts.members ?? this.nodes;
  }

  protected async probe(node: string, timeoutMs: number): Promise<NodeHealth> {
    const s = await memberStatus(this.endpoint(node), timeoutMs);
    if (s.leader === '0') return { node, ok: false, detail: `no leader (term ${s.raftTerm})` };
    const leader = s.leader === s.memberId;
    return { node, ok: true, leader, detail: `${leader ? 'leader' : 'follower'} (term ${s.raftTerm})` };
  }

  protected healthy(health: readonly NodeHealth[]): boolean {
    return health.every((h) => h.ok);
  }
}
