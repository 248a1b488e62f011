/**
 * Consul's membership changes (`--nemesis membership`), as an operator does them through the HTTP API:
 *
 * - remove: a running server is asked to **leave** (`PUT /v1/agent/leave`: it leaves serf, the leader
 *   takes it out of the raft configuration, the agent exits); a server that is down or does not
 *   answer is **force-left** (`PUT /v1/agent/force-leave/<node>?prune` on the leader) and taken out of
 *   raft with `operator raft remove-peer` (`DELETE /v1/operator/raft/peer?address=…`). The change is
 *   applied once the leader's raft configuration leaves it out (waited for up to `changeMs`).
 * - add: the host's data is wiped, its server started without -bootstrap-expect and with -retry-join
 *   of the current members; the leader adds it to raft and autopilot makes it a voter once healthy
 *   (server_stabilization_time 2 s in membership runs). Applied once it is a voter, within `changeMs`
 *   (25 s: a host that ran before is first refuted dead by serf, and the leader adds it to raft only
 *   after that, 15-20 s here under load).
 * - replace (the nemesis's): remove, then add on the same host with its data wiped.
 *
 * A node's view is the raft configuration it holds (`?stale`, its own copy): its voters.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MembershipControl, MemberView } from '../../harness/ground/contracts/roles.js';
import { raftConfiguration, request, statusLeader, type RaftServer } from './http.js';
import type { ConsulCluster } from './cluster.js';
import { MEMBER_CALL_MS, MEMBER_VIEW_MS, StoreMembership, type HostAnswer } from '../server-base/store-membership.js';

export class ConsulMembership extends StoreMembership implements MembershipControl {
  constructor(
    private readonly c: ConsulCluster,
    initial: readonly string[],
    private readonly log: (line: string) => void,
    private readonly o: { changeMs: number; callMs: number; leaveMs: number; leaderMs: number; viewMs: number } = { changeMs: 25_000, callMs: MEMBER_CALL_MS, leaveMs: 8_000, leaderMs: 5_000, viewMs: MEMBER_VIEW_MS },
  ) {
    super(c, initial);
  }

  async remove(node: string): Promise<Record<string, unknown>> {
    const leader = await this.waitLeader();
    if (leader === undefined) return { applied: false, timedOut: true, why: `no member knew a leader for ${this.o.leaderMs} ms`, members: [...this.current] };
    const wasRunning = this.c.state(node) === 'running';
    this.c.markOutside(node);
    let how: string;
    const left = wasRunning
      ? await request(this.c.endpoint(node), 'PUT', '/v1/agent/leave', this.o.leaveMs).then((r) => r.status === 200, () => false)
      : false;
    if (left) how = 'leave';
    else {
      // Down or not answering: force-leave it from serf and take it out of raft, as for a dead server.
      const force = await request(this.c.endpoint(leader), 'PUT', `/v1/agent/force-leave/${encodeURIComponent(this.c.agentName(node))}?prune`, this.o.callMs).then((r) => r.status, (e: Error) => e.message);
      const peer = await request(this.c.endpoint(leader), 'DELETE', `/v1/operator/raft/peer?address=${encodeURIComponent(this.c.raftAddress(node))}`, this.o.callMs).then((r) => `${r.status} ${r.body.trim().slice(0, 120)}`, (e: Error) => e.message);
      how = `force-leave (${String(force)}), remove-peer (${peer})`;
    }
    const gone = await this.until((servers) => !servers.some((s) => s.address === this.c.raftAddress(node)));
    if (!gone.ok) {
      // Still in the leader's configuration: a member, so it runs as before (a leave made its agent
      // exit; stopped, it stayed down to the end, since no kill's restart was its to undo).
      this.c.markInside(node);
      if (wasRunning) await this.c.restartServer(node);
      return { applied: false, timedOut: true, how, why: gone.why, ...(wasRunning ? { restarted: true } : {}), members: [...this.current] };
    }
    await this.c.stopServer(node);
    this.follow(gone.voters);
    this.log(`membership: consul removed ${node} by ${how}; voters now [${this.current.join(', ')}]`);
    return { applied: true, how, via: leader, members: [...this.current] };
  }

  async add(node: string): Promise<Record<string, unknown>> {
    const leader = await this.waitLeader();
    if (leader === undefined) return { applied: false, timedOut: true, why: `no member knew a leader for ${this.o.leaderMs} ms`, members: [...this.current] };
    await this.c.stopServer(node);
    const wipedData = this.ranServer(node);
    await this.c.wipeData(node, 'data');
    this.c.joinVia(node, this.current);
    await this.c.startJoiner(node);
    const voter = await this.until((servers) => servers.some((s) => s.address === this.c.raftAddress(node) && s.voter));
    if (!voter.ok) {
      // Not a voter in time: it may still become one; the next view settles the controller's members.
      return { applied: false, timedOut: true, why: voter.why, wipedData, members: [...this.current] };
    }
    this.follow(voter.voters);
    this.log(`membership: consul added ${node}; voters now [${this.current.join(', ')}]`);
    return { applied: true, via: leader, wipedData, members: [...this.current] };
  }

  async views(): Promise<Record<string, MemberView>> {
    type Answer = undefined | { error: string } | { servers: RaftServer[]; role: string };
    const answers = await Promise.all(this.hosts.map(async (h): Promise<Answer> => {
      if (this.c.state(h) !== 'running') return undefined;
      try {
        const [servers, lead] = await Promise.all([raftConfiguration(this.c.endpoint(h), this.o.viewMs), statusLeader(this.c.endpoint(h), this.o.viewMs).catch(() => '')]);
        return { servers, role: lead === this.c.raftAddress(h) ? 'leader' : lead === '' ? 'no leader' : 'follower' };
      } catch (err) {
        return { error: (err as Error).message };
      }
    }));
    const leaderAt = answers.findIndex((a) => a !== undefined && 'servers' in a && a.role === 'leader');
    // A voter gone from the leader's configuration left: outside, so a kill's restart does not bring it back.
    if (leaderAt >= 0) this.follow(this.votersOf((answers[leaderAt] as { servers: RaftServer[] }).servers));
    return this.viewsFrom(answers.map((a): HostAnswer => (a === undefined || !('servers' in a) ? a : { members: this.votersOf(a.servers), role: a.role })));
  }

  /** Waits until the leader's raft configuration satisfies `ok`, within `changeMs`. */
  private async until(ok: (servers: readonly RaftServer[]) => boolean): Promise<{ ok: true; voters: string[] } | { ok: false; why: string }> {
    const deadline = Date.now() + this.o.changeMs;
    let why = 'no leader answered';
    while (Date.now() < deadline) {
      const leader = await this.leader();
      if (leader !== undefined) {
        const servers = await raftConfiguration(this.c.endpoint(leader), 1_000).catch(() => undefined);
        if (servers && ok(servers)) return { ok: true, voters: this.votersOf(servers) };
        if (servers) why = `the leader's raft configuration: ${servers.map((s) => `${s.node}${s.voter ? '' : ' (non-voter)'}`).join(', ')}`;
      }
      await sleep(300);
    }
    return { ok: false, why: `not within ${this.o.changeMs} ms (${why})` };
  }

  /**
   * The leader, waited for up to `leaderMs`: after a partition or kill a Consul cluster takes seconds
   * to elect here, and an operator waits for a leader before changing the membership.
   */
  private async waitLeader(): Promise<string | undefined> {
    const deadline = Date.now() + this.o.leaderMs;
    for (;;) {
      const l = await this.leader();
      if (l !== undefined || Date.now() > deadline) return l;
      await sleep(250);
    }
  }

  /** The running member whose own leader is itself. */
  private async leader(): Promise<string | undefined> {
    const leads = await Promise.all(this.current.map(async (n) => (this.c.state(n) === 'running' ? statusLeader(this.c.endpoint(n), this.o.viewMs).catch(() => '') : '')));
    const at = leads.findIndex((l, i) => l === this.c.raftAddress(this.current[i]));
    return at >= 0 ? this.current[at] : undefined;
  }

  /** The voters of a raft configuration, as host names (by raft address). */
  private votersOf(servers: readonly RaftServer[]): string[] {
    return servers.filter((s) => s.voter).map((s) => this.hosts.find((h) => this.c.raftAddress(h) === s.address) ?? s.node).sort();
  }
}
