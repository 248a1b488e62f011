/**
 * Raft's safety properties judged from the outside: an observer polls every node's status during
 * the run (the raft target asks `raft_status` every ~100 ms) and feeds each answer here. Three
 * verdicts, each of a property the Raft paper (Figure 3, Figure 2's persistent state) promises for
 * ANY correct Raft, whatever its bugs are:
 *
 * - `election-safety`: at most one leader per term. Observed: a node answering role `leader` in term
 *   T, and the terms a node says it led (`led_terms`, kept in memory by the node, so a reign shorter
 *   than one poll is still seen unless the node dies before the next poll). Misses: two leaders of
 *   one term when one of them is never polled while it still remembers (killed within ~100 ms).
 * - `commit-safety` (state-machine safety): no two nodes ever report different committed entries at
 *   the same index. Observed: each node's committed entries as (index, term, hash of the command),
 *   fetched incrementally. Misses: entries folded into a snapshot before they were polled, and two
 *   different commands with equal hashes (32-bit FNV; or equal commands, e.g. two no-ops, in the
 *   same term).
 * - `vote-safety` (durable term and vote): a node's term never goes back and, within one term, its
 *   vote never changes once cast — across crashes too, since Raft must persist both before it
 *   answers anyone. Observed: `term` and `voted_for` of consecutive answers of the same node, whose
 *   answers are ordered (one outstanding request per node). Misses: a vote cast and lost between two
 *   polls (the node was never seen holding it).
 *
 * Each is `unknown` when no node ever answered (nothing was observed), never valid by default.
 */
import type { CheckResult } from './contract.js';
import { AnomalyLog } from './common.js';

/** The fields of a `raft_status_ok` the properties need. */
export interface ObservedStatus {
  role: string;
  term: number;
  voted_for?: string | null;
  led_terms?: readonly number[];
  /** Committed entries as [index, term, hash]. */
  committed?: readonly (readonly [number, number, string])[];
  /**
   * Names the node's data directory; a different one means the node was wiped and rejoined with
   * empty data (a membership change), so its term and vote start again legitimately.
   */
  data_id?: string;
}

interface Seen {
  node: string;
  atS: number;
}

/** Collects status answers of every node and judges the three properties. */
export class RaftSafetyObserver {
  private observations = 0;
  private readonly leaders = new Map<number, Map<string, number>>();
  private readonly committed = new Map<number, { term: number; hash: string } & Seen>();
  private readonly last = new Map<string, { term: number; votedFor: string | null; atS: number; dataId?: string }>();
  private readonly twoLeaders = new AnomalyLog<{ term: number; leaders: { node: string; atS: number }[] }>();
  private readonly twoLeaderTerms = new Set<number>();
  private readonly divergentIndexes = new Set<number>();
  private readonly divergent = new AnomalyLog<{ index: number; first: { term: number; hash: string } & Seen; then: { term: number; hash: string } & Seen }>();
  private readonly lostState = new AnomalyLog<{ node: string; what: string; before: { term: number; votedFor: string | null; atS: number }; after: { term: number; votedFor: string | null; atS: number } }>();

  /** Records one answer of `node`, received `atS` seconds into the run. */
  observe(node: string, atS: number, s: ObservedStatus): void {
    this.observations++;
    this.leaderOf(s.term, node, atS, s.role === 'leader');
    for (const t of s.led_terms ?? []) this.leaderOf(t, node, atS, true);
    for (const [index, term, hash] of s.committed ?? []) {
      const first = this.committed.get(index);
      if (first === undefined) this.committed.set(index, { term, hash, node, atS });
      else if ((first.term !== term || first.hash !== hash) && !this.divergentIndexes.has(index)) {
        // Counted once per index: every later answer of every node would repeat it.
        this.divergentIndexes.add(index);
        this.divergent.add({ index, first, then: { term, hash, node, atS } });
      }
    }
    if (s.voted_for !== undefined) {
      const now = { term: s.term, votedFor: s.voted_for, atS, ...(s.data_id !== undefined ? { dataId: s.data_id } : {}) };
      const before = this.last.get(node);
      // A wiped and re-added node (new data id) is a new server: nothing of its old term and vote binds it.
      if (before !== undefined && before.dataId === now.dataId) {
        if (now.term < before.term) this.lostState.add({ node, what: `term went back from ${before.term} to ${now.term}`, before, after: now });
        else if (now.term === before.term && before.votedFor !== null && now.votedFor !== before.votedFor) {
          this.lostState.add({ node, what: `vote in term ${now.term} changed from ${before.votedFor} to ${String(now.votedFor)}`, before, after: now });
        }
      }
      // Each answer is compared with the one before it, so one loss is reported once, not at every poll.
      this.last.set(node, now);
    }
  }

  private leaderOf(term: number, node: string, atS: number, leads: boolean): void {
    if (!leads) return;
    let m = this.leaders.get(term);
    if (m === undefined) this.leaders.set(term, (m = new Map()));
    if (!m.has(node)) m.set(node, atS);
    if (m.size >= 2 && !this.twoLeaderTerms.has(term)) {
      this.twoLeaderTerms.add(term);
      this.twoLeaders.add({ term, leaders: [...m].map(([n, at]) => ({ node: n, atS: at })) });
    }
  }

  /** The three verdicts, named as the run's checkers. */
  verdicts(): Record<string, CheckResult> {
    const none = this.observations === 0;
    const verdict = (count: number): CheckResult['valid'] => (count > 0 ? false : none ? 'unknown' : true);
    const twoLeaders = this.twoLeaders.toJSON();
    const divergent = this.divergent.toJSON();
    const lost = this.lostState.toJSON();
    return {
      'election-safety': {
        valid: verdict(twoLeaders.count), observations: this.observations, termsWithLeader: this.leaders.size,
        ...(twoLeaders.count > 0 ? { reason: `${twoLeaders.count} term(s) had two leaders`, twoLeaders } : {}),
      },
      'commit-safety': {
        valid: verdict(divergent.count), observations: this.observations, committedIndexes: this.committed.size,
        ...(divergent.count > 0 ? { reason: `at ${divergent.count} index(es) two nodes reported different committed entries`, divergent } : {}),
      },
      'vote-safety': {
        valid: verdict(lost.count), observations: this.observations,
        ...(lost.count > 0 ? { reason: `${lost.count} time(s) a node lost its term or changed its vote within a term`, lost } : {}),
      },
    };
  }
}
