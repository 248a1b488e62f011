/**
 * The stores `npm run bench:faults` can measure (`--target etcd|consul`): how to start a 5-server
 * cluster of each in an environment, write one key through a node with a deadline, and tell whether the servers in
 * `rest` have elected a leader among themselves (failover after the old leader was cut off).
 */
import { Etcd3 } from 'etcd3';
import type { RunFlags } from '../harness/middle/hosts/environment.js';
import type { ServerCluster } from '../targets/server-base/server-cluster.js';
import { EtcdCluster } from '../targets/etcd/cluster.js';
import { memberStatus } from '../targets/etcd/http.js';
import { ConsulCluster, CONSUL_RAFT_PORT } from '../targets/consul/cluster.js';
import { agentMembers, kvPut, statusLeader } from '../targets/consul/http.js';

export interface BenchTarget {
  name: string;
  /** The timing settings, for the failover line. */
  tuning: string;
  cluster: ServerCluster;
  put(node: string, timeoutMs?: number): Promise<void>;
  /** The leader `node` names (a node name), '' when it names none. */
  leaderOf(node: string): Promise<string>;
  /**
   * While a write through `via` to the leader `leader` fails: what the store itself says is in the way,
   * if anything ('' otherwise) — for Consul, that `via`'s serf holds the leader failed.
   */
  whyNotForwarded?(via: string, leader: string): Promise<string>;
  close(): void;
}

export function etcdBench(nodes: readonly string[], dir: string, env = 'local', flags?: RunFlags): BenchTarget {
  let memberIds: string[] = [];
  const cluster = new EtcdCluster({ nodes, dir, env, flags });
  const clients = new Map<string, Etcd3>();
  const client = (n: string): Etcd3 => {
    let c = clients.get(n);
    if (!c) { c = new Etcd3({ hosts: cluster.endpoint(n) }); clients.set(n, c); }
    return c;
  };
  return {
    name: 'etcd', tuning: 'heartbeat 50 ms, election 500 ms, pre-vote', cluster,
    put: async (node, timeoutMs = 3_000) => { await client(node).put('bench').value('x').options({ deadline: Date.now() + timeoutMs }); },
    async leaderOf(node) {
      const s = await memberStatus(cluster.endpoint(node), 300);
      if (s.leader === '0') return '';
      // Member ids outlive restarts (same data dir): asked again only when the leader's is unknown,
      // so a poll does not wait on an isolated member's timeout.
      if (!memberIds.includes(s.leader)) memberIds = await Promise.all(nodes.map((n) => memberStatus(cluster.endpoint(n), 300).then((x) => x.memberId, () => '')));
      return nodes[memberIds.indexOf(s.leader)] ?? s.leader;
    },
    close: () => { for (const c of clients.values()) c.close(); },
  };
}

export function consulBench(nodes: readonly string[], dir: string, env = 'local', flags?: RunFlags): BenchTarget {
  const cluster = new ConsulCluster({ nodes, dir, env, flags });
  return {
    name: 'consul', tuning: 'raft_multiplier 1, Consul\'s default gossip', cluster,
    put: async (node, timeoutMs = 3_000) => {
      if (!(await kvPut(cluster.endpoint(node), 'bench', 'x', timeoutMs))) throw new Error('consul answered false');
    },
    async leaderOf(node) {
      const leader = await statusLeader(cluster.endpoint(node), 300);
      return nodes.find((n) => leader === `${cluster.address(n)}:${CONSUL_RAFT_PORT}`) ?? leader;
    },
    async whyNotForwarded(via, leader) {
      const m = (await agentMembers(cluster.endpoint(via), 300)).find((x) => x.name === leader);
      return m === undefined || m.status === 1 ? '' : `${via}'s serf holds ${leader} ${m.status === 4 ? 'failed' : `in status ${m.status}`}`;
    },
    close: () => undefined,
  };
}

/** The stores by `--target` name. */
export const BENCH_TARGETS: Readonly<Record<string, (nodes: readonly string[], dir: string, env?: string, flags?: RunFlags) => BenchTarget>> = {
  etcd: etcdBench,
  consul: consulBench,
};
