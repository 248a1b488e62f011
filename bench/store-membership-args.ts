/**
 * The stores under `--nemesis membership,partition,kill` (issue 29's acceptance: linearizable, at
 * least one remove, add and replace applied per run, views converged after the heal), with a spare
 * host beyond `--nodes` and a change asked every second, so the quiet windows between partitions and
 * kills see several (etcd refuses a change while a member is cut off: --strict-reconfig-check).
 * ZooKeeper's and Consul's changes are slow here (a ZooKeeper joiner's JVM takes 10-20 s to start
 * and sync under load, an ensemble killed whole as long to serve again; a Consul join takes 10-20 s,
 * and one that does not land holds the nemesis thread for its 25 s, and the partition in force with
 * it), so they get a longer fault interval and four members. A removal comes after an addition
 * (drawn changes keep the configuration at its initial size).
 */
export const STORE_MEMBERSHIP_FAULTS = 'membership,partition,kill';

/**
 * Per store: members (`--nodes`), the fault interval and other flags. ZooKeeper reads with `--reads
 * quorum`: its default sync reads are not linearizable across a reconfig that removes the leader (the
 * removed leader answers syncs and reads from its own state for a moment after the new leader took
 * over; docs/targets/zookeeper.md), which bench:membership's zookeeper-sync-reads row measures.
 */
export const STORE_MEMBERSHIP_SHAPE: Record<string, { nodes: number; interval: string; flags?: string[] }> = {
  etcd: { nodes: 3, interval: '8s' },
  zookeeper: { nodes: 4, interval: '15s', flags: ['--reads', 'quorum'] },
  consul: { nodes: 4, interval: '15s' },
};

/**
 * The arguments of one store's membership run, a change asked every second (`faults`: the other
 * faults beside membership; `flags`: the target's own, the shape's by default).
 */
export function storeMembershipArgs(target: string, faults = STORE_MEMBERSHIP_FAULTS, flags?: readonly string[]): string[] {
  const shape = STORE_MEMBERSHIP_SHAPE[target] ?? { nodes: 3, interval: '8s' };
  return ['--target', target, '--nodes', String(shape.nodes), '--nemesis', faults, '--membership-every', '1s', '--nemesis-interval', shape.interval, ...(flags ?? shape.flags ?? [])];
}
