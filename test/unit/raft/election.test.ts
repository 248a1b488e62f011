/**
 * Vote rules: the up-to-date check, one vote per term, and pre-vote leaving every term alone.
 */
import { describe, expect, it } from 'vitest';
import { decideVote, electionTimeout, isQuorum, isUpToDate, type VoterState } from '../../../targets/raft/election.js';
import type { VoteRequest } from '../../../targets/raft/messages.js';

const voter = (over: Partial<VoterState> = {}): VoterState => ({ term: 3, votedFor: null, lastLogIndex: 10, lastLogTerm: 3, leaderRecent: false, ...over });
const req = (over: Partial<VoteRequest> = {}): VoteRequest => ({ type: 'request_vote', pre: false, term: 4, last_log_index: 10, last_log_term: 3, ...over });

describe('isUpToDate', () => {
  it.each([
    [3, 10, 3, 10, true], [3, 11, 3, 10, true], [3, 9, 3, 10, false],
    [4, 1, 3, 10, true], [2, 99, 3, 10, false],
  ])('candidate (term %i, index %i) vs ours (term %i, index %i): %s', (ct, ci, mt, mi, want) => {
    expect(isUpToDate(ct, ci, mt, mi)).toBe(want);
  });
});

describe('decideVote', () => {
  it('grants a vote to an up-to-date candidate of a higher term, adopting the term', () => {
    const d = decideVote(voter(), 'n1', req());
    expect(d).toMatchObject({ term: 4, votedFor: 'n1', stepDown: true, reply: { granted: true, term: 4, pre: false } });
  });

  it('refuses a candidate whose log is behind, but still adopts its higher term', () => {
    const d = decideVote(voter(), 'n1', req({ last_log_index: 9 }));
    expect(d).toMatchObject({ term: 4, votedFor: null, stepDown: true, reply: { granted: false } });
  });

  it('votes once per term: a second candidate of the same term is refused, the same one again is granted', () => {
    const s = voter({ term: 4, votedFor: 'n1' });
    expect(decideVote(s, 'n2', req()).reply.granted).toBe(false);
    expect(decideVote(s, 'n1', req()).reply.granted).toBe(true);
  });

  it('refuses a stale term and answers with its own', () => {
    expect(decideVote(voter({ term: 5 }), 'n1', req())).toMatchObject({ term: 5, stepDown: false, reply: { granted: false, term: 5 } });
  });

  it('pre-vote changes no term and no vote, granted or not', () => {
    const s = voter({ votedFor: 'n3' });
    const granted = decideVote(s, 'n1', req({ pre: true }));
    expect(granted).toMatchObject({ term: 3, votedFor: 'n3', stepDown: false, reply: { pre: true, granted: true, term: 4 } });
    const refused = decideVote(s, 'n1', req({ pre: true, term: 9, last_log_term: 2 }));
    expect(refused).toMatchObject({ term: 3, votedFor: 'n3', stepDown: false, reply: { pre: true, granted: false, term: 3 } });
  });

  it('pre-vote is refused while a leader was heard from recently, and for a term not above ours', () => {
    expect(decideVote(voter({ leaderRecent: true }), 'n1', req({ pre: true })).reply.granted).toBe(false);
    expect(decideVote(voter(), 'n1', req({ pre: true, term: 3 })).reply.granted).toBe(false);
  });
});

describe('quorum and timeouts', () => {
  it('counts majorities', () => {
    expect([isQuorum(2, 3), isQuorum(1, 3), isQuorum(3, 5), isQuorum(2, 4), isQuorum(3, 4), isQuorum(1, 1)]).toEqual([true, false, true, false, true, true]);
  });
  it('draws timeouts in [min, max)', () => {
    expect(electionTimeout(150, 300, () => 0)).toBe(150);
    expect(electionTimeout(150, 300, () => 0.999999)).toBe(299);
  });
});
