/**
 * The Raft safety observer's pure logic (checkers/raft-safety.ts) on hand-made status sequences, and
 * the committed-entries window the nodes report (targets/raft/status.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RaftSafetyObserver, type ObservedStatus } from '../../../checkers/raft-safety.js';
import { logOfTerms } from '../../../targets/raft/log-view.js';
import { committedEntries, COMMITTED_MAX, fnv1a } from '../../../targets/raft/status.js';

const st = (over: Partial<ObservedStatus>): ObservedStatus => ({ role: 'follower', term: 1, voted_for: null, led_terms: [], ...over });

describe('election-safety', () => {
  it('is valid when each term has one leader, and unknown when nothing was observed', () => {
    expect(new RaftSafetyObserver().verdicts()['election-safety'].valid).toBe('unknown');
    const o = new RaftSafetyObserver();
    o.observe('n0', 1, st({ role: 'leader', term: 2, led_terms: [2] }));
    o.observe('n1', 1, st({ term: 2 }));
    o.observe('n1', 2, st({ role: 'leader', term: 3, led_terms: [3] }));
    o.observe('n0', 2, st({ term: 3, led_terms: [2] }));
    expect(o.verdicts()['election-safety']).toMatchObject({ valid: true, termsWithLeader: 2 });
  });

  it('fails when two nodes led the same term, also when one is seen only through led_terms', () => {
    const o = new RaftSafetyObserver();
    o.observe('n0', 1, st({ role: 'leader', term: 4, led_terms: [4] }));
    o.observe('n3', 1.5, st({ role: 'follower', term: 5, led_terms: [4] }));
    o.observe('n3', 2, st({ role: 'follower', term: 5, led_terms: [4] }));
    const v = o.verdicts()['election-safety'];
    expect(v.valid).toBe(false);
    // Reported once per term, naming both leaders.
    expect(v.twoLeaders).toMatchObject({ count: 1, examples: [{ term: 4, leaders: [{ node: 'n0' }, { node: 'n3' }] }] });
  });
});

describe('commit-safety', () => {
  it('is valid when nodes agree on every committed index they report', () => {
    const o = new RaftSafetyObserver();
    o.observe('n0', 1, st({ committed: [[1, 1, 'a'], [2, 1, 'b']] }));
    o.observe('n1', 1, st({ committed: [[2, 1, 'b'], [3, 2, 'c']] }));
    expect(o.verdicts()['commit-safety']).toMatchObject({ valid: true, committedIndexes: 3 });
  });

  it.each([
    { name: 'a different term (Figure 8: an old-term entry overwritten)', other: [2, 3, 'b'] as const },
    { name: 'the same term but another command (two leaders of one term)', other: [2, 1, 'x'] as const },
  ])('fails on $name at an index another node committed', ({ other }) => {
    const o = new RaftSafetyObserver();
    o.observe('n0', 1, st({ committed: [[1, 1, 'a'], [2, 1, 'b']] }));
    o.observe('n4', 3, st({ committed: [other] }));
    const v = o.verdicts()['commit-safety'];
    expect(v.valid).toBe(false);
    expect(v.divergent).toMatchObject({ count: 1, examples: [{ index: 2, first: { node: 'n0', term: 1 }, then: { node: 'n4', term: other[1] } }] });
  });
});

describe('vote-safety', () => {
  it('accepts terms that only grow and one vote per term, across answers of each node', () => {
    const o = new RaftSafetyObserver();
    for (const [t, s] of [[1, st({ term: 1 })], [2, st({ term: 2, voted_for: null })], [3, st({ term: 2, voted_for: 'n1' })], [4, st({ term: 2, voted_for: 'n1' })], [5, st({ term: 3, voted_for: null })]] as const) o.observe('n0', t, s);
    o.observe('n1', 1, st({ term: 1 }));
    expect(o.verdicts()['vote-safety'].valid).toBe(true);
  });

  it.each([
    { name: 'the term goes back (lost on a crash)', after: st({ term: 2, voted_for: null }), what: 'term went back from 3 to 2' },
    { name: 'a vote is forgotten within its term', after: st({ term: 3, voted_for: null }), what: 'vote in term 3 changed from n2 to null' },
    { name: 'a second vote within one term', after: st({ term: 3, voted_for: 'n4' }), what: 'vote in term 3 changed from n2 to n4' },
  ])('fails when $name, and reports it once', ({ after, what }) => {
    const o = new RaftSafetyObserver();
    o.observe('n0', 1, st({ term: 3, voted_for: 'n2' }));
    o.observe('n0', 2, after);
    o.observe('n0', 3, after);
    const v = o.verdicts()['vote-safety'];
    expect(v.valid).toBe(false);
    expect(v.lost).toMatchObject({ count: 1, examples: [{ node: 'n0', what }] });
  });

  it('never fails on any sequence of states that only move forward (property)', () => {
    const step = fc.record({ bump: fc.nat(2), vote: fc.constantFrom(null, 'n1', 'n2') });
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      const o = new RaftSafetyObserver();
      let term = 1;
      let voted: string | null = null;
      steps.forEach((s, i) => {
        if (s.bump > 0) { term += s.bump; voted = s.vote; } else if (voted === null) voted = s.vote;
        o.observe('n0', i, st({ term, voted_for: voted }));
      });
      return o.verdicts()['vote-safety'].valid !== false;
    }));
  });
});

describe('committedEntries (what raft_status reports)', () => {
  it('lists committed entries after `since` held in the log, as [index, term, hash]', () => {
    const log = logOfTerms([1, 1, 2, 2, 3]);
    const got = committedEntries(log, 4, 1);
    expect(got.map(([i, t]) => [i, t])).toEqual([[2, 1], [3, 2], [4, 2]]);
    expect(got[0][2]).toBe(fnv1a('null'));
    // Entries folded into a snapshot are skipped; nothing beyond the commit index is reported.
    expect(committedEntries(logOfTerms([3, 3], 10, 2), 12, 0).map(([i]) => i)).toEqual([11, 12]);
    expect(committedEntries(log, 4, 4)).toEqual([]);
    expect(committedEntries(logOfTerms(Array(1000).fill(1)), 1000, 0)).toHaveLength(COMMITTED_MAX);
  });

  it('hashes different commands differently', () => {
    expect(fnv1a(JSON.stringify({ type: 'write', key: 1, value: 2 }))).not.toBe(fnv1a(JSON.stringify({ type: 'write', key: 1, value: 3 })));
  });
});
