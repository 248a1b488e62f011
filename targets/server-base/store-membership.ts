/**
 * What the stores' membership controls (targets/<store>/members.ts) share: the hosts (members and
 * the spare), the members as the controller last applied them, the hosts that ever ran a server (a
 * join wipes those first; one outside the configuration that still answers was removed and runs on),
 * and the views record built from each host's answer.
 */
import type { MemberView } from '../../harness/ground/contracts/roles.js';

/** One host's answer to "which members do you see": none (no server runs), a failure, or its view. */
export type HostAnswer = undefined | { error: string } | { members: string[]; role?: string };

export abstract class StoreMembership {
  readonly hosts: readonly string[];
  protected current: string[];
  protected readonly used: Set<string>;

  constructor(hosts: readonly string[], initial: readonly string[]) {
    this.hosts = hosts;
    this.current = [...initial].sort();
    this.used = new Set(initial);
  }

  members(): readonly string[] {
    return this.current;
  }

  /** Every host's view from its answer (`answers[i]` is `hosts[i]`'s), judged against the current members. */
  protected viewsFrom(answers: readonly HostAnswer[]): Record<string, MemberView> {
    const out: Record<string, MemberView> = {};
    for (const [i, h] of this.hosts.entries()) {
      const member = this.current.includes(h);
      const a = answers[i];
      if (a === undefined) out[h] = { members: null, member, error: 'not running' };
      else if ('error' in a) out[h] = { members: null, member, error: a.error };
      else out[h] = { members: a.members, member, ...(a.role ? { role: a.role } : {}), ...(member || !this.used.has(h) ? {} : { removedStillRunning: true }) };
    }
    return out;
  }
}
