/**
 * etcd's membership changes (`--nemesis membership`), through the member API of the JSON gateway
 * every 3.4 member serves (`/v3/cluster/member/{list,add,remove,promote}`), as an operator does them:
 *
 * - remove: `member remove <id>` sent to the leader (etcd refuses one that would leave the cluster
 *   without a quorum of started members: `--strict-reconfig-check`, on by default). The removed
 *   server is then stopped: etcd stops itself once it applies its own removal, but one cut off never
 *   learns of it and would go on campaigning (pre-vote keeps it harmless) — an operator stops it.
 * - add: the host's data directory is wiped (it is stopped and outside the configuration), it is
 *   added as a learner (etcd ≥ 3.4: a non-voting member, so a joiner that has not caught up never
 *   counts in the quorum), its server started with `--initial-cluster-state existing` and the
 *   configuration etcd answered, then promoted once in sync (etcd refuses the promotion until the
 *   learner has caught up with the leader), retried for up to `promoteMs`. A learner still
 *   unpromoted is promoted before the next change.
 * - replace (the nemesis's): remove, then add on the same host with its data wiped.
 *
 * The controller's members are the voting members; a node's view is the member list it serves
 * itself (in 3.4 a member answers the list from its own state, not through the leader), learners
 * left out, names taken from the peer URLs (a learner that has not started has no name yet).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MembershipControl, MemberView } from '../../harness/ground/contracts/roles.js';
import { gatewayPost, GatewayError, memberStatus } from './http.js';
import { MEMBER_CALL_MS, MEMBER_VIEW_MS, StoreMembership, type HostAnswer } from '../server-base/store-membership.js';
import type { EtcdCluster } from './cluster.js';

/** One entry of etcd's member list. */
export interface EtcdMember {
  id: string;
  name: string;
  peerURLs: string[];
  isLearner: boolean;
}

/** The member list of a gateway answer (`members`), ids as decimal strings. */
export function parseMembers(json: Record<string, unknown>): EtcdMember[] {
  const list = Array.isArray(json.members) ? (json.members as Record<string, unknown>[]) : [];
  return list.map((m) => ({
    id: String(m.ID ?? ''), name: String(m.name ?? ''),
    peerURLs: Array.isArray(m.peerURLs) ? (m.peerURLs as unknown[]).map(String) : [],
    isLearner: m.isLearner === true,
  }));
}

export class EtcdMembership extends StoreMembership implements MembershipControl {
  /** Learners added and not yet promoted, by node: their member id. */
  private readonly learners = new Map<string, string>();

  constructor(
    private readonly c: EtcdCluster,
    initial: readonly string[],
    private readonly log: (line: string) => void,
    private readonly o: { callMs: number; promoteMs: number; viewMs: number; healthWaitMs: number } = { callMs: MEMBER_CALL_MS, promoteMs: 8_000, viewMs: MEMBER_VIEW_MS, healthWaitMs: 6_000 },
  ) {
    super(c, initial);
  }

  async remove(node: string): Promise<Record<string, unknown>> {
    const pending = await this.promotePending();
    const list = await this.list();
    if (list === undefined) return { applied: false, timedOut: true, why: 'no member answered the member list', members: [...this.current], ...pending };
    const m = list.members.find((x) => this.nodeOf(x) === node);
    if (m === undefined) {
      this.c.markOutside(node);
      await this.c.stopServer(node);
      this.follow(this.current.filter((n) => n !== node));
      return { applied: false, why: `${node} is not in ${list.from}'s member list`, members: [...this.current], ...pending };
    }
    // Outside before asking: the server stops itself once it applies its removal, an exit expected.
    this.c.markOutside(node);
    const r = await this.change(list.leader ?? list.from, '/v3/cluster/member/remove', { ID: m.id });
    if (!r.ok) {
      // Refused: it stays a member. Timed out: it may yet be removed; the next view settles it
      // (it counts a member until the leader's list leaves it out).
      this.c.markInside(node);
      return { applied: false, ...(r.refused !== undefined ? { refused: r.refused } : { timedOut: true, why: r.why }), via: r.via, tries: r.tries, members: [...this.current], ...pending };
    }
    this.learners.delete(node);
    await this.c.stopServer(node);
    this.follow(this.votersOf(parseMembers(r.json)));
    this.log(`membership: etcd removed ${node} (id ${m.id}) via ${r.via}; voting members now [${this.current.join(', ')}]`);
    return { applied: true, id: m.id, via: r.via, tries: r.tries, wasLearner: m.isLearner, members: [...this.current], ...pending };
  }

