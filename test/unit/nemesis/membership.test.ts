import { describe, expect, it } from 'vitest';
import type { MembershipControl, MemberView } from '../../../harness/ground/contracts/roles.js';
import { boundedKind, KindTally, membershipPackage, nextKind } from '../../../harness/middle/faults/nemesis/membership.js';
import { judgeViews, membershipViews } from '../../../checkers/membership-views.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { contextFor, fakeTarget, S } from './fake-target.js';
import { createRng } from '../../../harness/ground/generator/index.js';

/** A membership double: changes take effect at once; `views` answers what `seen` says. */
function fakeMembership(hosts: string[], initial: string[], seen?: () => Record<string, MemberView>): MembershipControl & { calls: string[] } {
  let members = [...initial];
  const calls: string[] = [];
  return {
    hosts, calls,
    members: () => members,
    async remove(n) { calls.push(`remove ${n}`); members = members.filter((m) => m !== n); return { applied: true, members }; },
    async add(n) { calls.push(`add ${n}`); members = [...members, n].sort(); return { applied: true, members }; },
    async views() {
      return seen?.() ?? Object.fromEntries(hosts.map((h) => [h, { members: members.includes(h) ? [...members] : null, member: members.includes(h) }]));
    },
  };
}

describe('membership nemesis', () => {
  it('keeps the configuration between its bounds', () => {
    expect(boundedKind('remove', 3, 1, 3)).toBe('add');
    expect(boundedKind('remove', 3, 0, 3)).toBe('replace');
    expect(boundedKind('add', 4, 0, 3)).toBe('remove');
    expect(boundedKind('add', 3, 0, 3)).toBe('replace');
    expect(boundedKind('replace', 3, 0, 3)).toBe('replace');
    expect(boundedKind('remove', 4, 1, 3)).toBe('remove');
    expect(boundedKind('replace', 2, 1, 3)).toBe('add');
    expect(boundedKind('replace', 2, 0, 3)).toBe('replace');
  });

  /** The kinds done, change by change, on a store of `keep` members and one spare that applies every kind but those in `refuse`. */
  function kindsDone(seed: number, changes: number, pick: (t: KindTally, rng: ReturnType<typeof createRng>, members: number, others: number) => 'remove' | 'add' | 'replace', refuse = new Set<string>()): string[] {
    const rng = createRng(seed);
    const keep = 3;
    let members = keep;
    let others = 1;
    const t = new KindTally();
    const done: string[] = [];
    for (let i = 0; i < changes; i++) {
      const k = boundedKind(pick(t, rng, members, others), members, others, keep);
      const applied = !refuse.has(k);
      if (applied && k === 'add') { members++; others--; }
      if (applied && k === 'remove') { members--; others++; }
      t.note(k, applied);
      done.push(applied ? k : `missed ${k}`);
    }
    return done;
  }

  it('asks for the kinds not yet applied first: a run\'s first three changes are one of each kind', () => {
    for (let seed = 1; seed <= 30; seed++) {
      expect(new Set(kindsDone(seed, 3, (t, rng, mb, o) => nextKind(t, rng, mb, o, 3))).size).toBe(3);
    }
    // The uniform draw (what nextKind does once every kind applied) does not: some seed repeats a kind early.
    const uniform = (_t: KindTally, rng: ReturnType<typeof createRng>) => (['remove', 'add', 'replace'] as const)[rng.int(3)];
    expect(Array.from({ length: 30 }, (_, i) => new Set(kindsDone(i + 1, 3, uniform)).size).some((n) => n < 3)).toBe(true);
  });

  it('asks a refused kind again after the other missing ones, and draws all three once each applied', () => {
    const t = new KindTally();
    t.note('add', true);
    t.note('remove', false);
    // Four members, one spare: remove and replace are both doable; the one missed least goes first.
    const rng = createRng(7);
    for (let i = 0; i < 20; i++) expect(nextKind(t, rng, 4, 1, 3)).toBe('replace');
    t.note('replace', false);
    t.note('replace', false);
    for (let i = 0; i < 20; i++) expect(nextKind(t, rng, 4, 1, 3)).toBe('remove');
    // At the initial size a remove would turn into an add: a doable missing kind goes first.
    for (let i = 0; i < 20; i++) expect(nextKind(t, rng, 3, 1, 3)).toBe('replace');
    t.note('remove', true);
    t.note('replace', true);
    const drawn = new Set(Array.from({ length: 60 }, () => nextKind(t, rng, 4, 1, 3)));
    expect(drawn).toEqual(new Set(['remove', 'add', 'replace']));
    // A store that never applies a remove: every change after the first two asks for one again.
    const done = kindsDone(3, 8, (tt, r, mb, o) => nextKind(tt, r, mb, o, 3), new Set(['remove']));
    expect(done.slice(0, 2).sort()).toEqual(['add', 'replace']);
    expect(done.slice(2).every((k) => k === 'missed remove')).toBe(true);
  });

  it('is unsupported on a target without membership changes, with the reason', () => {
    const b = membershipPackage(contextFor(fakeTarget()));
    expect(b.package).toBeUndefined();
    expect(b.unsupported[0].reason).toMatch(/offers no membership changes/);
  });

  it('applies each kind, records the node and every view, and never goes below the floor', async () => {
    const t = fakeTarget({ nodes: ['n0', 'n1', 'n2', 'n3'] });
    const m = fakeMembership(['n0', 'n1', 'n2', 'n3'], ['n0', 'n1', 'n2']);
    t.membership = m;
    const b = membershipPackage(contextFor(t, { interval: 2 * S }));
    const nem = b.package!.nemesis;
    const add = await nem.invoke({ f: 'member-add', value: null }) as Record<string, unknown>;
    expect(add).toMatchObject({ op: 'add', node: 'n3', nodes: ['n3'], applied: true });
    expect(Object.keys(add.views as object)).toEqual(['n0', 'n1', 'n2', 'n3']);
    const rm = await nem.invoke({ f: 'member-remove', value: null }) as Record<string, unknown>;
    expect(rm.op).toBe('remove');
    const rp = await nem.invoke({ f: 'member-replace', value: null }) as Record<string, unknown>;
    expect(rp).toMatchObject({ op: 'replace', applied: true });
    expect(m.calls.slice(-2)).toEqual([`remove ${String(rp.node)}`, `add ${String(rp.node)}`]);
    // At the floor (3 members), a remove becomes an add.
    expect((await nem.invoke({ f: 'member-remove', value: null }) as { op: string }).op).toBe('add');
    expect(m.members().length).toBeGreaterThanOrEqual(3);
    expect(b.package!.bands.map((x) => x.start)).toEqual(['member-remove', 'member-add', 'member-replace']);
  });

  it('the final op waits for agreement and records whether it came', async () => {
    const t = fakeTarget({ nodes: ['n0', 'n1', 'n2'] });
    let calls = 0;
    const agreeing: Record<string, MemberView> = { n0: { members: ['n0', 'n1'], member: true }, n1: { members: ['n0', 'n1'], member: true }, n2: { members: null, member: false } };
    const stale: Record<string, MemberView> = { ...agreeing, n1: { members: ['n0', 'n1', 'n2'], member: true } };
    t.membership = fakeMembership(['n0', 'n1', 'n2'], ['n0', 'n1'], () => (++calls < 3 ? stale : agreeing));
    const nem = membershipPackage(contextFor(t), { settleMs: 5_000 }).package!.nemesis;
    expect(await nem.invoke({ f: 'member-views', value: null })).toMatchObject({ converged: true, views: agreeing });
    t.membership = fakeMembership(['n0', 'n1', 'n2'], ['n0', 'n1'], () => stale);
    const never = membershipPackage(contextFor(t), { settleMs: 300 }).package!.nemesis;
    expect(await never.invoke({ f: 'member-views', value: null })).toMatchObject({ converged: false });
  });
});

