/**
 * ZooKeeper's sync reads across a reconfig that removes the leader (docs/targets/zookeeper.md): once
 * the change commits, the old leader stops committing and its followers move to the designated new
 * leader, but it answers its own clients' syncs and reads from its frozen state until its quorum
 * check shuts it down. A real ensemble in namespaces whose leader is replaced (removed, then added
 * back with wiped data) every few seconds while clients on every member read and write one key:
 * `--reads sync` ends in a stale read; `--reads quorum` (a multi through the leader confirms each read)
 * stays linearizable on the same schedule.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { nemesis, repeat, sleep } from '../../../harness/ground/generator/index.js';
import { buildFaults } from '../../../harness/middle/faults/nemesis/build.js';
import type { RunPlan } from '../../../harness/ground/contracts/run-contract.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { zookeeperParts, type ZkCluster } from '../../../targets/zookeeper/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf } from '../provision/helpers.js';
import { expectSomeStaleRead, storeRequests } from '../provision/store-runs.js';
import { readHistory } from '../provision/net-probe.js';

const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar']);
afterAll(removeTempDirs);

// Many clients on one key at a high rate: the stale window is a few hundred ms per removal, and a
// write acknowledged by the new leader must come before a read on the old one inside it.
const request = storeRequests({ seed: 5, timeLimitS: 30, faultIntervalS: 4, rate: 400, concurrency: 9, faults: ['membership'] });

/** The plan of a run whose only fault replaces the leader: removed by reconfig, then added back with wiped data, every 2 s of calm. */
function leaderReplaced({ plan, cluster }: { plan: RunPlan; cluster: ZkCluster }): RunPlan {
  plan.faults = (target) => {
    const f = buildFaults(['membership'], target, { seed: 1, interval: 4e9, net: cluster.net });
    const m = cluster.membership!;
    const replaceLeader = async (): Promise<Record<string, unknown>> => {
      const leader = (await cluster.primaries.primaries())[0];
      if (leader === undefined) return { op: 'replace', applied: false, why: 'no member leads' };
      const remove = await m.remove(leader);
      const add = remove.applied === true ? await m.add(leader) : undefined;
      return { op: 'replace', node: leader, nodes: [leader], applied: remove.applied === true && add?.applied === true, remove, add, views: await m.views() };
    };
    const nem = { ...f.nemesis, invoke: async (op: { f: string; value: unknown }) => (op.f === 'member-replace' ? replaceLeader() : f.nemesis.invoke(op)) };
    return { ...f, nemesis: nem, generator: nemesis(repeat([sleep(2e9), { f: 'member-replace', value: null }])) };
  };
  return plan;
}

/** Replaces of the leader that applied (the removal at least), from the history. */
function leaderRemovals(history: readonly Op[]): number {
  return history.filter((o) => o.process === 'nemesis' && o.f === 'member-replace' && o.type === 'info' && (o.value as { remove?: { applied?: boolean } } | null)?.remove?.applied === true).length;
}

describe.skipIf(skip !== undefined)(`ZooKeeper, the leader removed by reconfig${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('sync reads on the removed leader are stale; quorum reads stay linearizable on the same schedule', async () => {
    const flags = { values: '1000', keys: '1', 'request-timeout': '1s' };
    const sync = request('zk-leader-removed-sync', {}, { ...flags, reads: 'sync' });
    const out = await runTest(sync.config, (run) => leaderReplaced(zookeeperParts(sync, run)));
    expect(out.results.error).toBeUndefined();
    const removals = leaderRemovals(readHistory(out.dir));
    console.log(`sync reads: ${removals} removals of the leader, linearizable ${String(out.results.checkers.linearizable.valid)}`);
    expect(removals, 'the leader was removed at least once').toBeGreaterThanOrEqual(1);
    expectSomeStaleRead(out.results);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);

    const quorum = request('zk-leader-removed-quorum', {}, { ...flags, reads: 'quorum' });
    const q = await runTest(quorum.config, (run) => leaderReplaced(zookeeperParts(quorum, run)));
    expect(q.results.error).toBeUndefined();
    const history = readHistory(q.dir);
    expect(leaderRemovals(history), 'the leader was removed at least once').toBeGreaterThanOrEqual(1);
    expect(history.filter((o) => o.f === 'read' && o.type === 'ok').length, 'quorum reads that succeeded').toBeGreaterThan(100);
    expect(q.results.checkers.linearizable.valid).toBe(true);
    expect(leftovers(runIdOf(q.dir), pidsOf(q.dir))).toEqual([]);
  }, 240_000);
});
