/**
 * The stores' shared membership state (targets/server-base/store-membership.ts): `follow` keeps the
 * controller's members and the cluster's hosts outside the configuration in step (a voter gone from
 * the leader's list is counted outside, so a kill's restart leaves it down; a member is inside), and
 * the views judge each host against those members. The cluster here records only the marks: the
 * logic is the base class's alone.
 */
import { describe, expect, it } from 'vitest';
import type { MemberView } from '../../../harness/ground/contracts/roles.js';
import { StoreMembership, type HostAnswer } from '../../../targets/server-base/store-membership.js';

class Marks {
  readonly nodes = ['n1', 'n2', 'n3', 'n4'];
  readonly outside = new Set<string>(['n4']);
  markInside(n: string): void { this.outside.delete(n); }
  markOutside(n: string): void { this.outside.add(n); }
  /** The spare n4 never ran a server. */
  ranServer(n: string): boolean { return n !== 'n4'; }
}

class Control extends StoreMembership {
  adopt(members: readonly string[]): string[] { return this.follow(members); }
  judge(answers: readonly HostAnswer[]): Record<string, MemberView> { return this.viewsFrom(answers); }
  ran(n: string): boolean { return this.ranServer(n); }
}

describe('StoreMembership.follow', () => {
  it('counts a member that left outside and one that joined inside, and returns who left', () => {
    const c = new Marks();
    const m = new Control(c as never, ['n3', 'n1', 'n2']);
    expect(m.members()).toEqual(['n1', 'n2', 'n3']);
    expect(m.adopt(['n4', 'n1', 'n3'])).toEqual(['n2']);
    expect(m.members()).toEqual(['n1', 'n3', 'n4']);
    expect([...c.outside].sort()).toEqual(['n2']);
  });

  it('leaves a host that was never a member where it was (a learner, or the unused spare)', () => {
    const c = new Marks();
    const m = new Control(c as never, ['n1', 'n2', 'n3']);
    c.markInside('n4'); // a joiner started, not yet a voter
    expect(m.adopt(['n1', 'n2', 'n3'])).toEqual([]);
    expect(c.outside.size).toBe(0);
  });

  it('judges views against the members followed: a host removed that still answers is removedStillRunning', () => {
    const c = new Marks();
    const m = new Control(c as never, ['n1', 'n2', 'n3']);
    m.adopt(['n1', 'n2']);
    const v = m.judge([{ members: ['n1', 'n2'], role: 'leader' }, { members: ['n1', 'n2'] }, { members: ['n1', 'n2', 'n3'] }, undefined]);
    expect(v.n3).toEqual({ members: ['n1', 'n2', 'n3'], member: false, removedStillRunning: true });
    expect(v.n4).toEqual({ members: null, member: false, error: 'not running' });
    expect(v.n1).toEqual({ members: ['n1', 'n2'], member: true, role: 'leader' });
  });

  it('asks the cluster whether a host ran a server (a join wipes it first), keeping no list of its own', () => {
    const m = new Control(new Marks() as never, ['n1', 'n2', 'n3']);
    expect(['n1', 'n4'].map((n) => m.ran(n))).toEqual([true, false]);
  });
});
