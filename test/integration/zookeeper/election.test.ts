/**
 * The election workload on a real zookeeper cluster (3 nodes), partitions, kills and pauses aimed at the
 * leader's node, one seed: one leader per epoch, epochs in real-time order, observers in order, a
 * failover after each cut-off leader within TTL + the bound. Rates over 5 seeds: `npm run bench:selection`.
 */
import fs from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import { missing } from '../provision/helpers.js';
import { electionRun, expectValidElection } from '../provision/election-runs.js';
import { expectNothingLeft } from '../provision/store-runs.js';
import { tempStore } from '../run/cli-helpers.js';

const store = tempStore('zookeeper-election');
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));
const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar']);

describe.skipIf(skip !== undefined)(`election on zookeeper${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('is valid under partitions, kills and pauses of the leader\'s node, with failovers measured', async () => {
    const r = await electionRun(store, 'zookeeper', 1);
    expectValidElection(r);
    expectNothingLeft(r.dir);
  }, 240_000);
});
