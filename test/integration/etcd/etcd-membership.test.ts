/**
 * etcd under `--nemesis membership,partition,kill` (targets/etcd/members.ts): members removed, the
 * spare added as a learner and promoted, members replaced with wiped data, while partitions and kills
 * come and go — one seed of 55 s through the real CLI: linearizable, changes asked, the views never
 * diverging (the changes applied are printed), nothing left running. Every kind of change applied per
 * run is not reliable here (docs/faults.md): bench:membership's etcd row measures it over 5 seeds.
 * A second run of 40 s under membership alone must apply at least one change (else a store whose
 * changes never land would pass as unknown). The test is test/integration/provision/membership-runs.ts's.
 */
import { missing } from '../provision/helpers.js';
import { storeMembershipSuite } from '../provision/membership-runs.js';

storeMembershipSuite('etcd', 'etcd', missing(['etcd', 'iptables', 'iptables-restore', 'unshare']));
