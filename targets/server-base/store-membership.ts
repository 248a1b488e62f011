/**
 * What the stores' membership controls (targets/<store>/members.ts) share: the hosts (members and
 * the spare), the members as the controller last applied them — kept in step with the cluster's
 * hosts inside the configuration (server-cluster.ts `outside`: no restart there) by `follow`, the one
 * place either changes after a store's answer — whether a host ran a server (the cluster's
 * `ranServer`: a join wipes its data first; one outside the configuration that still answers was
 * removed and runs on), the views record built from each host's answer, and the time a host gets for
 * one answer.
 */
import type { MemberView } from '../../harness/ground/contracts/roles.js';
import type { ServerCluster } from './server-cluster.js';

/** One host's answer to a view or a leader probe, ms (a host that takes longer counts as not answering). */
export const MEMBER_VIEW_MS = 500;
/** One membership call to the store (a member API request), ms: beyond it the change is undecided, not refused. */
export const MEMBER_CALL_MS = 2_000;

/** One host's answer to "which members do you see": none (no server runs), a failure, or its view. */
export type HostAnswer = undefined | { error: string } | { members: string[]; role?: string };

export abstract class StoreMembership {
  readonly hosts: readonly string[];
  private members_: string[];

  constructor(private readonly cluster: Pick<ServerCluster, 'nodes' | 'markInside' | 'markOutside' | 'ranServer'>, initial: readonly string[]) {
    this.hosts = cluster.nodes;
    this.members_ = [...initial].sort();
  }

  /** A server ran on the host in this run: joining, it is wiped first. */
  protected ranServer(node: string): boolean {
    return this.cluster.ranServer(node);
  }

  members(): readonly string[] {
    return this.members_;
  }

  /** The members as the controller last applied them. */
  protected get current(): readonly string[] {
    return this.members_;
  }

  /**
   * The members become `members` (the store's answer: a change applied, or the leader's list, which
   * a change that timed out may since have reached): the cluster counts them inside and the ones that
   * left outside, so a kill's restart never brings a removed server back. Returns the hosts that left.
   */
  protected follow(members: readonly string[]): string[] {
    const left = this.members_.filter((n) => !members.includes(n));
    for (const n of members) if (this.hosts.includes(n)) this.cluster.markInside(n);
    for (const n of left) this.cluster.markOutside(n);
    this.members_ = [...members].sort();
    return left;
  }

  /**
   * Every host's view from its answer (`answers[i]` is `hosts[i]`'s), judged against the current
   * members. A host outside the configuration that answers runs a server, so it was a member once and
   * was removed (the unused spare runs none: no answer).
   */
  protected viewsFrom(answers: readonly HostAnswer[]): Record<string, MemberView> {
    const out: Record<string, MemberView> = {};
    for (const [i, h] of this.hosts.entries()) {
      const member = this.current.includes(h);
      const a = answers[i];
      if (a === undefined) out[h] = { members: null, member, error: 'not running' };
      else if ('error' in a) out[h] = { members: null, member, error: a.error };
      else out[h] = { members: a.members, member, ...(a.role ? { role: a.role } : {}), ...(member ? {} : { removedStillRunning: true }) };
    }
    return out;
  }
}
