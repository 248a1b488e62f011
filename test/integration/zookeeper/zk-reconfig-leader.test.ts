/**
 * ZooKeeper's sync reads across a reconfig that removes the leader (docs/targets/zookeeper.md): once
 * the change commits, the old leader stops committing and its followers move to the designated new
 * leader, but it answers its own clients' syncs and reads from its frozen state until its quorum
 * check shuts it down. A real ensemble in namespaces, run by the runner with membership changes on;
 * the nemesis's scripted op probes one removal of the leader: a session on the leader reads (sync,
 * then getData) in a loop while a session on a follower writes new values to the same znode, the
 * leader is removed by reconfig meanwhile, and both go on for a second. Each probe's ops are a
 * history our linearizability checker judges, and the probes that saw a stale read are printed (3 of
 * 3 on the quiet machine, 0 of 3 in a full suite's run: not asserted). The leader is then added back
 * (wiped). What is asserted: the leader was removed, and the runner's own clients, reading with
 * `--reads quorum` (a multi through the leader confirms each read), stay linearizable on that schedule.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { nemesis, repeat, sleep } from '../../../harness/ground/generator/index.js';
import { buildFaults } from '../../../harness/middle/faults/nemesis/build.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { linearizableChecker } from '../../../checkers/linearizability.js';
import { zookeeperParts, type ZkCluster } from '../../../targets/zookeeper/index.js';
import { ZkSession } from '../../../targets/zookeeper/session.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf } from '../provision/helpers.js';
import { staleReads, storeRequest, type CeOp } from '../provision/store-runs.js';
import { readHistory } from '../provision/net-probe.js';

const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar']);
afterAll(removeTempDirs);

interface Probe { leader: string; removed: boolean; ops: Op[] }

/**
 * One removal of the leader, watched by a reader on it and a writer on a follower (values `base`+i);
 * the leader added back after. The ops as a history: process 0 writes, process 1 reads.
 */
async function probeRemoval(cluster: ZkCluster, k: number): Promise<Probe | undefined> {
  const m = cluster.membership!;
  const leader = (await cluster.primaries.primaries())[0];
  const follower = m.members().find((n) => n !== leader);
  if (leader === undefined || follower === undefined) return undefined;
  const path = `/faultline-probe-${k}`;
  const reader = new ZkSession(cluster.address(leader), 1_000);
  const writer = new ZkSession(cluster.address(follower), 1_000);
  const ops: Op[] = [];
  const t0 = process.hrtime.bigint();
  const rec = (p: number, type: Op['type'], f: string, value: unknown): void => {
    ops.push({ index: ops.length, time: Number(process.hrtime.bigint() - t0), process: p, type, f, value });
  };
  let removed = false;
  try {
    await Promise.all([reader.connect(), writer.connect()]);
    rec(0, 'invoke', 'write', 0);
    await writer.create(path, Buffer.from('0'));
    rec(0, 'ok', 'write', 0);
    let stop = false;
    const writes = (async () => {
      for (let i = 1; !stop; i++) {
        rec(0, 'invoke', 'write', i);
        try {
          await writer.setData(path, Buffer.from(String(i)), -1);
          rec(0, 'ok', 'write', i);
        } catch (err) {
          rec(0, 'info', 'write', i);
          await sleepMs(20);
        }
      }
    })();
    const reads = (async () => {
      while (!stop) {
        rec(1, 'invoke', 'read', null);
        try {
          await reader.sync(path);
          const r = await reader.getData(path);
          rec(1, 'ok', 'read', Number(r.data?.toString()));
        } catch {
          rec(1, 'fail', 'read', null);
          await sleepMs(20);
        }
      }
    })();
    await sleepMs(300);
    removed = (await m.remove(leader)).applied === true;
    await sleepMs(1_000);
    stop = true;
    await Promise.all([writes, reads]);
  } finally {
    reader.close();
    writer.close();
  }
  if (removed) await m.add(leader);
  return { leader, removed, ops };
}

describe.skipIf(skip !== undefined)(`ZooKeeper, the leader removed by reconfig${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('probes sync reads on a removed leader (stale ones printed); quorum reads stay linearizable on the same schedule', async () => {
    // The runner's clients are few and slow (the probe's sessions are the load); they read with --reads quorum.
    const req = storeRequest('zk-leader-removed', { faults: ['membership'], timeLimitS: 40, rate: 20, concurrency: 3, seed: 1 }, { reads: 'quorum', keys: '1' });
    const probes: Probe[] = [];
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = zookeeperParts(req, run);
      plan.faults = (target) => {
        const f = buildFaults(['membership'], target, { seed: 1, interval: 4e9, net: cluster.net });
        const nem = {
          ...f.nemesis,
          fs: [...f.nemesis.fs, 'probe-leader-removal'],
          invoke: async (op: { f: string; value: unknown }) => {
            if (op.f !== 'probe-leader-removal') return f.nemesis.invoke(op);
            const p = await probeRemoval(cluster, probes.length);
            if (p) probes.push(p);
            return p ? { leader: p.leader, removed: p.removed, ops: p.ops.length } : { why: 'no leader' };
          },
        };
        return { ...f, nemesis: nem, generator: nemesis(repeat([sleep(2e9), { f: 'probe-leader-removal', value: null }])) };
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    const verdicts = await Promise.all(probes.map(async (p) => ({ p, v: await linearizableChecker().check(p.ops, { timeoutMs: 30_000 }) as unknown as { valid: unknown; failures?: { counterexample: CeOp[] }[] } })));
    const stale = verdicts.filter(({ v }) => v.valid === false && (v.failures ?? []).some((f) => staleReads(f.counterexample).length > 0));
    console.log(`probes: ${verdicts.map(({ p, v }) => `${p.leader} removed ${String(p.removed)}, ${p.ops.filter((o) => o.f === 'read' && o.type === 'ok').length} reads, ${p.ops.filter((o) => o.f === 'write' && o.type === 'ok').length} writes: linearizable ${String(v.valid)}`).join('; ')}`);
    expect(probes.filter((p) => p.removed).length, 'removals of the leader probed').toBeGreaterThanOrEqual(1);
    // Printed, not asserted: on the quiet machine 3 of 3 probes saw the removed leader read stale, in
    // a full suite's run 0 of 3 (a loaded machine does a quarter of the ops in the window). The window
    // is ZooKeeper's; a test that fails under load would only measure the load.
    console.log(`probes of a removal that saw the removed leader read stale: ${stale.length} of ${verdicts.length}`);
    // The runner's clients, on the same schedule, read through the leader's log.
    const history = readHistory(out.dir);
    expect(history.filter((o) => o.process !== 'nemesis' && o.f === 'read' && o.type === 'ok').length, 'quorum reads that succeeded').toBeGreaterThan(50);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 240_000);
});
