/**
 * lin-kv toward clients: proposals waiting for their entry to apply, linearizable reads through a
 * read-index round, forwarding to the leader and relaying its answer.
 *
 * The error contract: a definite code (11) only when the op certainly was not and will never be
 * applied — this node never proposed it (not leader, no leader known, or the leader it was
 * forwarded to said so), or a different entry committed at its index. Anything else that ends
 * without an answer is code 0 (indeterminate). Reads change nothing, so any error is safe for them.
 */
import { randomInt } from 'node:crypto';
import { parseKvRequest, errorBody, type KvRequest } from '../../harness/ground/protocol/kv-request.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { Bugs } from './bugs.js';
import type { KvStateMachine } from './state-machine.js';

/** What the client layer needs from the Raft node. */
export interface RaftApi {
  readonly id: string;
  readonly bugs: Bugs;
  isLeader(): boolean;
  /** The leader this node knows of (itself when leading), or null. */
  leader(): string | null;
  term(): number;
  commitIndex(): number;
  lastApplied(): number;
  stateMachine(): KvStateMachine;
  /** The leader has committed an entry of its own term (its no-op, or a first command), so its commit index is current. */
  termCommitted(): boolean;
  /** Appends a command to the leader's log; returns its index. */
  propose(cmd: KvRequest): number;
  /** Asks for a heartbeat round; returns the round whose quorum of acks confirms leadership from now on. */
  requestRound(): number;
  /** A quorum acknowledged round `seq` (or a later one) in the current term. */
  roundConfirmed(seq: number): boolean;
  /** BUG `lease-read`: the wall-clock lease looks valid. */
  leaseLooksValid(): boolean;
  send(dest: string, body: MaelstromBody): void;
}

export interface ClientTimeouts {
  /** How long a forwarded request waits for the leader's answer. */
  forwardMs: number;
  /** How long a request waits for a leader to be known before 11. */
  leaderWaitMs: number;
  /** How long a proposal or read waits on the leader before it is answered indeterminate (0) / failed. */
  requestMs: number;
}

interface Origin {
  dest: string;
  msgId: number | undefined;
  at: number;
}

export class ClientRequests {
  private readonly proposals = new Map<number, Origin & { term: number; answered: boolean }>();
  private reads: (Origin & { key: unknown; readIndex: number | null; round: number })[] = [];
  private readonly forwards = new Map<number, Origin & { timer: NodeJS.Timeout; to: string }>();
  private waiting: (Origin & { body: MaelstromBody })[] = [];
  /**
   * Forward ids start at random: a restarted node must not take a late answer to a forward of its
   * previous incarnation for the answer to a new one (and relay it to the wrong client).
   */
  private nextForwardId = randomInt(1, 2 ** 40);

  constructor(private readonly raft: RaftApi, private readonly t: ClientTimeouts, private readonly now: () => number = () => performance.now()) {}

  /** A read/write/cas from a client, or forwarded by another node (`fwd: true`). */
  onRequest(src: string, body: MaelstromBody, arrived = this.now()): void {
    const origin: Origin = { dest: src, msgId: body.msg_id, at: arrived };
    const parsed = parseKvRequest('raft', body);
    if (!isKvRequest(parsed)) return this.reply(origin, parsed);
    const r = this.raft;
    // BUG `stale-read`: answer from whatever this node has applied, with no quorum round.
    if (parsed.f === 'read' && r.bugs.has('stale-read')) return this.reply(origin, r.stateMachine().read(parsed.key));
    if (r.isLeader()) {
      if (parsed.f === 'read') {
        // BUG `lease-read`: trust a lease timed by the wall clock instead of a read-index round.
        if (r.bugs.has('lease-read') && r.leaseLooksValid()) return this.reply(origin, r.stateMachine().read(parsed.key));
        this.reads.push({ ...origin, key: parsed.key, readIndex: null, round: 0 });
        return this.pump();
      }
      const index = r.propose(parsed);
      const p = { ...origin, term: r.term(), answered: false };
      const old = this.proposals.get(index);
      // An older proposal of ours at this index was cut from our log; it may still commit elsewhere.
      if (old && !old.answered) this.reply(old, errorBody(0, `the outcome is unknown: entry ${index} of term ${old.term} was replaced in this node's log`));
      this.proposals.set(index, p);
      // BUG `early-ack`: acknowledge at append, before the entry is replicated, let alone committed.
      if (r.bugs.has('early-ack')) {
        p.answered = true;
        this.reply(origin, r.stateMachine().preview(parsed));
      }
      return;
    }
    if (body.fwd === true) return this.reply(origin, errorBody(11, `${r.id} is not the leader (term ${r.term()}); the request was not proposed`));
    const leader = r.leader();
    if (leader !== null) return this.forward(leader, origin, body);
    this.waiting.push({ ...origin, body });
  }

  /** A node's answer to a forwarded request; false when it answers nothing of ours. */
  onForwardReply(src: string, body: MaelstromBody): boolean {
    const id = body.in_reply_to;
    const f = typeof id === 'number' ? this.forwards.get(id) : undefined;
    if (f === undefined || f.to !== src) return false;
    this.forwards.delete(id as number);
    clearTimeout(f.timer);
    const { in_reply_to: _, msg_id: __, ...rest } = body;
    this.reply(f, rest as MaelstromBody);
    return true;
  }

