/**
 * ZooKeeper under `--nemesis membership,partition,kill` (targets/zookeeper/members.ts): members
 * removed by dynamic reconfig (the removed server keeps running, recorded so), the spare started and
 * added, members replaced with wiped data, while partitions and kills come and go — one seed of 55 s
 * through the real CLI: linearizable, changes asked, the views never diverging (the changes applied
 * are printed), nothing left running. Every kind of change applied per run is not reliable here
 * (docs/faults.md): bench:membership's zookeeper row measures it over 5 seeds.
 */
import fs from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import { missing } from '../provision/helpers.js';
import { expectMembershipSafe, membershipRun } from '../provision/membership-runs.js';
import { expectNothingLeft } from '../provision/store-runs.js';
import { tempStore } from '../run/cli-helpers.js';

const store = tempStore('zookeeper-membership');
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));
const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar']);

describe.skipIf(skip !== undefined)(`ZooKeeper membership changes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('stays linearizable under membership, partition and kill, and the views never diverge', async () => {
    const r = await membershipRun(store, 'zookeeper', 3);
    expectMembershipSafe(r, 'zookeeper');
    expectNothingLeft(r.dir);
  }, 180_000);
});
