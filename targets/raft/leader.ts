/**
 * A leader's volatile state for one term: each follower's progress, the broadcast rounds and who
 * acknowledged them (read-index confirmation and check-quorum), and the wall-clock lease the
 * `lease-read` bug trusts. Building the messages lives here too; sending is the node's job.
 */
import { isQuorum } from './election.js';
import { entriesFrom, termAt, type LogView } from './log-view.js';
import type { AppendRequest, SnapshotRequest } from './messages.js';
import { onAppendReply, type Progress } from './replication.js';
import type { Snapshot } from './snapshot.js';
import type { CatchUp } from './membership.js';

export interface LeaderTiming {
  /** Entries per AppendEntries. */
  maxBatch: number;
  /** Lease length for the `lease-read` bug (shorter than the minimum election timeout). */
  leaseMs: number;
}

export class LeaderState {
  readonly progress = new Map<string, Progress>();
  /** Highest round each follower acknowledged in this term. */
  private readonly acked = new Map<string, number>();
  /** When (monotonic) each follower last answered in this term. */
  readonly lastAck = new Map<string, number>();
  /** The current broadcast round; every AppendEntries carries it. */
  seq = 0;
  /** Wall-clock send time of recent rounds, for the lease (bug). */
  private readonly roundWall = new Map<number, number>();
  /** BUG `lease-read`: reads are served locally while Date.now() < this. */
  leaseUntilWall = 0;
  /**
   * Index of this term's first entry: its no-op, or (without one) the first command it appends. Once
   * it commits, the leader's commit index is current (everything earlier is committed with it).
   */
  readonly termStart: number;

  /** `termStart` is the index right after the log as it was on election: the first entry every follower is sent. */
  /** The members besides this leader, in the configuration in force (membership.ts). */
  peers: readonly string[] = [];
  /** This leader is itself a member: it counts in its own majorities (false once a change removed it). */
  selfVotes = true;
  /**
   * Servers being caught up before the change that adds them (membership.ts CatchUp): sent entries
   * like members (their progress lives in `progress`), never counted in a majority.
   */
  readonly learners = new Map<string, CatchUp>();

  constructor(readonly term: number, peers: readonly string[], termStart: number, now: number, private readonly timing: LeaderTiming) {
    this.termStart = termStart;
    this.setPeers(peers, termStart, now);
  }

  /**
   * The configuration changed (a change appended or truncated away): a new member's progress starts
   * at `next` (probing back from there), a removed one's is dropped, so it is no longer sent entries
   * nor counted.
   */
  setPeers(peers: readonly string[], next: number, now: number): void {
    for (const p of peers) {
      // A learner that became a member keeps the progress it made while catching up.
      this.learners.delete(p);
      if (this.progress.has(p)) continue;
      this.progress.set(p, { next, match: 0 });
      this.acked.set(p, 0);
      // A fresh leader (or a new member) gets a full window before check-quorum may depose it.
      this.lastAck.set(p, now);
    }
    const keep = new Set(peers);
    for (const p of [...this.progress.keys()]) {
      if (keep.has(p) || this.learners.has(p)) continue;
      this.drop(p);
    }
    this.peers = [...peers];
  }

  /** Starts (or restarts, for a new incarnation) catching `peer` up as a learner; entries go to it from `next` on. */
  addLearner(peer: string, c: CatchUp, next: number, now: number): void {
    if (!this.learners.has(peer) || this.learners.get(peer)!.dataId !== c.dataId) {
      // A host wiped since is a new server: what the old one held says nothing of it.
      this.progress.set(peer, { next, match: 0 });
      this.acked.set(peer, 0);
      this.lastAck.set(peer, now);
    }
    this.learners.set(peer, c);
  }

  /** Stops tracking a server that is neither a member nor a learner. */
  private drop(p: string): void {
    this.progress.delete(p);
    this.acked.delete(p);
    this.lastAck.delete(p);
  }

