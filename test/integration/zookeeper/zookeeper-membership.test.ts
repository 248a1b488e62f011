/**
 * ZooKeeper under `--nemesis membership,partition,kill` (targets/zookeeper/members.ts): members
 * removed by dynamic reconfig (the removed server keeps running, recorded so), the spare started and
 * added, members replaced with wiped data, while partitions and kills come and go — one seed of 55 s
 * through the real CLI, reading with `--reads quorum` (sync reads are not linearizable when a
 * reconfig removes the leader: zk-reconfig-leader.test.ts): linearizable, changes asked, the views never diverging (the changes applied
 * are printed), nothing left running. Every kind of change applied per run is not reliable here
 * (docs/faults.md): bench:membership's zookeeper row measures it over 5 seeds.
 * A second run of 40 s under membership alone must apply at least one change (else a store whose
 * changes never land would pass as unknown). The test is test/integration/provision/membership-runs.ts's.
 */
import { missing } from '../provision/helpers.js';
import { storeMembershipSuite } from '../provision/membership-runs.js';

storeMembershipSuite('zookeeper', 'ZooKeeper', missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar']));
