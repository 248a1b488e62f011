/**
 * The stores under `--nemesis membership,partition,kill` (issue 29's acceptance: linearizable, at
 * least one remove, add and replace applied per run, views converged after the heal). Three members
 * and the spare; a change asked every second, so the quiet windows between partitions and kills
 * (etcd refuses a change while a member is cut off: --strict-reconfig-check; a ZooKeeper ensemble
 * whose every server was killed takes 15–20 s of JVM starts and election here under load) see several.
 */
export const STORE_MEMBERSHIP_ARGS = ['--nodes', '3', '--nemesis', 'membership,partition,kill', '--membership-every', '1s'];

/** The fault interval per store: ZooKeeper's longer, so its ensemble is back between kills. */
export const STORE_MEMBERSHIP_INTERVAL: Record<string, string> = { etcd: '8s', zookeeper: '15s' };

/** The arguments of one store's membership run. */
export function storeMembershipArgs(target: string): string[] {
  return ['--target', target, ...STORE_MEMBERSHIP_ARGS, '--nemesis-interval', STORE_MEMBERSHIP_INTERVAL[target] ?? '8s'];
}