  /** Entry `index` of `term` was applied with result `result`. */
  onApplied(index: number, term: number, result: MaelstromBody | undefined): void {
    const p = this.proposals.get(index);
    if (p === undefined) return;
    this.proposals.delete(index);
    if (p.answered) return;
    if (p.term !== term) {
      // Another entry committed at this index: ours can never commit (it was proposed only there).
      return this.reply(p, errorBody(11, `leadership was lost and another entry committed at index ${index}; the request was not applied`));
    }
    if (result !== undefined) this.reply(p, result);
  }

  /** A snapshot from the leader covered `index`: proposals up to it may or may not be in it. */
  onSnapshotInstalled(index: number): void {
    for (const [i, p] of this.proposals) {
      if (i > index) continue;
      this.proposals.delete(i);
      if (!p.answered) this.reply(p, errorBody(0, 'the outcome is unknown: a snapshot replaced the entry before this node applied it'));
    }
  }

  /** The node learned of a leader (or became one): requests that waited for one go ahead. */
  onLeaderKnown(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const x of w) this.onRequest(x.dest, { ...x.body, msg_id: x.msgId } as MaelstromBody, x.at);
  }

  /**
   * The leader `leader` went silent for an election timeout: requests forwarded to it are answered
   * indeterminate now (it may have applied them before dying), so clients need not wait them out.
   */
  onLeaderLost(leader: string): void {
    for (const [id, f] of this.forwards) {
      if (f.to !== leader) continue;
      this.forwards.delete(id);
      clearTimeout(f.timer);
      this.reply(f, errorBody(0, `the outcome is unknown: the leader ${leader} it was forwarded to went silent`));
    }
  }

  /** The node stopped leading: reads in progress fail (they changed nothing); proposals stay until applied. */
  onStepDown(): void {
    for (const r of this.reads) this.reply(r, errorBody(11, `${this.raft.id} lost leadership before the read was confirmed`));
    this.reads = [];
  }

  /** Serves reads whose round is confirmed and whose read index is applied. */
  pump(): void {
    const r = this.raft;
    if (!r.isLeader() || this.reads.length === 0) return;
    const left: typeof this.reads = [];
    for (const x of this.reads) {
      if (x.readIndex === null) {
        // A new leader's commit index is only current once an entry of its own term commits.
        if (!r.termCommitted()) {
          left.push(x);
          continue;
        }
        x.readIndex = r.commitIndex();
        x.round = r.requestRound();
      }
      if (r.roundConfirmed(x.round) && r.lastApplied() >= x.readIndex) this.reply(x, r.stateMachine().read(x.key));
      else left.push(x);
    }
    this.reads = left;
  }

  /** Answers what waited too long; call periodically. */
  sweep(): void {
    const now = this.now();
    for (const [i, p] of this.proposals) {
      if (now - p.at < this.t.requestMs) continue;
      this.proposals.delete(i);
      if (!p.answered) this.reply(p, errorBody(0, `the outcome is unknown: entry ${i} was not committed within ${this.t.requestMs} ms`));
    }
    const reads = this.reads.filter((x) => now - x.at >= this.t.requestMs);
    if (reads.length > 0) {
      this.reads = this.reads.filter((x) => now - x.at < this.t.requestMs);
      for (const x of reads) this.reply(x, errorBody(11, `the read was not confirmed by a quorum within ${this.t.requestMs} ms`));
    }
    const stale = this.waiting.filter((x) => now - x.at >= this.t.leaderWaitMs);
    if (stale.length > 0) {
      this.waiting = this.waiting.filter((x) => now - x.at < this.t.leaderWaitMs);
      for (const x of stale) this.reply(x, errorBody(11, `${this.raft.id} knows no leader (term ${this.raft.term()}); the request was not proposed`));
    }
  }

  /** Requests in flight, for status and tests. */
  get pending(): { proposals: number; reads: number; forwards: number; waiting: number } {
    return { proposals: this.proposals.size, reads: this.reads.length, forwards: this.forwards.size, waiting: this.waiting.length };
  }

  private forward(leader: string, origin: Origin, body: MaelstromBody): void {
    const id = this.nextForwardId++;
    const timer = setTimeout(() => {
      if (!this.forwards.delete(id)) return;
      this.reply(origin, errorBody(0, `the outcome is unknown: forwarded to the leader ${leader}, which did not answer within ${this.t.forwardMs} ms`));
    }, this.t.forwardMs);
    this.forwards.set(id, { ...origin, timer, to: leader });
    this.raft.send(leader, { ...body, msg_id: id, fwd: true });
  }

  private reply(o: Origin, body: MaelstromBody): void {
    this.raft.send(o.dest, { ...body, in_reply_to: o.msgId });
  }
}

/** parseKvRequest gives a request, or an error body (which has a `type`). */
function isKvRequest(x: KvRequest | MaelstromBody): x is KvRequest {
  return !('type' in x);
}
