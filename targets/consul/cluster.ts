/**
 * A Consul cluster, one server agent per host of the run's environment: Debian bullseye's Consul 1.8.7
 * (`scripts/setup-consul.sh`) or any consul binary by path. Every server is started with
 * `-bootstrap-expect N` and `-retry-join` of all the others, everything on its command line (no config
 * file to write or upload); its data dir lives under the node's directory (`nodes/<node>/data` here and
 * in containers, where that directory is bind-mounted at the same path; the host's run directory over
 * ssh) and is kept across kills, so a killed server restarts as the same raft member. In containers the
 * image's consul is this machine's binary copied in (`faultline images build --target consul`); over
 * ssh it is the hosts' own (`consul` on their PATH, or `--consul-bin`): no Debian package since
 * bookworm has it, so `--install` refuses with a sentence saying how to get it.
 *
 * Tuning, and why:
 * - `raft_multiplier = 1` (Consul's default is 5, meant for small cloud VMs): leader election and
 *   first write in ~2 s instead of ~7 s, failover after a kill in ~3 s instead of ~20 s.
 * - `autopilot { cleanup_dead_servers = false }`: by default autopilot removes a server serf believes
 *   failed 5–10 s after a kill, pause or partition; it comes back as a non-voter for ~20 s, and a
 *   3-server cluster then tolerates no further failure (it once stayed leaderless for a whole pause).
 *   Faults must leave the voter set alone.
 * - Consul's own gossip timing (`gossip_lan` untouched: probe every 1 s, suspicion multiplier 4). The
 *   faster serf Faultline used to set (probe 500 ms, timeout 250 ms, multiplier 2) marked a cut-off
 *   server failed within ~1.5 s, and the cut-off server marked all the others failed; after the heal
 *   those verdicts last until a refutation or serf's 30 s reconnect, and a Consul 1.8 server forwards
 *   nothing to a raft leader its serf holds failed (`500 No cluster leader` after `rpc_hold_timeout`,
 *   7 s). Failovers of ~3 s then stalled writes for 8–19 s. With Consul's defaults a ~3 s partition
 *   seldom trips serf; partitions longer than ~5 s do, as in production (docs/targets/consul.md).
 * - `session_ttl_min = "1s"` (default 10 s) so the lock workload can use short sessions.
 * - DNS and the WAN pool are off (`ports { dns = -1, serf_wan = -1 }`): nothing here uses them.
 *
 * No clock control: Consul is a Go binary; Go reads the clock through the vDSO, not libc, so
 * libfaketime cannot skew it — unless the hosts are machines of their own (`--env ssh --clock-mode
 * system`), when the environment's clock control skews their real clocks.
 */
import nodePath from 'node:path';
import { ServerCluster, type HostNeed, type NodeHealth, type ServerClusterOptions, type StoreFiles } from '../server-base/server-cluster.js';
import { fetchErrorMessage, raftConfiguration, statusLeader } from './http.js';

export const CONSUL_HTTP_PORT = 8500;
export const CONSUL_RAFT_PORT = 8300;

export interface ConsulClusterOptions extends ServerClusterOptions {
  /** consul binary; default `consul` from PATH. */
  consulBin?: string;
}

/** The HCL every server gets (see the module comment for each line). */
export const CONSUL_HCL = [
  'performance { raft_multiplier = 1 }',
  'autopilot { cleanup_dead_servers = false }',
  'session_ttl_min = "1s"',
  'disable_update_check = true',
  'ports { dns = -1 serf_wan = -1 }',
];

export class ConsulCluster extends ServerCluster {
  readonly name = 'consul';
  override clockUnsupportedReason?: string = 'Consul is a Go binary: Go reads the clock through the vDSO, not libc, so libfaketime cannot skew it, and per-node wall clocks are impossible on one shared kernel (on separate machines, --env ssh --clock-mode system skews the hosts\' own clocks)';
  protected readonly logName = 'consul.log';
  protected override setupTimeoutMs = 60_000;

  /** A joining server's members to join (no -bootstrap-expect: it joins the running cluster), by node. */
  private readonly joining = new Map<string, readonly string[]>();
  /** Joins per node: a host that joins again with wiped data is a new agent, so it gets a new agent name (`n2.1`). */
  private readonly incarnation = new Map<string, number>();

  constructor(readonly consulOpts: ConsulClusterOptions) {
    super(consulOpts);
  }