  /** Everyone sent entries: the members besides this leader, and the learners. */
  recipients(): string[] {
    return [...this.peers, ...[...this.learners.keys()].filter((p) => !this.peers.includes(p))];
  }

  /** Starts a new round; its sends carry the returned seq. */
  nextRound(): number {
    this.seq++;
    this.roundWall.set(this.seq, Date.now());
    if (this.roundWall.size > 64) this.roundWall.delete(this.seq - 64);
    return this.seq;
  }

  /** What to send `peer` now: entries from its next index, or the snapshot when those are compacted. */
  messageFor(peer: string, log: LogView, commitIndex: number, snapshot: Snapshot | undefined): AppendRequest | SnapshotRequest {
    const p = this.progress.get(peer)!;
    if (p.next <= log.snapIndex && snapshot !== undefined) {
      // Optimistically assume it arrives; a rejection of a later AppendEntries brings next back down.
      p.next = snapshot.index + 1;
      return { type: 'install_snapshot', term: this.term, last_included_index: snapshot.index, last_included_term: snapshot.term, data: snapshot.data, ...(snapshot.members ? { members: snapshot.members } : {}), ...(snapshot.ids ? { ids: snapshot.ids } : {}), seq: this.seq };
    }
    const prev = Math.max(p.next - 1, log.snapIndex);
    const entries = entriesFrom(log, prev + 1, this.timing.maxBatch);
    // Pipelining: the next send continues after these entries instead of repeating them.
    p.next = prev + 1 + entries.length;
    return { type: 'append_entries', term: this.term, prev_log_index: prev, prev_log_term: termAt(log, prev)!, entries, leader_commit: commitIndex, seq: this.seq };
  }

  /** Records a reply of this term from `peer`. */
  onReply(peer: string, seq: number, now: number): void {
    this.lastAck.set(peer, now);
    const before = this.quorumRound();
    if (seq > (this.acked.get(peer) ?? 0)) this.acked.set(peer, seq);
    const after = this.quorumRound();
    if (after > before) {
      const wall = this.roundWall.get(after);
      if (wall !== undefined) this.leaseUntilWall = Math.max(this.leaseUntilWall, wall + this.timing.leaseMs);
    }
  }

  /** Updates `peer`'s progress from an AppendEntries reply. */
  onAppendReply(peer: string, log: LogView, reply: Parameters<typeof onAppendReply>[2]): void {
    this.progress.set(peer, onAppendReply(log, this.progress.get(peer)!, reply));
  }

  /** Records a follower's InstallSnapshot acknowledgement. */
  onSnapshotReply(peer: string, matchIndex: number): void {
    const p = this.progress.get(peer)!;
    const match = Math.max(p.match, matchIndex);
    this.progress.set(peer, { match, next: Math.max(p.next, match + 1) });
  }

  /** The highest round a quorum (this leader included) has acknowledged. */
  quorumRound(): number {
    const rounds = [...(this.selfVotes ? [this.seq] : []), ...this.peers.map((p) => this.acked.get(p) ?? 0)].sort((a, b) => b - a);
    if (rounds.length === 0) return 0;
    return rounds[Math.floor(rounds.length / 2)];
  }

  /** A quorum acknowledged round `seq` or later. */
  roundConfirmed(seq: number): boolean {
    return this.quorumRound() >= seq;
  }

  /** Every member's match index, this leader's own (durable) one first. */
  matches(selfMatch: number): number[] {
    return [...(this.selfVotes ? [selfMatch] : []), ...this.peers.map((p) => this.progress.get(p)?.match ?? 0)];
  }

  /** Check-quorum: a majority answered within `windowMs`, else this leader should step down. */
  hasQuorumContact(now: number, windowMs: number): boolean {
    let n = this.selfVotes ? 1 : 0;
    for (const p of this.peers) if (now - (this.lastAck.get(p) ?? -Infinity) <= windowMs) n++;
    return isQuorum(n, this.peers.length + (this.selfVotes ? 1 : 0));
  }
}
