import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { configOf, decideChange, isConfig, isVoter, majorityOf, type ChangeState } from '../../../targets/raft/membership.js';
import { NO_BUGS, type BugName } from '../../../targets/raft/bugs.js';
import type { Entry } from '../../../targets/raft/messages.js';

const bugs = (...b: BugName[]): ReadonlySet<BugName> => new Set(b);
const cfg = (members: string[]): Entry => ({ term: 1, cmd: { f: 'config', members } });
const w = (key: number): Entry => ({ term: 1, cmd: { f: 'write', key, value: 1 } as never });

/** Every subset of `xs`. */
function subsets(xs: readonly string[]): string[][] {
  return xs.reduce<string[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
}
/** Brute force: some majority of `a` and some majority of `b` share no server. */
function disjointMajorities(a: readonly string[], b: readonly string[]): boolean {
  const ma = subsets(a).filter((s) => majorityOf(a, s));
  const mb = subsets(b).filter((s) => majorityOf(b, s));
  return ma.some((x) => mb.some((y) => !x.some((n) => y.includes(n))));
}

describe('configOf', () => {
  const base = { members: ['n0', 'n1', 'n2'], index: 0 };
  it('takes the latest configuration entry, committed or not, else the base', () => {
    expect(configOf({ snapIndex: 0, snapTerm: 0, entries: [w(1), w(2)] }, base)).toEqual(base);
    const log = { snapIndex: 0, snapTerm: 0, entries: [w(1), cfg(['n0', 'n1']), w(2), cfg(['n0', 'n1', 'n3']), w(3)] };
    expect(configOf(log, base)).toEqual({ members: ['n0', 'n1', 'n3'], index: 4 });
    // Up to an index (a snapshot's): the configuration as of that entry.
    expect(configOf(log, base, 3)).toEqual({ members: ['n0', 'n1'], index: 2 });
    expect(configOf(log, base, 1)).toEqual(base);
  });
  it('reads only the held entries above the snapshot', () => {
    const log = { snapIndex: 10, snapTerm: 1, entries: [w(1), cfg(['n1'])] };
    expect(configOf(log, { members: ['a'], index: 10 })).toEqual({ members: ['n1'], index: 12 });
    expect(configOf(log, { members: ['a'], index: 10 }, 11)).toEqual({ members: ['a'], index: 10 });
  });
  it('recognises configuration commands only', () => {
    expect(isConfig({ f: 'config', members: [] })).toBe(true);
    expect(isConfig({ f: 'write', key: 1 })).toBe(false);
    expect(isConfig(null)).toBe(false);
  });
});

describe('decideChange', () => {
  const s: ChangeState = { members: ['n0', 'n1', 'n2'], configIndex: 0, commitIndex: 5, termCommitted: true, bugs: NO_BUGS };
  it('adds and removes one server', () => {
    expect(decideChange(s, 'add', 'n3')).toEqual({ kind: 'append', members: ['n0', 'n1', 'n2', 'n3'] });
    expect(decideChange(s, 'remove', 'n1')).toEqual({ kind: 'append', members: ['n0', 'n2'] });
  });
  it('does nothing for a change already in force', () => {
    expect(decideChange(s, 'add', 'n1').kind).toBe('noop');
    expect(decideChange(s, 'remove', 'n7').kind).toBe('noop');
  });
  it('refuses a second change while one is uncommitted, and before the term committed an entry', () => {
    expect(decideChange({ ...s, configIndex: 6 }, 'add', 'n3')).toMatchObject({ kind: 'refuse', retry: true });
    expect(decideChange({ ...s, termCommitted: false }, 'add', 'n3')).toMatchObject({ kind: 'refuse', retry: true });
    expect(decideChange({ ...s, members: ['n0'] }, 'remove', 'n0')).toMatchObject({ kind: 'refuse', retry: false });
  });
  it('two-changes accepts a change while another is in flight', () => {
    expect(decideChange({ ...s, configIndex: 6, termCommitted: false, bugs: bugs('two-changes') }, 'remove', 'n1')).toEqual({ kind: 'append', members: ['n0', 'n2'] });
  });

  const node = fc.constantFrom('n0', 'n1', 'n2', 'n3', 'n4', 'n5');
  const change = fc.record({ op: fc.constantFrom<'add' | 'remove'>('add', 'remove'), node });
  it('property: one change at a time keeps every majority of the old configuration overlapping every majority of the new (brute force)', () => {
    fc.assert(fc.property(fc.uniqueArray(node, { minLength: 1, maxLength: 5 }), fc.array(change, { maxLength: 8 }), (start, changes) => {
      let members = [...start].sort();
      let commit = 0;
      let configIndex = 0;
      for (const c of changes) {
        const d = decideChange({ members, configIndex, commitIndex: commit, termCommitted: true, bugs: NO_BUGS }, c.op, c.node);
        if (d.kind !== 'append') continue;
        // The pair of configurations that can both be in force: before and after this change.
        expect(disjointMajorities(members, d.members)).toBe(false);
        // Nothing else goes in until it commits (the next loop turn commits it).
        expect(decideChange({ members: d.members, configIndex: configIndex + 1, commitIndex: commit, termCommitted: true, bugs: NO_BUGS }, 'add', 'zz').kind).toBe('refuse');
        members = d.members;
        configIndex = ++commit;
      }
    }), { numRuns: 300 });
  });
  it('two-changes lets configurations two apart be in force at once, and some have disjoint majorities', () => {
    // C0 = {n0, n1, n2}; C1 adds n3; C2 removes n0 while C1 is uncommitted: {n0, n1} and {n2, n3} are disjoint majorities.
    const c1 = decideChange({ ...s, bugs: bugs('two-changes') }, 'add', 'n3');
    expect(c1.kind).toBe('append');
    const c2 = decideChange({ ...s, members: (c1 as { members: string[] }).members, configIndex: 6, bugs: bugs('two-changes') }, 'remove', 'n0');
    expect(c2).toEqual({ kind: 'append', members: ['n1', 'n2', 'n3'] });
    expect(disjointMajorities(s.members, (c2 as { members: string[] }).members)).toBe(true);
  });
  it('majorityOf counts only members', () => {
    expect(majorityOf(['a', 'b', 'c'], ['a', 'x', 'y'])).toBe(false);
    expect(majorityOf(['a', 'b', 'c'], ['a', 'b'])).toBe(true);
    expect(majorityOf(['a', 'b', 'c', 'd'], ['a', 'b'])).toBe(false);
  });
});

describe('isVoter: whose vote a configuration counts', () => {
  it('counts a bootstrap member that bootstrapped, and an added member only as the incarnation its change recorded', () => {
    const c = { members: ['n0', 'n1', 'n3'], index: 7, ids: { n3: 'new' } };
    expect(isVoter(c, 'n0', 'any', true)).toBe(true);
    // n0 wiped and never added again: a joiner under a bootstrap member's name is not that member.
    expect(isVoter(c, 'n0', 'any', false)).toBe(false);
    expect(isVoter(c, 'n3', 'new', false)).toBe(true);
    // n3's former incarnation (or a later one) is another server: its vote does not count here.
    expect(isVoter(c, 'n3', 'old', false)).toBe(false);
    expect(isVoter(c, 'n3', 'old', true)).toBe(false);
    // Outside the configuration nobody counts.
    expect(isVoter(c, 'n2', 'x', true)).toBe(false);
  });
});
