/**
 * Log replication as pure functions: the AppendEntries consistency check and conflict resolution,
 * the leader's back-off, and the commit rule of §5.4.2 (with the `old-term-commit` switch).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_BUGS } from '../../../targets/raft/bugs.js';
import { lastIndex, logOfTerms, termAt, type LogView } from '../../../targets/raft/log-view.js';
import type { AppendRequest, Entry } from '../../../targets/raft/messages.js';
import { advanceCommit, handleAppend, onAppendReply, type AppendOutcome } from '../../../targets/raft/replication.js';

const entries = (...terms: number[]): Entry[] => terms.map((term) => ({ term, cmd: null }));
const ae = (over: Partial<AppendRequest>): AppendRequest => ({
  type: 'append_entries', term: 5, prev_log_index: 0, prev_log_term: 0, entries: [], leader_commit: 0, seq: 1, ...over,
});
/** The follower's log after applying an outcome, as a list of terms. */
function applied(log: LogView, out: AppendOutcome): number[] {
  let terms = log.entries.map((e) => e.term);
  if (out.truncateFrom !== undefined) terms = terms.slice(0, out.truncateFrom - log.snapIndex - 1);
  return [...terms, ...out.append.map((e) => e.term)];
}

describe('handleAppend (follower)', () => {
  it.each([
    { name: 'appends to an empty log', log: [], req: { prev_log_index: 0, prev_log_term: 0, entries: entries(1, 1) }, success: true, after: [1, 1], match: 2 },
    { name: 'heartbeat on a matching log changes nothing', log: [1, 2], req: { prev_log_index: 2, prev_log_term: 2 }, success: true, after: [1, 2], match: 2 },
    { name: 'rejects when prev is beyond the end, hinting the end', log: [1], req: { prev_log_index: 3, prev_log_term: 2 }, success: false, conflict: [2, 0] },
    { name: 'rejects a prev term mismatch, hinting the first index of that term', log: [1, 2, 2, 2], req: { prev_log_index: 4, prev_log_term: 3 }, success: false, conflict: [2, 2] },
    { name: 'truncates a conflicting suffix and appends', log: [1, 2, 2], req: { prev_log_index: 1, prev_log_term: 1, entries: entries(3, 3) }, success: true, after: [1, 3, 3], match: 3 },
    { name: 'keeps entries beyond a stale (reordered) request that agrees', log: [1, 2, 2, 2], req: { prev_log_index: 1, prev_log_term: 1, entries: entries(2) }, success: true, after: [1, 2, 2, 2], match: 2 },
  ])('$name', ({ log, req, success, after, match, conflict }) => {
    const l = logOfTerms(log);
    const out = handleAppend(l, 0, ae(req));
    expect(out.reply.success).toBe(success);
    if (success) {
      expect(applied(l, out)).toEqual(after);
      expect(out.reply.match_index).toBe(match);
    } else {
      expect([out.reply.conflict_index, out.reply.conflict_term]).toEqual(conflict);
      expect(out.append).toEqual([]);
      expect(out.truncateFrom).toBeUndefined();
    }
  });

  it('commits only up to the last entry the request vouched for, and never backwards', () => {
    const l = logOfTerms([1, 1, 1, 1]);
    // The leader has committed 4, but this request only proves entries up to 2 match.
    expect(handleAppend(l, 0, ae({ prev_log_index: 2, prev_log_term: 1, leader_commit: 4 })).commitIndex).toBe(2);
    expect(handleAppend(l, 3, ae({ prev_log_index: 1, prev_log_term: 1, leader_commit: 4 })).commitIndex).toBe(3);
  });

  it('skips entries already folded into its snapshot', () => {
    const l = logOfTerms([2, 2], 5, 1); // snapshot up to 5 (term 1), then 6, 7 of term 2
    const out = handleAppend(l, 5, ae({ prev_log_index: 3, prev_log_term: 1, entries: entries(1, 1, 2, 2, 3) }));
    expect(out.reply).toMatchObject({ success: true, match_index: 8 });
    expect(applied(l, out)).toEqual([2, 2, 3]);
  });

  it('property: after a successful append the follower holds the leader\'s log up to match_index', () => {
    // Logs share a prefix; each side then has its own suffix (terms non-decreasing, leader's newer).
    const arb = fc.record({
      prefix: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 8 }).map((a) => a.sort((x, y) => x - y)),
      fol: fc.array(fc.integer({ min: 3, max: 4 }), { maxLength: 5 }).map((a) => a.sort((x, y) => x - y)),
      lead: fc.array(fc.integer({ min: 5, max: 6 }), { maxLength: 5 }).map((a) => a.sort((x, y) => x - y)),
      prev: fc.nat(20),
      n: fc.nat(6),
    });
    fc.assert(fc.property(arb, ({ prefix, fol, lead, prev, n }) => {
      const leader = logOfTerms([...prefix, ...lead]);
      const follower = logOfTerms([...prefix, ...fol]);
      const p = Math.min(prev, lastIndex(leader));
      const out = handleAppend(follower, 0, ae({ term: 6, prev_log_index: p, prev_log_term: termAt(leader, p)!, entries: leader.entries.slice(p, p + n) as Entry[] }));
      if (!out.reply.success) {
        // Only when the follower really lacks or disagrees at prev.
        expect(termAt(follower, p)).not.toBe(termAt(leader, p));
        return;
      }
      const after = applied(follower, out);
      const m = out.reply.match_index;
      expect(after.slice(0, m)).toEqual(leader.entries.slice(0, m).map((e) => e.term));
    }));
  });
});