describe('membership-views checker', () => {
  const v = (members: string[] | null, member: boolean, extra: Partial<MemberView> = {}): MemberView => ({ members, member, ...extra });
  it('judges agreement among the members only', () => {
    expect(judgeViews({ a: v(['a', 'b'], true), b: v(['b', 'a'], true), c: v(['a', 'b', 'c'], false) }).valid).toBe(true);
    expect(judgeViews({ a: v(['a', 'b'], true), b: v(['a', 'b', 'c'], true) })).toMatchObject({ valid: false, disagree: { b: ['a', 'b', 'c'] } });
    // Agreeing among themselves but not with the controller's members is not convergence either.
    expect(judgeViews({ a: v(['a'], true), b: v(['a'], true) }).valid).toBe(false);
    expect(judgeViews({ a: v(['a', 'b'], true), b: v(null, true) })).toMatchObject({ valid: 'unknown', unanswered: ['b'] });
    expect(judgeViews({ a: v(['a', 'b'], true), b: v(null, true), c: v(['c'], true) }).valid).toBe(false);
    expect(judgeViews({}).valid).toBe('unknown');
  });

  const nem = (index: number, f: string, value: unknown, error?: string): Op => ({ index, time: index, process: 'nemesis', type: 'info', f, value, ...(error ? { error } : {}) });
  it('reads the last record after the heal and counts the changes applied', () => {
    const h: Op[] = [
      nem(1, 'member-remove', { op: 'remove', applied: true }),
      nem(2, 'member-add', { op: 'add', applied: false }),
      nem(3, 'member-replace', { op: 'replace', applied: true }),
      nem(4, 'member-add', { op: 'add', applied: true }, 'timed out'),
      nem(5, 'member-views', { views: { a: v(['a'], true), b: v(['a', 'b'], false, { removedStillRunning: true }) } }),
    ];
    const r = membershipViews(h);
    expect(r).toMatchObject({ valid: true, applied: { remove: 1, add: 0, replace: 1 }, attempted: { remove: 1, add: 2, replace: 1 }, removedStillRunning: ['b'] });
    expect(membershipViews(h.slice(0, 4))).toMatchObject({ valid: 'unknown', reason: expect.stringMatching(/no view/) });
    const diverged = [...h, nem(6, 'member-views', { views: { a: v(['a'], true), b: v(['a', 'b'], true) } })];
    expect(membershipViews(diverged).valid).toBe(false);
    // Agreeing views with no change applied: nothing of membership was tested.
    const none = [nem(1, 'member-add', { op: 'add', applied: false }), nem(2, 'member-remove', { op: 'remove', applied: true }, 'timed out'), h[4]];
    expect(membershipViews(none)).toMatchObject({ valid: 'unknown', reason: expect.stringMatching(/no membership change was applied \(2 attempted\)/) });
  });
});