  /** The next start of `node` joins the running cluster through `members`. */
  joinVia(node: string, members: readonly string[]): void {
    this.joining.set(node, [...members]);
    // Serf and the catalog keep the old agent's name reserved for its old node ID after it left.
    if (this.ranServer(node)) this.incarnation.set(node, (this.incarnation.get(node) ?? 0) + 1);
  }

  /** The agent name of a node's current server. */
  agentName(node: string): string {
    const k = this.incarnation.get(node);
    return k === undefined ? node : `${node}.${k}`;
  }

  /** A node's raft address, as the raft configuration lists it. */
  raftAddress(node: string): string {
    return `${this.address(node)}:${CONSUL_RAFT_PORT}`;
  }

  /** The members started at setup (every node but the spares). */
  private atSetup(): readonly string[] {
    return this.consulOpts.members ?? this.nodes;
  }

  /**
   * Consul's files below `-data-dir` (nodes/<node>/data): raft/raft.db, the raft log and stable store
   * in one bbolt file (no page checksums; it is both the log truncate cuts and the file bit-flip
   * damages). node-id is left alone: a flip there only makes the server refuse a malformed UUID.
   */
  protected override storeFiles(): StoreFiles {
    return { dir: 'data', logFiles: ['raft/raft.db'], dataFiles: ['raft/raft.db'] };
  }

  /** On a remote host: the consul binary, which no Debian package since bookworm has (so no --install). */
  protected override hostNeeds(): HostNeed[] {
    const bin = this.consulOpts.consulBin ?? 'consul';
    return [{
      path: bin,
      what: 'Consul',
      hint: `Debian bookworm has no consul package, so --install cannot add it: install Consul there yourself (scripts/setup-consul.sh installs Debian bullseye's 1.8.7, a binary that needs only glibc) or point --consul-bin at one`,
    }];
  }

  /** HTTP API URL of a node. */
  endpoint(node: string): string {
    return `http://${this.address(node)}:${CONSUL_HTTP_PORT}`;
  }

  protected async launch(node: string): Promise<void> {
    const ip = this.address(node);
    const joining = this.joining.get(node);
    const joins = (joining ?? this.atSetup()).filter((n) => n !== node).flatMap((n) => ['-retry-join', this.address(n)]);
    await this.spawnServer(node, [
      this.consulOpts.consulBin ?? 'consul', 'agent', '-server', ...(joining ? [] : ['-bootstrap-expect', String(this.atSetup().length)]),
      '-node', this.agentName(node), '-bind', ip, '-client', ip, '-data-dir', nodePath.join(this.nodeDir(node), 'data'),
      ...joins, '-retry-interval', '1s', '-log-level', 'info',
      ...CONSUL_HCL.flatMap((h) => ['-hcl', h]),
      // Membership changes: autopilot makes a new server a voter after 2 s of health, not 10.
      ...(this.consulOpts.members ? ['-hcl', 'autopilot { server_stabilization_time = "2s" }'] : []),
    ]);
  }

  /**
   * Leader or follower from the server's own view (`/v1/status/leader` names the leader's raft
   * address), and whether it is a voter in the raft configuration it holds.
   */
  protected async probe(node: string, timeoutMs: number): Promise<NodeHealth> {
    const ep = this.endpoint(node);
    const [leader, servers] = await Promise.all([statusLeader(ep, timeoutMs), raftConfiguration(ep, timeoutMs)])
      .catch((err: unknown) => { throw new Error(fetchErrorMessage(err)); }); // "fetch failed" alone says nothing

    if (leader === '') return { node, ok: false, detail: 'no leader' };
    const self = servers.find((s) => s.node === node);
    const voters = servers.filter((s) => s.voter).length;
    const isLeader = leader === `${this.address(node)}:${CONSUL_RAFT_PORT}`;
    const role = isLeader ? 'leader' : 'follower';
    const voter = self?.voter ? '' : ', not a voter';
    return { node, ok: true, leader: isLeader, detail: `${role} (${voters}/${servers.length} voters${voter})` };
  }

  /** Every server knows a leader, exactly one claims it, and all N are voters. */
  protected healthy(health: readonly NodeHealth[]): boolean {
    const n = this.insideNodes().length;
    return health.every((h) => h.ok && !h.detail.includes('not a voter') && h.detail.includes(`${n}/${n} voters`))
      && health.filter((h) => h.leader).length === 1;
  }
}
