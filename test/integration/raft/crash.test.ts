/**
 * Crashes (SIGKILL) against durability: the leader killed and restarted five times under a write
 * load loses no acknowledged write, a definitely failed write never appears, and a restarted node
 * comes back with its term and its committed log. Then the `no-fsync` switch: killing every node
 * right after a burst of acknowledged writes loses some of them, where the correct Raft loses none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaelstromCluster } from '../../../harness/middle/maelstrom/index.js';
import { sleep, startRaft, statusOf, teardownAll, waitForLeader } from './helpers.js';

afterEach(teardownAll);

/** Reads every key through `node` (20 at a time); returns the keys whose value is not the expected one. */
async function missing(c: MaelstromCluster, node: string, expected: Map<string, unknown>): Promise<string[]> {
  const conn = c.client();
  const bad: string[] = [];
  const keys = [...expected.keys()];
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(keys.slice(i, i + 20).map(async (k) => {
      for (let attempt = 0; ; attempt++) {
        const r = await conn.rpc(node, { type: 'read', key: k }, 3_000).catch(() => undefined);
        if (r?.type === 'read_ok' || (r?.type === 'error' && r.code === 20) || attempt === 4) {
          if (r?.type !== 'read_ok' || JSON.stringify(r.value) !== JSON.stringify(expected.get(k))) bad.push(`${k}: ${JSON.stringify(r ?? 'no answer')}`);
          return;
        }
        await sleep(200);
      }
    }));
  }
  return bad;
}

describe('raft under crashes', () => {
  it('kills the leader 5 times under writes: no acknowledged write is lost, restarted nodes keep term and log', async () => {
    const c = await startRaft();
    const conn = c.client();
    await waitForLeader(c, conn);
    const acked = new Map<string, unknown>();
    const failed: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const wc = c.client();
      for (let i = 0; !stop; i++) {
        const up = c.nodes.filter((n) => c.stateOf(n) === 'running');
        const key = `w${w}-${i}`;
        const r = await wc.rpc(up[i % up.length], { type: 'write', key, value: i }, 1_000).catch(() => undefined);
        if (r?.type === 'write_ok') acked.set(key, i);
        else if (r?.type === 'error' && [11, 20, 22].includes(r.code as number)) failed.push(key);
      }
    });
    const elections: number[] = [];
    for (let round = 0; round < 5; round++) {
      await sleep(500);
      const { leader } = await waitForLeader(c, conn);
      const before = (await statusOf(conn, leader))!;
      await c.killable.kill(leader);
      const next = await waitForLeader(c, conn);
      elections.push(next.ms);
      expect(next.leader).not.toBe(leader);
      expect(next.term).toBeGreaterThan(before.term);
      await c.killable.start(leader);
      const after = (await statusOf(conn, leader, 2_000))!;
      // Recovered from disk: never an older term, never fewer entries than it had committed.
      expect(after.term).toBeGreaterThanOrEqual(before.term);
      expect(after.log_length).toBeGreaterThanOrEqual(before.commit_index);
    }
    stop = true;
    await Promise.all(writers);
    console.log(`raft: ${acked.size} writes acknowledged, ${failed.length} definitely failed across 5 leader kills; ` +
      `election after leader kill: ${elections.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    expect(acked.size).toBeGreaterThan(50);
    const { leader } = await waitForLeader(c, conn);
    expect(await missing(c, leader, acked)).toEqual([]);
    // A definite failure means it never happened: the key must not exist.
    const none = new Map(failed.map((k) => [k, undefined]));
    const present = (await missing(c, leader, none)).filter((line) => !line.includes('"code":20'));
    expect(present).toEqual([]);
  });

  async function burstThenKillAll(bugs: string[]): Promise<{ acked: number; lost: string[] }> {
    const c = await startRaft({ bugs });
    const conn = c.client();
    const { leader } = await waitForLeader(c, conn);
    // Let the first write-back flush of the bug pass, so what is lost is the burst, not the election.
    await sleep(300);
    const acked = new Map<string, unknown>();
    await Promise.all(Array.from({ length: 4 }, async (_, w) => {
      const wc = c.client();
      for (let i = 0; i < 10; i++) {
        const r = await wc.rpc(leader, { type: 'write', key: `b${w}-${i}`, value: i }).catch(() => undefined);
        if (r?.type === 'write_ok') acked.set(`b${w}-${i}`, i);
      }
    }));
    await Promise.all(c.nodes.map((n) => c.killable.kill(n)));
    await Promise.all(c.nodes.map((n) => c.killable.start(n)));
    const after = await waitForLeader(c, conn);
    const lost = await missing(c, after.leader, acked);
    await teardownAll();
    return { acked: acked.size, lost };
  }

  it('killing every node at once after a burst of writes loses none of them', async () => {
    const r = await burstThenKillAll([]);
    expect(r.acked).toBe(40);
    expect(r.lost).toEqual([]);
  });

  it('no-fsync: the same kill of every node loses acknowledged writes', async () => {
    const trials: { acked: number; lost: number }[] = [];
    for (let t = 0; t < 3; t++) {
      const r = await burstThenKillAll(['no-fsync']);
      trials.push({ acked: r.acked, lost: r.lost.length });
      if (r.lost.length > 0) break;
    }
    console.log(`raft no-fsync: ${JSON.stringify(trials)}`);
    expect(trials.some((t) => t.lost > 0)).toBe(true);
  });
});
