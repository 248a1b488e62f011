/**
 * Log replication as pure functions: the follower's AppendEntries (consistency check, conflict
 * resolution, commit), the leader's handling of replies (conflict back-off by term), and the
 * leader's commit rule.
 */
import type { Bugs } from './bugs.js';
import { lastIndex, termAt, type LogView } from './log-view.js';
import type { AppendReply, AppendRequest, Entry } from './messages.js';

/** What a follower must do for one AppendEntries: truncate, append, then commit, then reply. */
export interface AppendOutcome {
  reply: AppendReply;
  /** Drop entries from this index on (a conflicting suffix) before appending; undefined: keep all. */
  truncateFrom: number | undefined;
  /** Entries to append after the (possibly truncated) end of the log. */
  append: Entry[];
  /** The commit index afterwards (never lower than before). */
  commitIndex: number;
}

/**
 * A follower's answer to AppendEntries of the current term (the caller has already adopted a higher
 * term and rejects lower ones). Entries already held with the same term are kept — a delayed,
 * reordered request must never cut off entries a newer one added.
 */
export function handleAppend(log: LogView, commitIndex: number, req: AppendRequest): AppendOutcome {
  const fail = (conflictIndex: number, conflictTerm: number): AppendOutcome => ({
    reply: { type: 'append_entries_ok', term: req.term, success: false, match_index: 0, conflict_index: conflictIndex, conflict_term: conflictTerm, seq: req.seq },
    truncateFrom: undefined, append: [], commitIndex,
  });
  let prev = req.prev_log_index;
  let entries = req.entries;
  // Entries at or below our snapshot are committed and equal to the leader's: skip them.
  if (prev < log.snapIndex) {
    const skip = Math.min(entries.length, log.snapIndex - prev);
    entries = entries.slice(skip);
    prev += skip;
    if (prev < log.snapIndex) return ok(req, commitIndex, prev, undefined, []);
  }
  const last = lastIndex(log);
  if (prev > last) return fail(last + 1, 0);
  const have = termAt(log, prev)!;
  if (have !== req.prev_log_term && prev === req.prev_log_index) {
    // Back off a whole term at a time: the first index we hold of the conflicting term.
    let first = prev;
    while (first - 1 > log.snapIndex && termAt(log, first - 1) === have) first--;
    return fail(first, have);
  }
  let truncateFrom: number | undefined;
  let k = 0;
  for (; k < entries.length; k++) {
    const idx = prev + 1 + k;
    if (idx > last) break;
    if (termAt(log, idx) !== entries[k].term) {
      truncateFrom = idx;
      break;
    }
  }
  return ok(req, commitIndex, prev + entries.length, truncateFrom, entries.slice(k));
}

function ok(req: AppendRequest, commitIndex: number, matchIndex: number, truncateFrom: number | undefined, append: Entry[]): AppendOutcome {
  // Commit only up to the last entry this request vouched for: beyond it our log may still differ.
  const commit = Math.max(commitIndex, Math.min(req.leader_commit, matchIndex));
  return {
    reply: { type: 'append_entries_ok', term: req.term, success: true, match_index: matchIndex, conflict_index: 0, conflict_term: 0, seq: req.seq },
    truncateFrom, append, commitIndex: commit,
  };
}

/** The leader's view of one follower. */
export interface Progress {
  /** Next index to send. */
  next: number;
  /** Highest index known replicated. */
  match: number;
}

/** Updates a follower's progress from an AppendEntries reply of the leader's current term. */
export function onAppendReply(log: LogView, p: Progress, reply: AppendReply): Progress {
  if (reply.success) {
    const match = Math.max(p.match, reply.match_index);
    return { match, next: Math.max(p.next, match + 1) };
  }
  let next = reply.conflict_index;
  if (reply.conflict_term > 0) {
    // If we hold entries of that term, resend from just after our last one of it.
    for (let i = lastIndex(log); i > log.snapIndex; i--) {
      const t = termAt(log, i)!;
      if (t === reply.conflict_term) {
        next = i + 1;
        break;
      }
      if (t < reply.conflict_term) break;
    }
  }
  // A stale rejection must not move next below what is known to match.
  return { match: p.match, next: Math.max(p.match + 1, Math.min(next, lastIndex(log) + 1), 1) };
}

/**
 * The leader's commit index given every member's match index (its own included). Raft §5.4.2: only
 * an entry of the current term is committed by counting replicas; earlier ones commit with it.
 * The `old-term-commit` switch drops that condition (the Figure 8 bug).
 */
export function advanceCommit(log: LogView, currentTerm: number, commitIndex: number, matches: readonly number[], bugs: Bugs): number {
  if (matches.length === 0) return commitIndex;
  const sorted = [...matches].sort((a, b) => b - a);
  // The highest index held by a majority.
  const n = sorted[Math.floor(matches.length / 2)];
  if (n <= commitIndex) return commitIndex;
  const t = termAt(log, n);
  if (t === currentTerm || (bugs.has('old-term-commit') && t !== undefined)) return n;
  return commitIndex;
}