  async add(node: string): Promise<Record<string, unknown>> {
    const pending = await this.promotePending();
    const list = await this.list();
    if (list === undefined) return { applied: false, timedOut: true, why: 'no member answered the member list', members: [...this.current], ...pending };
    const there = list.members.find((x) => this.nodeOf(x) === node);
    if (there !== undefined) {
      // A learner an earlier addition left: this addition is its promotion.
      if (!there.isLearner) return { applied: false, refused: `${node} is in ${list.from}'s member list already`, members: [...this.current], ...pending };
      const promoted = await this.promote(node, there.id, this.o.promoteMs);
      return { applied: promoted.ok, id: there.id, learner: true, promoted: promoted.ok, ...(promoted.ok ? {} : { why: `learner not promoted: ${promoted.why}` }), members: [...this.current], ...pending };
    }
    // The host is outside the configuration: its server stopped, its data wiped.
    await this.c.stopServer(node);
    const wipedData = this.ranServer(node);
    await this.c.wipeData(node, 'data');
    const r = await this.change(list.leader ?? list.from, '/v3/cluster/member/add', { peerURLs: [this.c.peerUrl(node)], isLearner: true });
    if (!r.ok) return { applied: false, ...(r.refused !== undefined ? { refused: r.refused } : { timedOut: true, why: r.why }), via: r.via, tries: r.tries, wipedData, members: [...this.current], ...pending };
    const added = (r.json.member ?? {}) as Record<string, unknown>;
    const id = String(added.ID ?? '');
    const cluster = parseMembers(r.json).map((m) => `${this.nodeOf(m) ?? m.name}=${m.peerURLs[0]}`).join(',');
    this.c.joinAs(node, cluster);
    this.learners.set(node, id);
    await this.c.startJoiner(node);
    const t0 = Date.now();
    const promoted = await this.promote(node, id, this.o.promoteMs);
    this.log(`membership: etcd added ${node} (id ${id}) as a learner via ${r.via}; ${promoted.ok ? `promoted after ${Date.now() - t0} ms` : `not promoted yet (${promoted.why})`}`);
    return { applied: promoted.ok, id, via: r.via, tries: r.tries, learner: true, promoted: promoted.ok, ...(promoted.ok ? {} : { why: `learner not promoted: ${promoted.why}` }), wipedData, members: [...this.current], ...pending };
  }

  async views(): Promise<Record<string, MemberView>> {
    const lists = await Promise.all(this.hosts.map(async (h) => {
      if (!this.running(h)) return undefined;
      try {
        const [json, st] = await Promise.all([
          gatewayPost(this.c.endpoint(h), '/v3/cluster/member/list', {}, this.o.viewMs),
          memberStatus(this.c.endpoint(h), this.o.viewMs).catch(() => undefined),
        ]);
        return { members: parseMembers(json), status: st };
      } catch (err) {
        return { error: (err as Error).message };
      }
    }));
    // The controller's members follow the leader's list (a removal that timed out may have gone through).
    const leaderAt = lists.findIndex((l) => l?.status !== undefined && l.status.leader !== '0' && l.status.leader === l.status.memberId);
    const leaderList = leaderAt >= 0 ? lists[leaderAt]?.members : undefined;
    if (leaderList) {
      // A voter no longer listed was removed (etcd has no demotion): outside, and its server stopped.
      for (const n of this.follow(this.votersOf(leaderList))) {
        this.log(`membership: ${n} is no longer in the leader's member list: counted removed and stopped`);
        await this.c.stopServer(n);
      }
    }
    return this.viewsFrom(lists.map((l, i): HostAnswer => {
      if (l === undefined || !('members' in l) || l.members === undefined) return l === undefined ? undefined : { error: l.error ?? 'no answer' };
      const me = l.members.find((m) => this.nodeOf(m) === this.hosts[i]);
      const role = l.status === undefined ? undefined : me?.isLearner ? 'learner' : l.status.leader === l.status.memberId ? 'leader' : 'follower';
      return { members: this.votersOf(l.members), ...(role ? { role } : {}) };
    }));
  }

  /**
   * Promotes the learners an earlier addition left, briefly; one that still cannot be promoted is
   * removed (a learner does not vote, so its removal risks no quorum, and etcd 3.4 takes one learner
   * at a time, so a stuck one would block every later addition). What happened goes in the op's record.
   */
  private async promotePending(): Promise<Record<string, unknown>> {
    if (this.learners.size === 0) return {};
    const done: Record<string, string> = {};
    for (const [node, id] of [...this.learners]) {
      if ((await this.promote(node, id, this.o.callMs)).ok) {
        done[node] = 'promoted';
        continue;
      }
      const list = await this.list();
      const r = list ? await this.call(list.leader ?? list.from, '/v3/cluster/member/remove', { ID: id }) : undefined;
      if (r?.ok) {
        this.learners.delete(node);
        this.c.markOutside(node);
        await this.c.stopServer(node);
        done[node] = 'not in sync: removed';
      } else done[node] = `not in sync, and its removal failed (${r === undefined ? 'no member list' : r.ok ? '' : r.refused ?? r.why})`;
      this.log(`membership: etcd learner ${node}: ${done[node]}`);
    }
    return { pendingLearners: done };
  }

