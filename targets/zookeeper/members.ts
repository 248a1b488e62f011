/**
 * ZooKeeper's membership changes (`--nemesis membership`) by dynamic reconfiguration (3.5+), as an
 * operator does them with the CLI as the run's super user (the Node client has no reconfig op):
 *
 * - remove: `reconfig -remove <id>` sent to the leader. The removed server keeps running (ZooKeeper
 *   does not stop it; it goes on as a follower of nothing) and is recorded `removedStillRunning`.
 * - add: the host's server (a removed one still running) is stopped, its data wiped, its zoo.cfg
 *   written with the current members and itself, the server started (it syncs with the leader as a
 *   non-voting peer), then `reconfig -add server.<id>=…:participant;…` sent to the leader, retried
 *   while the leader refuses for now (the joiner not yet connected: NewConfigNoQuorum) for `addMs`.
 * - replace (the nemesis's): remove, then add on the same host with its data wiped.
 *
 * A node's view is the configuration it serves (`conf`: its server.N lines), its role `srvr`'s mode.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MembershipControl, MemberView } from '../../harness/ground/contracts/roles.js';
import { MEMBER_VIEW_MS, StoreMembership, type HostAnswer } from '../server-base/store-membership.js';
import { fourLetter, type ZkCluster } from './cluster.js';

/** The server ids a `conf` answer (or a reconfig's committed configuration) lists. */
export function serverIds(text: string): number[] {
  return [...text.matchAll(/^server\.(\d+)=/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

export class ZkMembership extends StoreMembership implements MembershipControl {
  constructor(
    private readonly c: ZkCluster,
    initial: readonly string[],
    private readonly log: (line: string) => void,
    private readonly o: { cliMs: number; addMs: number; viewMs: number } = { cliMs: 20_000, addMs: 20_000, viewMs: MEMBER_VIEW_MS },
  ) {
    super(c, initial);
  }

  async remove(node: string): Promise<Record<string, unknown>> {
    const leader = await this.leader();
    if (leader === undefined) return { applied: false, timedOut: true, why: 'no member leads', members: [...this.current] };
    this.c.markOutside(node);
    const r = await this.reconfig(leader, `reconfig -remove ${this.c.serverId(node)}`);
    if (!r.ok) {
      this.c.markInside(node);
      return { applied: false, ...r.failure, via: leader, members: [...this.current] };
    }
    this.follow(r.members);
    this.log(`membership: zookeeper removed ${node} (server.${this.c.serverId(node)}) via ${leader}; members now [${this.current.join(', ')}] (its server keeps running)`);
    return { applied: true, via: leader, removedStillRunning: this.c.state(node) === 'running', members: [...this.current] };
  }

  async add(node: string): Promise<Record<string, unknown>> {
    const leader = await this.leader();
    if (leader === undefined) return { applied: false, timedOut: true, why: 'no member leads', members: [...this.current] };
    // Stopped (a removed server still runs), wiped, configured with the members and itself, started.
    await this.c.stopServer(node);
    const wipedData = this.ranServer(node);
    await this.c.wipeData(node, 'data');
    await this.c.writeConfig(node, [...this.current, node]);
    await this.c.startJoiner(node);
    const deadline = Date.now() + this.o.addMs;
    // A JVM takes seconds to start (more under load): the leader counts the joiner only once it is connected.
    while (Date.now() < deadline && !/Mode: /.test(await fourLetter(this.c.address(node), 'srvr', this.o.viewMs).catch(() => ''))) await sleep(300);
    let last: Record<string, unknown> = { why: `${node}'s server did not answer within ${this.o.addMs} ms of its start` };
    let tries = 0;
    while (Date.now() < deadline) {
      tries++;
      const r = await this.reconfig(leader, `reconfig -add ${this.c.serverLine(node)}`, Math.max(2_000, deadline - Date.now()));
      if (r.ok) {
        this.follow(r.members);
        this.log(`membership: zookeeper added ${node} (server.${this.c.serverId(node)}) via ${leader} after ${tries} tries; members now [${this.current.join(', ')}]`);
        return { applied: true, via: leader, tries, wipedData, members: [...this.current] };
      }
      last = r.failure;
      if (r.failure.refused !== undefined && !/NewConfigNoQuorum|No quorum of new config|ConnectionLoss/i.test(String(r.failure.refused))) break;
      await sleep(300);
    }
    // Not added: the host goes back outside, its server stopped.
    this.c.markOutside(node);
    await this.c.stopServer(node);
    return { applied: false, ...last, via: leader, tries, wipedData, members: [...this.current] };
  }

  async views(): Promise<Record<string, MemberView>> {
    const answers = await Promise.all(this.hosts.map(async (h): Promise<HostAnswer> => {
      if (this.c.state(h) !== 'running') return undefined;
      try {
        const [conf, srvr] = await Promise.all([fourLetter(this.c.address(h), 'conf', this.o.viewMs), fourLetter(this.c.address(h), 'srvr', this.o.viewMs).catch(() => '')]);
        const ids = serverIds(conf);
        if (ids.length === 0) return { error: conf.includes('not currently serving') ? 'not serving' : 'no configuration in its conf answer' };
        const role = /Mode: (\w+)/.exec(srvr)?.[1];
        return { members: this.nodesOf(ids), ...(role ? { role } : {}) };
      } catch (err) {
        return { error: (err as Error).message };
      }
    }));
    // The controller's members follow the leader's configuration (a reconfig that timed out may have gone through).
    const leaderAt = answers.findIndex((a) => a !== undefined && 'members' in a && a.role === 'leader');
    if (leaderAt >= 0) this.follow((answers[leaderAt] as { members: string[] }).members);
    return this.viewsFrom(answers);
  }

  /** The hosts of server ids, sorted: the inverse of the cluster's `serverId` (its place among the hosts, from 1). */
  private nodesOf(ids: readonly number[]): string[] {
    return ids.map((i) => this.hosts[i - 1] ?? `server.${i}`).sort();
  }

  /** The member that says it leads. */
  private async leader(): Promise<string | undefined> {
    const modes = await Promise.all(this.current.map(async (n) => (this.c.state(n) === 'running' ? fourLetter(this.c.address(n), 'srvr', this.o.viewMs).catch(() => '') : '')));
    const at = modes.findIndex((m) => /Mode: leader/.test(m));
    return at >= 0 ? this.current[at] : undefined;
  }

  /** One reconfig as the super user; the committed configuration's members, or what went wrong. */
  private async reconfig(via: string, command: string, ms = this.o.cliMs): Promise<{ ok: true; members: string[] } | { ok: false; failure: Record<string, unknown> }> {
    let r: { code: number; out: string };
    try {
      r = await this.c.cli(via, [`addauth digest super:${this.c.superUser!.password}`, command], ms);
    } catch (err) {
      return { ok: false, failure: { timedOut: true, why: (err as Error).message } };
    }
    if (r.code !== 0 && r.out.indexOf('Committed new configuration') < 0 && /SIGKILL|timed out/i.test(r.out)) {
      return { ok: false, failure: { timedOut: true, why: `the ZooKeeper CLI did not finish within ${ms} ms` } };
    }
    const committed = r.out.indexOf('Committed new configuration');
    if (committed >= 0) {
      const ids = serverIds(r.out.slice(committed));
      return { ok: true, members: this.nodesOf(ids) };
    }
    const lines = r.out.split('\n').map((l) => l.trim());
    const line = lines.find((l) => /No quorum of new config|KeeperErrorCode|Insufficient|not authori[sz]ed|NoAuth/i.test(l)) ?? lines.find((l) => /Exception|error/i.test(l)) ?? `exit ${r.code}`;
    // A lost connection or a timeout leaves the change undecided; ZooKeeper's own error code refuses it.
    if (/ConnectionLoss|timed out|timeout/i.test(line)) return { ok: false, failure: { timedOut: true, why: line.slice(0, 300) } };
    return { ok: false, failure: { refused: line.slice(0, 300) } };
  }
}
