/**
 * Elections as pure functions: the up-to-date rule, who grants a (pre-)vote, and counting a quorum.
 *
 * Pre-vote (Raft thesis §9.6): before bumping its term a would-be candidate asks whether it *could*
 * win at term+1. Nobody's term or vote changes on a pre-vote, and a voter that heard from a live
 * leader within the minimum election timeout refuses, so a node that was partitioned away cannot
 * depose a healthy leader when it comes back.
 */
import type { VoteReply, VoteRequest } from './messages.js';

/** §5.4.1: the candidate's log is at least as up-to-date as ours (last term first, then length). */
export function isUpToDate(candLastTerm: number, candLastIndex: number, myLastTerm: number, myLastIndex: number): boolean {
  return candLastTerm !== myLastTerm ? candLastTerm > myLastTerm : candLastIndex >= myLastIndex;
}

/** What a voter knows when a vote request arrives. */
export interface VoterState {
  term: number;
  votedFor: string | null;
  lastLogIndex: number;
  lastLogTerm: number;
  /** This node leads, or heard from a leader of its term within the minimum election timeout. */
  leaderRecent: boolean;
}

export interface VoteDecision {
  /** The voter's term and vote afterwards (unchanged by a pre-vote). */
  term: number;
  votedFor: string | null;
  /** The voter must step down to follower (it saw a higher term in a real vote). */
  stepDown: boolean;
  reply: VoteReply;
}

/** Decides a vote request from `candidate`; pure: the caller persists term/vote before replying. */
export function decideVote(s: VoterState, candidate: string, req: VoteRequest): VoteDecision {
  const upToDate = isUpToDate(req.last_log_term, req.last_log_index, s.lastLogTerm, s.lastLogIndex);
  if (req.pre) {
    const granted = req.term > s.term && upToDate && !s.leaderRecent;
    return { term: s.term, votedFor: s.votedFor, stepDown: false, reply: { type: 'request_vote_ok', pre: true, term: granted ? req.term : s.term, granted } };
  }
  let { term, votedFor } = s;
  let stepDown = false;
  if (req.term > term) {
    term = req.term;
    votedFor = null;
    stepDown = true;
  }
  const granted = req.term === term && (votedFor === null || votedFor === candidate) && upToDate;
  if (granted) votedFor = candidate;
  return { term, votedFor, stepDown, reply: { type: 'request_vote_ok', pre: false, term, granted } };
}

/** True when `count` votes (the candidate's own included) are a majority of `clusterSize`. */
export function isQuorum(count: number, clusterSize: number): boolean {
  return count * 2 > clusterSize;
}

/** A random election timeout in [minMs, maxMs), so that split votes resolve. */
export function electionTimeout(minMs: number, maxMs: number, random: () => number = Math.random): number {
  return minMs + Math.floor(random() * (maxMs - minMs));
}