describe('onAppendReply (leader back-off)', () => {
  const leader = logOfTerms([1, 1, 2, 2, 4, 4]);
  it('moves next past our last entry of the follower\'s conflicting term', () => {
    expect(onAppendReply(leader, { next: 7, match: 0 }, { type: 'append_entries_ok', term: 4, success: false, match_index: 0, conflict_index: 3, conflict_term: 2, seq: 1 })).toEqual({ next: 5, match: 0 });
  });
  it('jumps to the follower\'s conflict index when we have no entry of that term', () => {
    expect(onAppendReply(leader, { next: 7, match: 0 }, { type: 'append_entries_ok', term: 4, success: false, match_index: 0, conflict_index: 3, conflict_term: 3, seq: 1 })).toEqual({ next: 3, match: 0 });
  });
  it('a stale rejection never moves next at or below the known match', () => {
    expect(onAppendReply(leader, { next: 7, match: 5 }, { type: 'append_entries_ok', term: 4, success: false, match_index: 0, conflict_index: 1, conflict_term: 0, seq: 1 })).toEqual({ next: 6, match: 5 });
  });
  it('success raises match and next, never lowers them', () => {
    expect(onAppendReply(leader, { next: 7, match: 5 }, { type: 'append_entries_ok', term: 4, success: true, match_index: 3, conflict_index: 0, conflict_term: 0, seq: 1 })).toEqual({ next: 7, match: 5 });
    expect(onAppendReply(leader, { next: 4, match: 2 }, { type: 'append_entries_ok', term: 4, success: true, match_index: 6, conflict_index: 0, conflict_term: 0, seq: 1 })).toEqual({ next: 7, match: 6 });
  });
});

describe('advanceCommit (the commit rule)', () => {
  // Figure 8 (c): leader S1 of term 4 holds entries of terms 1, 2 (index 2 from term 2) and its own 4 at 3.
  const log = logOfTerms([1, 2, 4]);
  const oldTermCommit = new Set(['old-term-commit'] as const);

  it('does not commit an entry of an earlier term by counting replicas', () => {
    // Index 2 (term 2) is on 3 of 5 servers, index 3 (term 4) only on the leader.
    expect(advanceCommit(log, 4, 1, [3, 2, 2, 1, 1], NO_BUGS)).toBe(1);
  });

  it('commits the earlier entry indirectly once a current-term entry after it reaches a majority', () => {
    expect(advanceCommit(log, 4, 1, [3, 3, 3, 1, 1], NO_BUGS)).toBe(3);
  });

  it('commits the highest index a majority holds, and never moves backwards', () => {
    expect(advanceCommit(logOfTerms([4, 4, 4, 4]), 4, 0, [4, 3, 2, 1, 0], NO_BUGS)).toBe(2);
    expect(advanceCommit(logOfTerms([4, 4, 4, 4]), 4, 3, [4, 3, 2, 1, 0], NO_BUGS)).toBe(3);
    expect(advanceCommit(logOfTerms([4, 4]), 4, 0, [2, 2, 0], NO_BUGS)).toBe(2);
  });

  it('with old-term-commit, the earlier-term entry is committed by counting (the Figure 8 bug) — and only that changes', () => {
    expect(advanceCommit(log, 4, 1, [3, 2, 2, 1, 1], oldTermCommit)).toBe(2);
    expect(advanceCommit(log, 4, 1, [3, 3, 3, 1, 1], oldTermCommit)).toBe(3);
    expect(advanceCommit(log, 4, 1, [3, 1, 1, 1, 1], oldTermCommit)).toBe(1);
  });
});
