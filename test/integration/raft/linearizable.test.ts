/**
 * Histories of the real Raft checked by Faultline's own linearizability checker (cas-register model
 * per key, as the lin-kv workload does): the correct Raft under partitions, kills and pauses is
 * linearizable; with `stale-read` the same kind of run is caught.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pairOps } from '../../../harness/ground/history/pair.js';
import { checkLinearizable } from '../../../checkers/linearizable/index.js';
import type { MaelstromCluster } from '../../../harness/middle/maelstrom/index.js';
import { runLinKv, seededRandom, sleep, startRaft, statusOf, teardownAll, waitForLeader } from './helpers.js';

afterEach(teardownAll);

type Fault = 'partition-leader' | 'partition-random' | 'kill' | 'pause';

/** Injects the faults in turn (each held 0.8 s, then healed) until `stop()`; returns what it did. */
async function nemesis(c: MaelstromCluster, faults: Fault[], stop: () => boolean): Promise<string[]> {
  const conn = c.client();
  const done: string[] = [];
  const rand = seededRandom(11);
  const leader = async (): Promise<string> => {
    const st = await Promise.all(c.nodes.map(async (n) => [n, await statusOf(conn, n, 200)] as const));
    const ls = st.filter(([, x]) => x?.role === 'leader').sort(([, a], [, b]) => b!.term - a!.term);
    return ls[0]?.[0] ?? c.nodes[rand(c.nodes.length)];
  };
  for (let i = 0; !stop(); i++) {
    await sleep(500);
    // Round-robin, so every kind of fault is exercised in every run.
    const f = faults[i % faults.length];
    const target = await leader();
    if (f === 'partition-leader' || f === 'partition-random') {
      const shuffled = [...c.nodes].sort(() => rand(3) - 1);
      // partition-leader: the leader and one other node cut off from the rest (a stale leader's minority).
      const minority = f === 'partition-leader' ? [target, ...shuffled.filter((n) => n !== target).slice(0, 1)] : shuffled.slice(0, 2);
      const majority = c.nodes.filter((n) => !minority.includes(n));
      await c.net.partition(Object.fromEntries([...minority.map((n) => [n, majority]), ...majority.map((n) => [n, minority])]));
      done.push(`partition ${minority.join(',')} | ${majority.join(',')}`);
      await sleep(800);
      await c.net.partition({});
    } else if (f === 'kill') {
      await c.killable.kill(target);
      done.push(`kill ${target}`);
      await sleep(800);
      await c.killable.start(target);
    } else {
      await c.pausable.pause(target);
      done.push(`pause ${target}`);
      await sleep(800);
      await c.pausable.resume(target);
    }
  }
  return done;
}

/** A lin-kv run of `ms` with the faults, checked; returns the verdict and counts. */
async function checkedRun(bugs: string[], faults: Fault[], ms: number) {
  const c = await startRaft({ bugs });
  const conn = c.client();
  const { leader } = await waitForLeader(c, conn);
  for (let k = 0; k < 3; k++) await conn.rpc(leader, { type: 'write', key: k, value: 0 });
  const t0 = performance.now();
  const stop = () => performance.now() - t0 > ms;
  const [ops, done] = await Promise.all([runLinKv(c, { workers: 6, keys: 3, stop }), nemesis(c, faults, stop)]);
  // Initial value 0 for every key: the writes above completed before any op of the history.
  const res = await checkLinearizable(pairOps(ops), { model: { name: 'cas-register', options: { initial: 0 } }, timeoutMs: 30_000 });
  const count = (t: string) => ops.filter((o) => o.type === t).length;
  const summary = { valid: res.valid, ops: ops.length / 2, ok: count('ok'), fail: count('fail'), info: count('info'), faults: done.length, elapsedMs: Math.round(res.elapsedMs) };
  console.log(`raft [${bugs.join(',') || 'correct'}]: ${JSON.stringify(summary)}; faults: ${done.join('; ')}`);
  return { res, summary };
}

describe('raft histories through the linearizability checker', () => {
  it('the correct Raft stays linearizable under partitions, kills and pauses', async () => {
    const { res, summary } = await checkedRun([], ['partition-leader', 'partition-random', 'kill', 'pause'], 10_000);
    expect(summary.ok).toBeGreaterThan(200);
    expect(summary.faults).toBeGreaterThanOrEqual(4);
    expect(res.valid).toBe(true);
  });

  it('stale-read is caught under partitions', async () => {
    const { res, summary } = await checkedRun(['stale-read'], ['partition-leader', 'partition-random'], 8_000);
    expect(summary.ok).toBeGreaterThan(100);
    expect(res.valid).toBe(false);
  });
});