describe('membership nemesis: members cut off', () => {
  /** A double whose leader cannot reach `cut`; `refuseAfter` changes are accepted, later ones time out. */
  function cutOff(cut: string[], refuseAfter = Infinity): MembershipControl & { calls: string[] } {
    const m = fakeMembership(['n0', 'n1', 'n2', 'n3', 'n4', 'n5'], ['n0', 'n1', 'n2', 'n3', 'n4']);
    const remove = m.remove.bind(m);
    let accepted = 0;
    return Object.assign(m, {
      unreachable: async () => cut,
      async remove(n: string) {
        if (accepted++ >= refuseAfter) { m.calls.push(`refused ${n}`); return { applied: false, timedOut: true, members: m.members() }; }
        return remove(n);
      },
    });
  }
  it('removes every member cut off, one after another, down to the floor, whatever kind was drawn', async () => {
    const t = fakeTarget({ nodes: ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'] });
    const m = cutOff(['n1', 'n3', 'n4']);
    t.membership = m;
    const nem = membershipPackage(contextFor(t, { interval: 2 * S })).package!.nemesis;
    const r = await nem.invoke({ f: 'member-add', value: null }) as Record<string, unknown>;
    // Five members, floor three: two of the three cut off go.
    expect(r).toMatchObject({ op: 'remove', asked: 'add', applied: true });
    expect((r.nodes as string[]).length).toBe(2);
    expect(m.calls).toEqual((r.nodes as string[]).map((n) => `remove ${n}`));
    expect(m.members().length).toBe(3);
    // At the floor the drawn kind goes ahead (an add here).
    expect((await nem.invoke({ f: 'member-add', value: null }) as { op: string }).op).toBe('add');
  });
  it('stops at the first change the store does not take (a correct store refuses the second while the first is uncommitted)', async () => {
    const t = fakeTarget({ nodes: ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'] });
    const m = cutOff(['n3', 'n4'], 1);
    t.membership = m;
    const nem = membershipPackage(contextFor(t, { interval: 2 * S })).package!.nemesis;
    const r = await nem.invoke({ f: 'member-remove', value: null }) as { removals: { applied: boolean; timedOut?: boolean }[]; applied: boolean; asked?: string };
    expect(r.applied).toBe(true);
    expect(r.asked).toBeUndefined();
    expect(r.removals.map((x) => x.applied)).toEqual([true, false]);
    expect(r.removals[1].timedOut).toBe(true);
  });
});