  /** Asks the leader to promote a learner until it agrees (in sync) or `ms` pass. */
  private async promote(node: string, id: string, ms: number): Promise<{ ok: boolean; why?: string }> {
    const deadline = Date.now() + ms;
    let why = 'not tried';
    while (Date.now() < deadline) {
      // A joiner that could not reach the members at its start exits ("discovery failed"): start it again.
      if (this.exited(node)) {
        this.log(`membership: etcd learner ${node} exited before it joined: started again`);
        await this.c.startJoiner(node);
      }
      const list = await this.list();
      if (list !== undefined) {
        const me = list.members.find((m) => m.id === id);
        if (me === undefined) {
          this.learners.delete(node);
          return { ok: false, why: `${node} is no longer a member` };
        }
        if (!me.isLearner) {
          this.learners.delete(node);
          this.follow(this.votersOf(list.members));
          return { ok: true };
        }
        const r = await this.call(list.leader ?? list.from, '/v3/cluster/member/promote', { ID: id });
        if (r.ok) {
          this.learners.delete(node);
          this.follow(this.votersOf(parseMembers(r.json)));
          return { ok: true };
        }
        why = r.refused ?? r.why ?? 'no answer';
      } else why = 'no member answered the member list';
      await sleep(200);
    }
    return { ok: false, why };
  }

  /** The member list as the leader (else any running member) serves it, with who answered. */
  private async list(): Promise<{ members: EtcdMember[]; from: string; leader?: string } | undefined> {
    const running = this.current.filter((n) => this.running(n));
    const statuses = await Promise.all(running.map((n) => memberStatus(this.c.endpoint(n), this.o.viewMs).then((s) => ({ n, s }), () => undefined)));
    const leader = statuses.find((x) => x !== undefined && x.s.leader !== '0' && x.s.leader === x.s.memberId)?.n;
    for (const n of [...(leader ? [leader] : []), ...running.filter((x) => x !== leader)]) {
      try {
        const json = await gatewayPost(this.c.endpoint(n), '/v3/cluster/member/list', {}, this.o.viewMs);
        return { members: parseMembers(json), from: n, ...(leader ? { leader } : {}) };
      } catch { /* the next one */ }
    }
    return undefined;
  }

  /**
   * A member addition or removal, asked again while etcd answers `unhealthy cluster`: under
   * --strict-reconfig-check it takes a change only once every voting member has been connected for
   * its health interval (5 s), and a member just added or promoted counts only 5 s after it
   * connected, so a change asked within 5 s of the previous one is refused with nothing wrong (seed 3,
   * membership alone, 40 s: 27 of 38 changes refused so). An operator waits and asks again; a member still
   * out of touch after `healthWaitMs` (a partition, a kill) leaves it refused, as before.
   */
  private async change(via: string, path: string, body: unknown): Promise<Awaited<ReturnType<EtcdMembership['call']>> & { tries: number }> {
    const deadline = Date.now() + this.o.healthWaitMs;
    for (let tries = 1; ; tries++) {
      const r = await this.call(via, path, body);
      if (r.ok || r.refused === undefined || !/unhealthy cluster/.test(r.refused) || Date.now() >= deadline) return { ...r, tries };
      await sleep(300);
    }
  }

  /** One member API call; a definite refusal (etcd's error) apart from a timeout or lost connection. */
  private async call(via: string, path: string, body: unknown): Promise<{ ok: true; json: Record<string, unknown>; via: string } | { ok: false; refused?: string; why?: string; via: string }> {
    try {
      return { ok: true, json: await gatewayPost(this.c.endpoint(via), path, body, this.o.callMs), via };
    } catch (err) {
      // etcd's own "request timed out" is no refusal: the change may yet be applied.
      if (err instanceof GatewayError && !/timed out|timeout/i.test(err.message)) return { ok: false, refused: err.message, via };
      return { ok: false, why: (err as Error).message, via };
    }
  }

  /** A server runs on the node (not killed, paused or outside). */
  private running(node: string): boolean {
    return this.c.state(node) === 'running';
  }

  /** The node's server was started and has exited on its own since. */
  private exited(node: string): boolean {
    return this.c.state(node) === 'running' && this.c.pidOf(node) === undefined;
  }

  /** The voting members of a list, as node names, sorted. */
  private votersOf(list: readonly EtcdMember[]): string[] {
    return list.filter((m) => !m.isLearner).map((m) => this.nodeOf(m) ?? m.name).sort();
  }

  /** The host a member is, by its peer URL (a learner that has not started has no name yet). */
  private nodeOf(m: EtcdMember): string | undefined {
    return this.hosts.find((h) => m.peerURLs.includes(this.c.peerUrl(h))) ?? (m.name || undefined);
  }
}
