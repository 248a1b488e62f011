/**
 * The bundled Raft's membership changes on real node processes (targets/raft/membership.ts): a spare
 * joins empty and catches up, a removed leader steps down once its removal commits, and — the bug
 * switch — a leader cut off in a minority accepts a second change while the first is uncommitted
 * (`two-changes`) and then commits writes on its own side while the majority side elects another
 * leader, where the correct Raft refuses the second change. Then a short run of the real CLI under
 * `--nemesis membership,partition` on the correct Raft (1 seed; the rates are bench:membership's).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { MaelstromBody } from '../../../harness/ground/protocol/protocol.js';
import type { ClientConn, MaelstromCluster } from '../../../harness/middle/maelstrom/index.js';
import { processesWith, startCli, tempStore } from '../run/cli-helpers.js';
import { sleep, startRaft, statusOf, teardownAll, waitForLeader } from './helpers.js';

afterEach(teardownAll);

interface Status { role: string; term: number; members: string[]; config_committed: boolean; last_applied: number; commit_index: number }

async function status(conn: ClientConn, node: string): Promise<Status> {
  const s = await statusOf(conn, node);
  if (!s) throw new Error(`${node} did not answer raft_status`);
  return s as unknown as Status;
}
async function member(conn: ClientConn, leader: string, op: 'add' | 'remove', node: string): Promise<MaelstromBody> {
  const dataId = op === 'add' ? ((await statusOf(conn, node)) as unknown as { data_id: string }).data_id : undefined;
  return conn.rpc(leader, { type: 'raft_member', op, node, ...(dataId ? { data_id: dataId } : {}) }, 2_000);
}

/** Four hosts: n0..n2 members, n3 a spare (its init names the members without it). */
async function withSpare(bugs: string[] = [], nodeCount = 4, members = 3): Promise<MaelstromCluster> {
  const initial = Array.from({ length: members }, (_, i) => `n${i}`);
  return startRaft({ bugs, nodeCount, initNodeIds: () => initial, args: ['--election-ms', '300-600'] });
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await ok()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

describe('bundled Raft membership changes', () => {
  it('a spare joins with empty data and catches up; a removed leader steps down; the spare stays out until added', async () => {
    const c = await withSpare();
    const conn = c.client();
    const { leader } = await waitForLeader(c, conn);
    expect((await status(conn, 'n3')).members).toEqual([]);
    for (let i = 0; i < 20; i++) expect((await conn.rpc(leader, { type: 'write', key: i, value: i }, 2_000)).type).toBe('write_ok');
    // §4.2.1: the leader first catches n3 up as a non-voting learner and refuses the change for now
    // (code 11, retry); only once a round of replication ended within an election timeout is it added.
    const first = await member(conn, leader, 'add', 'n3');
    expect(first).toMatchObject({ type: 'error', code: 11 });
    expect(String(first.text)).toMatch(/catching the new server up/);
    const leaderLog = (await status(conn, leader) as unknown as { log_length: number }).log_length;
    let added: MaelstromBody = first;
    let heldBefore = 0;
    await until('n3 added after catching up', 10_000, async () => {
      heldBefore = (await status(conn, 'n3') as unknown as { log_length: number }).log_length;
      added = await member(conn, leader, 'add', 'n3');
      return added.type !== 'error';
    });
    expect(added).toMatchObject({ type: 'raft_member_ok', applied: true, members: ['n0', 'n1', 'n2', 'n3'] });
    // Just before the request that added it, still outside the configuration, it already held the
    // leader's log as of the first request: it was caught up by replication as a learner.
    expect(heldBefore).toBeGreaterThanOrEqual(leaderLog);
    await until('n3 caught up', 10_000, async () => {
      const [l, s] = [await status(conn, leader), await status(conn, 'n3')];
      return s.members.includes('n3') && s.config_committed && s.last_applied >= l.commit_index;
    });
    // Its data came by replication: a read through it (forwarded to the leader) and its own state agree.
    expect(await conn.rpc('n3', { type: 'read', key: 7 }, 2_000)).toMatchObject({ type: 'read_ok', value: 7 });

    const removed = await member(conn, leader, 'remove', leader);
    expect(removed).toMatchObject({ type: 'raft_member_ok', applied: true });
    await until('the removed leader stepped down and another leads', 10_000, async () => {
      const s = await status(conn, leader);
      const others = await Promise.all(['n0', 'n1', 'n2', 'n3'].filter((n) => n !== leader).map((n) => status(conn, n)));
      return s.role !== 'leader' && others.some((o) => o.role === 'leader' && !o.members.includes(leader));
    });
  }, 60_000);

  for (const bug of [false, true]) {
    it(bug ? 'two-changes: a cut-off leader takes a second change and commits on a minority, beside a new leader' : 'the correct Raft refuses a second change while the first is uncommitted', async () => {
      // Five members n0..n4 and a spare n5.
      const c = await withSpare(bug ? ['two-changes'] : [], 6, 5);
      const conn = c.client();
      const { leader } = await waitForLeader(c, conn);
      await conn.rpc(leader, { type: 'write', key: 'x', value: 0 }, 2_000);
      const others = ['n0', 'n1', 'n2', 'n3', 'n4'].filter((n) => n !== leader);
      const [mate, ...far] = others;
      const mine = [leader, mate, 'n5'];
      // The leader, one member and the spare on one side; three members on the other.
      const grudge: Record<string, string[]> = {};
      for (const n of mine) grudge[n] = far;
      for (const n of far) grudge[n] = mine;
      await c.net.partition(grudge);
      const first = await member(conn, leader, 'remove', far[0]);
      expect(first).toMatchObject({ type: 'raft_member_ok', applied: true });
      const second = await member(conn, leader, 'remove', far[1]);
      if (!bug) {
        expect(second).toMatchObject({ type: 'error', code: 11 });
        expect(String(second.text)).toMatch(/still uncommitted/);
        return;
      }
      expect(second).toMatchObject({ type: 'raft_member_ok', applied: true, members: [leader, mate, far[2]].sort() });
      // The old leader now has a majority of its configuration on its side ({leader, mate} of three)…
      expect(await conn.rpc(leader, { type: 'write', key: 'x', value: 1 }, 3_000)).toMatchObject({ type: 'write_ok' });
      // …while the three on the other side, still in the first configuration, elect their own.
      let other: string | undefined;
      await until('the majority side elects a leader', 15_000, async () => {
        for (const n of far) if ((await status(conn, n)).role === 'leader') other = n;
        return other !== undefined;
      });
      expect(await conn.rpc(other!, { type: 'write', key: 'x', value: 2 }, 3_000)).toMatchObject({ type: 'write_ok' });
      // Two leaders at once, each committing: the old one still reads its own write.
      expect((await status(conn, leader)).role).toBe('leader');
      expect(await conn.rpc(leader, { type: 'read', key: 'x' }, 3_000)).toMatchObject({ type: 'read_ok', value: 1 });
      expect(await conn.rpc(other!, { type: 'read', key: 'x' }, 3_000)).toMatchObject({ type: 'read_ok', value: 2 });
    }, 60_000);
  }
});

describe('faultline run --nemesis membership,partition on the bundled Raft', () => {
  const store = tempStore('raft-membership');
  afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

  interface Results { valid: unknown; checkers: Record<string, { valid: unknown; applied?: Record<string, number>; reason?: string }> }
  async function run(name: string, extra: string[], seed: number): Promise<Results> {
    const args = ['run', '--target', 'raft', '--nemesis', 'membership,partition', '--nemesis-interval', '3s', '--membership-every', '500ms',
      '--election-ms', '1000-2000', '--partition-shapes', 'primaries-minority,random-halves', '--time-limit', '30s', '--seed', String(seed), '--store', store, '--name', name, '--reporter', 'json', ...extra];
    const { code, stderr } = await startCli(args, store).done;
    expect([0, 1, 2], stderr).toContain(code);
    return JSON.parse(fs.readFileSync(nodePath.join(store, name, 'latest', 'results.json'), 'utf8')) as Results;
  }

  // The whole verdict: safety (linearizable, one leader per term, commits and votes), a leader serving
  // after the heal (cluster-liveness) and the members agreeing on the configuration (membership-views).
  // It was `unknown` in CI before new servers were caught up as learners before the change adding
  // them, and before votes were counted by the incarnation a configuration names instead of refused
  // by servers outside their own latest configuration (no leader after the heal).
  it('the correct Raft is valid: safe, serving after the heal, the views agreeing, every kind of change applied', async () => {
    const r = await run('correct', [], 1);
    for (const name of ['linearizable', 'election-safety', 'commit-safety', 'vote-safety']) expect(r.checkers[name]?.valid, `${name}: ${JSON.stringify(r.checkers[name])}`).toBe(true);
    const mv = r.checkers['membership-views'];
    console.log(`raft membership (correct, seed 1): verdict ${String(r.valid)}, views ${String(mv.valid)}${mv.reason ? ` (${mv.reason})` : ''}, liveness ${String(r.checkers['cluster-liveness']?.valid ?? 'ok')}, applied ${JSON.stringify(mv.applied)}`);
    for (const k of ['remove', 'add', 'replace']) expect(mv.applied![k], k).toBeGreaterThanOrEqual(1);
    const notValid = Object.entries(r.checkers).filter(([, c]) => c.valid !== true).map(([n, c]) => `${n}=${String(c.valid)} ${c.reason ?? ''}`);
    expect(notValid).toEqual([]);
    expect(r.valid).toBe(true);
    expect(processesWith(store)).toEqual([]);
  }, 120_000);
  // The bug's rate under the nemesis (below its target after the safety fixes) is bench:membership's; in
  // npm test it is caught deterministically by the split-brain test above, not by a timing-bound run.
});
