/**
 * The stores under `--nemesis membership,partition,kill` (issue 29's acceptance: linearizable, at
 * least one remove, add and replace applied per run, views converged after the heal). Three members
 * and the spare; a change asked every second, so the quiet windows between partitions and kills
 * (etcd refuses a change while a member is cut off: --strict-reconfig-check) see several.
 */
export const STORE_MEMBERSHIP_ARGS = ['--nodes', '3', '--nemesis', 'membership,partition,kill', '--nemesis-interval', '8s', '--membership-every', '1s'];
