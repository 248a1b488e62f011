/**
 * Consul under `--nemesis membership,partition,kill` (targets/consul/members.ts): members leave (or,
 * down, are force-left and removed from raft), the spare joins and autopilot makes it a voter,
 * members are replaced with wiped data, while partitions and kills come and go — one seed of 55 s
 * through the real CLI: linearizable, changes asked, the views never diverging (the changes applied
 * are printed), nothing left running. Every kind of change applied per run is not reliable here
 * (docs/faults.md): bench:membership's consul row measures it over 5 seeds.
 */
import fs from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import { missing } from '../provision/helpers.js';
import { expectMembershipSafe, membershipRun } from '../provision/membership-runs.js';
import { expectNothingLeft } from '../provision/store-runs.js';
import { tempStore } from '../run/cli-helpers.js';

const store = tempStore('consul-membership');
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));
const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare']);

describe.skipIf(skip !== undefined)(`Consul membership changes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('stays linearizable under membership, partition and kill, and the views never diverge', async () => {
    const r = await membershipRun(store, 'consul', 3);
    expectMembershipSafe(r, 'consul');
    expectNothingLeft(r.dir);
  }, 180_000);
});
