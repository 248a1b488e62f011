/**
 * The controller's side of the bundled Raft's membership changes (`--nemesis membership`): the
 * cluster runs `--nodes` members plus one spare host, a fresh node outside the configuration; a
 * change is sent as `raft_member {op, node}` to the node that leads in the highest term, retried
 * while no leader is known or the leader refuses for now (the previous change uncommitted), for up
 * to `changeMs` (1 s: the nemesis has one thread, so a long op would hold back the other faults'
 * ops, e.g. the heal of a partition that leaves no majority anywhere). A host that joins again after it ran is stopped, its data directory wiped and
 * restarted as a joiner first, so it comes back with empty data and catches up by replication or
 * snapshot. A removed node is left running (it stops hearing from the leader and never stands for
 * election): recorded as "removed, still running".
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { MembershipControl, MemberView } from '../../harness/ground/contracts/roles.js';

/** What the control needs of the cluster. */
export interface RaftHosts {
  rpc(node: string, body: MaelstromBody, timeoutMs: number): Promise<MaelstromBody>;
  stateOf(node: string): 'running' | 'paused' | 'stopped' | string;
  kill(node: string): Promise<void>;
  start(node: string): Promise<void>;
  log(line: string): void;
}

interface Status {
  node: string;
  role: string;
  term: number;
  members: string[];
  committed: boolean;
  dataId: string;
  peerContactMs?: Record<string, number>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RaftMembership implements MembershipControl {
  private current: string[];
  /** Hosts whose next first init must not bootstrap them into a configuration (wiped, re-joining). */
  private readonly wiped = new Set<string>();
  /** Hosts that ran with data: a join wipes them first. The spare starts fresh. */
  private readonly used: Set<string>;

  constructor(
    readonly hosts: readonly string[],
    private readonly initial: readonly string[],
    private readonly dataDir: string,
    private readonly c: RaftHosts,
    private readonly o: { changeMs: number; statusMs: number; unreachableMs: number } = { changeMs: 1_000, statusMs: 300, unreachableMs: 150 },
  ) {
    this.current = [...initial];
    this.used = new Set(initial);
  }

  /** The node_ids a node's init carries: the initial members, or (a wiped joiner) the members without it. */
  initIds(node: string): string[] {
    if (this.wiped.has(node)) return this.current.filter((n) => n !== node);
    return [...this.initial];
  }

  members(): readonly string[] {
    return this.current;
  }

  async remove(node: string): Promise<Record<string, unknown>> {
    return this.change('remove', node);
  }

  async add(node: string): Promise<Record<string, unknown>> {
    let wipedData = false;
    if (this.used.has(node)) {
      // Never wipe a member: only once the leader's committed configuration leaves the host out (a
      // wiped member is a lost disk, which Raft does not survive).
      if (!(await this.committedWithout(node))) {
        this.c.log(`membership: add ${node} skipped: its removal is not committed, so its data is not wiped`);
        return { applied: false, why: 'its removal is not committed (not wiping a member)', members: [...this.current] };
      }
      // Stopped, wiped, restarted as a joiner: the same host with empty data.
      if (this.c.stateOf(node) !== 'stopped') await this.c.kill(node);
      fs.rmSync(nodePath.join(this.dataDir, node), { recursive: true, force: true });
      this.wiped.add(node);
      await this.c.start(node);
      wipedData = true;
    }
    this.used.add(node);
    const r = await this.change('add', node);
    return { ...r, wipedData };
  }

  async unreachable(): Promise<string[]> {
    const leader = this.leaderOf(await this.statuses());
    if (!leader?.peerContactMs) return [];
    return Object.entries(leader.peerContactMs).filter(([, ms]) => ms > this.o.unreachableMs).map(([n]) => n);
  }

  async views(): Promise<Record<string, MemberView>> {
    const statuses = await this.statuses();
    // The controller's members follow the leader's committed configuration (a change the leader
    // lost to a new leader is not in force, whatever the controller asked).
    const leader = this.leaderOf(statuses);
    if (leader && leader.committed) this.current = [...leader.members].sort();
    const out: Record<string, MemberView> = {};
    for (const h of this.hosts) {
      const member = this.current.includes(h);
      const s = statuses.find((x) => x.node === h);
      const state = this.c.stateOf(h);
      if (s === undefined) {
        out[h] = { members: null, member, error: state === 'running' ? 'no answer' : state };
        continue;
      }
      out[h] = { members: s.members, role: s.role, member, committed: s.committed, ...(member || !this.used.has(h) ? {} : { removedStillRunning: true }) };
    }
    return out;
  }

  /** The leader's committed configuration leaves `node` out, within `changeMs`. */
  private async committedWithout(node: string): Promise<boolean> {
    const deadline = Date.now() + this.o.changeMs;
    while (Date.now() < deadline) {
      const leader = this.leaderOf(await this.statuses());
      if (leader && leader.committed && !leader.members.includes(node)) return true;
      await sleep(100);
    }
    return false;
  }

  /** One change, retried while no leader answers or the leader refuses for now. */
  private async change(op: 'add' | 'remove', node: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + this.o.changeMs;
    let last = 'no leader answered';
    let tries = 0;
    while (Date.now() < deadline) {
      tries++;
      const all = await this.statuses();
      const leader = this.leaderOf(all);
      // An addition names the incarnation that joins (its data id), so only it may vote as that member.
      const dataId = all.find((s) => s.node === node)?.dataId;
      if (op === 'add' && !dataId) last = `${node} did not answer raft_status`;
      else if (leader !== undefined) {
        let r: MaelstromBody | undefined;
        try {
          r = await this.c.rpc(leader.node, { type: 'raft_member', op, node, ...(op === 'add' ? { data_id: dataId } : {}) }, 1_000);
        } catch (err) {
          last = `${leader.node}: ${(err as Error).message}`;
        }
        if (r?.type === 'raft_member_ok') {
          const members = (r.members as string[]).slice().sort();
          this.current = members;
          this.c.log(`membership: ${op} ${node} ${r.applied ? `appended at ${String(r.index)}` : 'already in force'} by ${leader.node}; members now [${members.join(', ')}]`);
          return { applied: r.applied === true, leader: leader.node, term: leader.term, index: r.index, members, tries };
        }
        if (r?.type === 'error') {
          last = `${leader.node}: ${String(r.text)}`;
          if (r.code !== 11) return { applied: false, refused: last, members: [...this.current], tries };
        }
      }
      await sleep(100);
    }
    this.c.log(`membership: ${op} ${node} not accepted within ${this.o.changeMs} ms (${last})`);
    return { applied: false, timedOut: true, why: last, members: [...this.current], tries };
  }

  /** The status of every running host that answers in time. */
  private async statuses(): Promise<Status[]> {
    const answers = await Promise.all(this.hosts.map(async (node): Promise<Status | undefined> => {
      if (this.c.stateOf(node) !== 'running') return undefined;
      try {
        const r = await this.c.rpc(node, { type: 'raft_status' }, this.o.statusMs);
        if (r.type !== 'raft_status_ok' || !Array.isArray(r.members)) return undefined;
        return {
          node, role: String(r.role), term: Number(r.term), members: (r.members as string[]).slice().sort(), committed: r.config_committed === true, dataId: String(r.data_id ?? ''),
          ...(r.peer_contact_ms ? { peerContactMs: r.peer_contact_ms as Record<string, number> } : {}),
        };
      } catch {
        return undefined;
      }
    }));
    return answers.filter((s): s is Status => s !== undefined);
  }

  /** The node that leads in the highest term, if any answered. */
  private leaderOf(statuses: readonly Status[]): Status | undefined {
    return statuses.filter((s) => s.role === 'leader').sort((a, b) => b.term - a.term)[0];
  }
}
