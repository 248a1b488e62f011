/**
 * Consul under `--nemesis membership,partition,kill` (targets/consul/members.ts): members leave (or,
 * down, are force-left and removed from raft), the spare joins and autopilot makes it a voter,
 * members are replaced with wiped data, while partitions and kills come and go — one seed of 55 s
 * through the real CLI: linearizable, changes asked, the views never diverging (the changes applied
 * are printed), nothing left running. Every kind of change applied per run is not reliable here
 * (docs/faults.md): bench:membership's consul row measures it over 5 seeds.
 * A second run of 40 s under membership alone must apply at least one change (else a store whose
 * changes never land would pass as unknown). The test is test/integration/provision/membership-runs.ts's.
 */
import { missing } from '../provision/helpers.js';
import { storeMembershipSuite } from '../provision/membership-runs.js';

storeMembershipSuite('consul', 'Consul', missing(['consul', 'iptables', 'iptables-restore', 'unshare']));
