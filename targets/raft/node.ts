/**
 * One Raft node: the wiring of storage, elections, replication, the state machine and the client
 * layer around a single-threaded event loop.
 *
 * Durability rule (group commit): no message leaves the node before the state it reflects is on
 * disk. Handlers only queue messages in an outbox; one flush per turn of the event loop fsyncs the
 * log and term/vote once, then counts the leader's own (now durable) entries, then writes the whole
 * outbox to stdout. So a vote, an AppendEntries acknowledgement and a leader's own replica are
 * durable before anyone can rely on them.
 */
import { randomUUID } from 'node:crypto';
import nodePath from 'node:path';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { Bugs } from './bugs.js';
import { ClientRequests } from './client-requests.js';
import { decideVote, electionTimeout } from './election.js';
import { LeaderState } from './leader.js';
import { LogStore } from './log-store.js';
import { entryAt, lastTerm, termAt } from './log-view.js';
import { RAFT_TYPES, type AppendReply, type AppendRequest, type Command, type RaftMessage, type SnapshotReply, type SnapshotRequest, type VoteReply, type VoteRequest } from './messages.js';
import { advanceCommit, handleAppend } from './replication.js';
import { WatchLog, appliedChanges } from './watch-log.js';
import { decideInstall, readSnapshot, shouldSnapshot, writeSnapshot, type Snapshot } from './snapshot.js';
import { KvStateMachine } from './state-machine.js';
import { committedEntries } from './status.js';
import { additionReady, advanceCatchUp, configOf, decideChange, isVoter, majorityOf, startCatchUp, type Config } from './membership.js';
import { readBootstrap, writeBootstrap } from './bootstrap.js';
import type { RaftTuning } from './tuning.js';

/** A node's configuration: its tuning (tuning.ts, where each knob's default lives) and its place. */
export interface RaftConfig extends RaftTuning {
  dataDir: string;
  bugs: Bugs;
  /** Where outgoing lines go (stdout), many per call. */
  write(text: string): void;
  /** Diagnostics (stderr). */
  log(line: string): void;
}

export type Role = 'follower' | 'candidate' | 'leader';

/** What `raft_status` answers: the node's own view, read locally (no consensus). */
export interface RaftStatus {
  role: Role;
  term: number;
  leader: string | null;
  commit_index: number;
  last_applied: number;
  log_length: number;
  snapshot_index: number;
  voted_for: string | null;
  last_log_term: number;
  /** Term of the entry at commit_index (null when it was compacted away, which cannot happen here). */
  commit_term: number | null;
  /** The last terms this process became leader in, oldest first. */
  led_terms: number[];
  /** The id of this data directory (bootstrap.ts): new after a wipe. */
  data_id: string;
  /** The configuration in force here (the latest in the log, committed or not): membership.ts. */
  members: string[];
  /** Index of the entry it came from (0: the bootstrap configuration). */
  config_index: number;
  /** That entry is committed as far as this node knows. */
  config_committed: boolean;
  /** A leader only: ms since each member last answered (an operator's "is it dead?"). */
  peer_contact_ms?: Record<string, number>;
}

const LED_TERMS_KEPT = 16;

export class RaftNode {
  id = '';
  /** The configuration in force (membership.ts); peers are its members besides this node. */
  members: string[] = [];
  configIndex = 0;
  private peers: string[] = [];
  /** What lies below the log: the snapshot's configuration, else the bootstrap one. */
  private baseConfig: Config = { members: [], index: 0 };
  /** The configuration in force, whole (with the members' data ids). */
  private config: Config = { members: [], index: 0 };
  /** This node bootstrapped as a member (it was never wiped and re-added). */
  private bootstrapMember = false;
  /** Names this data directory: a node whose data was wiped reports a new one (the safety observer starts it afresh). */
  private dataId = '';
  role: Role = 'follower';
  leaderId: string | null = null;
  store!: LogStore;
  sm = new KvStateMachine();
  /** Applied changes by log index, for watches (watch-log.ts). */
  watches!: WatchLog;
  commitIndex = 0;
  lastApplied = 0;
  private snapshot: Snapshot | undefined;
  private leader: LeaderState | undefined;
  private clients!: ClientRequests;
  private outbox: string[] = [];
  private flushQueued = false;
  private needsBroadcast = false;
  /** The leader's own durable match index: its last index as of the last fsync. */
  private selfMatch = 0;
  private electionTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastLeaderContact = -Infinity;
  /** The term this node is gathering (pre-)votes for, and who granted them. */
  private campaign: { pre: boolean; term: number; votes: Set<string> } | undefined;
  /** The last terms this process led (volatile), so an observer polling now and then still sees a short reign. */
  private ledTerms: number[] = [];

  constructor(readonly cfg: RaftConfig) {}

  get initialized(): boolean {
    return this.id !== '';
  }

  /** Handles Maelstrom's init: opens DIR/<node_id>/, recovers, starts the election timer. */
  init(nodeId: string, nodeIds: readonly string[]): void {
    if (this.initialized) return;
    this.id = nodeId;
    const dir = nodePath.join(this.cfg.dataDir, nodeId);
    this.snapshot = readSnapshot(dir);
    this.store = new LogStore(dir, this.cfg.bugs, this.snapshot ?? { index: 0, term: 0 });
    // Written once, at the first init: a node named in node_ids starts as a member of that
    // configuration; any other (a spare, a member re-added with wiped data) starts with none and
    // waits for a leader to send it the configuration that adds it.
    let bootstrap = readBootstrap(dir);
    if (bootstrap === undefined) {
      bootstrap = { members: nodeIds.includes(nodeId) ? [...nodeIds].sort() : [], dataId: randomUUID() };
      writeBootstrap(dir, bootstrap);
    }
    this.dataId = bootstrap.dataId;
    this.bootstrapMember = bootstrap.members.includes(nodeId);
    this.baseConfig = this.snapshot?.members
      ? { members: this.snapshot.members, index: this.snapshot.index, ...(this.snapshot.ids ? { ids: this.snapshot.ids } : {}) }
      : { members: bootstrap.members, index: 0 };
    this.refreshConfig();
    if (this.snapshot) this.sm = KvStateMachine.fromData(this.snapshot.data);
    this.commitIndex = this.lastApplied = this.store.snapIndex;
    this.watches = new WatchLog(this.cfg.bugs);
    this.watches.reset(this.store.snapIndex);
    const c = this.cfg;
    this.clients = new ClientRequests(this.api(), { forwardMs: 3_000, leaderWaitMs: 1_000, requestMs: 4_000 });
    this.sweepTimer = setInterval(() => this.turn(() => this.clients.sweep()), 250);
    this.cfg.log(`${nodeId}: recovered term ${this.store.term}, vote ${this.store.votedFor}, snapshot ${this.store.snapIndex}, last index ${this.store.lastIndex}; election timeout ${c.electionMinMs}-${c.electionMaxMs} ms, bugs [${[...c.bugs].join(', ')}]`);
    this.resetElectionTimer();
  }

  /** Handles one incoming message. */
  handle(src: string, body: MaelstromBody): void {
    if (RAFT_TYPES.has(body.type)) return this.onRaft(src, body as unknown as RaftMessage);
    if (body.type === 'raft_status') {
      const since = typeof body.committed_since === 'number' ? body.committed_since : undefined;
      return this.send(src, { type: 'raft_status_ok', in_reply_to: body.msg_id, ...this.status(), ...(since === undefined ? {} : { committed: committedEntries(this.store, this.commitIndex, since) }) });
    }
    if (body.type === 'raft_member') return this.onMemberRequest(src, body);
    if (body.in_reply_to !== undefined && this.clients.onForwardReply(src, body)) return;
    if (body.type === 'read' || body.type === 'write' || body.type === 'cas' || body.type === 'txn') return this.clients.onRequest(src, body);
    if (body.in_reply_to !== undefined) return; // a late answer to a forward that timed out
    this.send(src, { type: 'error', in_reply_to: body.msg_id, code: 10, text: `the raft node does not support "${body.type}"; it answers read, write, cas, txn and raft_status` });
  }

  /** The status the harness and tests read (answered locally, no consensus). */
  status(): RaftStatus {
    const s = this.store;
    return {
      role: this.role, term: s.term, leader: this.leaderId, commit_index: this.commitIndex, last_applied: this.lastApplied,
      log_length: s.lastIndex, snapshot_index: s.snapIndex, voted_for: s.votedFor, last_log_term: lastTerm(s),
      commit_term: termAt(s, this.commitIndex) ?? null, led_terms: [...this.ledTerms],
      data_id: this.dataId, members: [...this.members], config_index: this.configIndex, config_committed: this.configIndex <= this.commitIndex,
      ...(this.leader ? { peer_contact_ms: Object.fromEntries([...this.leader.lastAck].map(([p, t]) => [p, Math.round(performance.now() - t)])) } : {}),
    };
  }

  /**
   * Recomputes the configuration after the log changed (append, truncation, snapshot): it takes
   * effect at once, committed or not. A leader starts or stops replicating to the members it gained
   * or lost, and stops counting itself once a change removed it.
   */
  private refreshConfig(): void {
    const c = configOf(this.store, this.baseConfig);
    const changed = c.index !== this.configIndex || c.members.join(',') !== this.members.join(',');
    this.members = c.members;
    this.config = c;
    this.configIndex = c.index;
    this.peers = c.members.filter((m) => m !== this.id);
    if (!changed) return;
    this.cfg.log(`${this.id}: configuration [${c.members.join(', ')}] from entry ${c.index}${this.members.includes(this.id) ? '' : ' (not a member)'}`);
    if (this.leader) {
      this.leader.setPeers(this.peers, this.store.lastIndex + 1, performance.now());
      this.leader.selfVotes = this.members.includes(this.id);
      this.needsBroadcast = true;
    }
  }

  /** This node may vote and stand as a member of the configuration in force (membership.ts isVoter). */
  private voter(): boolean {
    return isVoter(this.config, this.id, this.dataId, this.bootstrapMember);
  }

  /** A one-server change asked by the controller (`raft_member {op, node}`): accepted when appended, not when committed. */
  private onMemberRequest(src: string, body: MaelstromBody): void {
    const op = body.op;
    const node = body.node;
    if ((op !== 'add' && op !== 'remove') || typeof node !== 'string') {
      return this.send(src, { type: 'error', in_reply_to: body.msg_id, code: 12, text: 'raft_member needs op "add" or "remove" and a node name' });
    }
    if (this.role !== 'leader' || !this.leader) {
      return this.send(src, { type: 'error', in_reply_to: body.msg_id, code: 11, text: `not the leader; the leader is ${this.leaderId ?? 'unknown'}`, leader: this.leaderId });
    }
    const d = decideChange({
      members: this.members, configIndex: this.configIndex, commitIndex: this.commitIndex,
      termCommitted: this.commitIndex >= this.leader.termStart, bugs: this.cfg.bugs,
    }, op, node);
    const ids = { ...this.config.ids };
    if (op === 'add') {
      if (typeof body.data_id !== 'string' || body.data_id === '') return this.send(src, { type: 'error', in_reply_to: body.msg_id, code: 12, text: 'raft_member add needs the new member\'s data_id (its raft_status answers it)' });
      ids[node] = body.data_id;
    } else delete ids[node];
    if (d.kind === 'refuse') return this.send(src, { type: 'error', in_reply_to: body.msg_id, code: d.retry ? 11 : 12, text: d.reason });
    if (d.kind === 'noop') return this.send(src, { type: 'raft_member_ok', in_reply_to: body.msg_id, members: d.members, index: this.configIndex, applied: false });
    if (op === 'add') {
      // §4.2.1: a new server is caught up as a learner first; the controller retries until it is.
      const l = this.leader;
      const now = performance.now();
      const ready = additionReady(l.learners.get(node), body.data_id as string);
      const fresh = now - (l.lastAck.get(node) ?? -Infinity) < this.cfg.electionMinMs;
      if (!ready.ready || !fresh) {
        if (!ready.ready && ready.start) {
          l.addLearner(node, startCatchUp(body.data_id as string, this.store.lastIndex, now), this.store.lastIndex + 1, now);
          this.cfg.log(`${this.id}: catching ${node} up as a learner before adding it (entries up to ${this.store.lastIndex})`);
          this.needsBroadcast = true;
        }
        return this.send(src, { type: 'error', in_reply_to: body.msg_id, code: 11, text: ready.ready ? `${node} has not answered within an election timeout; not adding it` : ready.reason });
      }
    }
    if (this.cfg.bugs.has('two-changes') && this.configIndex > this.commitIndex) this.cfg.log(`${this.id}: two-changes: ${op} ${node} appended while entry ${this.configIndex} is uncommitted`);
    this.store.append([{ term: this.store.term, cmd: { f: 'config', members: d.members, ids } }]);
    this.refreshConfig();
    this.needsBroadcast = true;
    this.send(src, { type: 'raft_member_ok', in_reply_to: body.msg_id, members: d.members, index: this.store.lastIndex, applied: true });
  }

  /** Queues a message; it leaves with the next flush. */
  send(dest: string, body: MaelstromBody | RaftMessage): void {
    this.outbox.push(JSON.stringify({ src: this.id, dest, body }));
    this.schedule();
  }

  /** Runs `fn` as one turn: whatever it changed is flushed (fsync, then messages) right after. */
  turn(fn: () => void): void {
    fn();
    this.schedule();
  }

  /** Stops timers and closes files (stdin closed). */
  close(): void {
    for (const t of [this.electionTimer, this.heartbeatTimer, this.sweepTimer]) if (t) clearTimeout(t);
    if (this.initialized) {
      this.flush();
      this.store.close();
    }
  }

  private schedule(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    if (!this.initialized) return this.writeOut();
    if (this.needsBroadcast && this.leader) this.broadcast();
    this.store.sync();
    if (this.leader) {
      this.selfMatch = this.store.lastIndex;
      this.advance();
    }
    this.clients.pump();
    if (this.needsBroadcast && this.leader) {
      // Reads that were just assigned a round: send it now, behind the same fsync.
      this.broadcast();
      this.store.sync();
    }
    this.writeOut();
  }

  private writeOut(): void {
    if (this.outbox.length === 0) return;
    const text = this.outbox.join('\n') + '\n';
    this.outbox = [];
    this.cfg.write(text);
  }

  // ---- terms and roles ----

  private becomeFollower(term: number, leaderId: string | null): void {
    // BUG `sticky-leader`: a deposed leader does not step down. On a higher term it takes the term and
    // goes on leading in it (beside whoever was elected there); told of another leader of its term,
    // it ignores it. Only check-quorum, which the bug also turns off (onHeartbeat), would depose it.
    if (this.role === 'leader' && this.cfg.bugs.has('sticky-leader') && (term > this.store.term || leaderId !== null)) {
      if (term > this.store.term) {
        this.store.setTermVote(term, null);
        this.leadNewTerm();
      }
      return;
    }
    if (term > this.store.term) this.store.setTermVote(term, null);
    const wasLeader = this.role === 'leader';
    this.role = 'follower';
    this.campaign = undefined;
    if (wasLeader) {
      clearInterval(this.heartbeatTimer);
      this.leader = undefined;
      this.clients.onStepDown();
      this.cfg.log(`${this.id}: stepped down in term ${this.store.term}`);
    }
    this.setLeader(leaderId);
    this.resetElectionTimer();
  }

  private setLeader(leaderId: string | null): void {
    if (leaderId === this.leaderId) return;
    if (leaderId !== null) this.watches.onLeaderChange();
    this.leaderId = leaderId;
    if (leaderId !== null) this.clients.onLeaderKnown();
  }

  private resetElectionTimer(): void {
    clearTimeout(this.electionTimer);
    this.electionTimer = setTimeout(() => this.turn(() => this.onElectionTimeout()), electionTimeout(this.cfg.electionMinMs, this.cfg.electionMaxMs));
  }

  private onElectionTimeout(): void {
    if (this.role === 'leader') return;
    // No word from a leader: it is gone as far as this node knows; requests must not queue behind it.
    if (this.leaderId !== null) this.clients.onLeaderLost(this.leaderId);
    this.leaderId = null;
    this.campaignFor(true);
  }

  /** Starts a pre-vote (term+1 asked about, nothing changes) or a real election (term bumped, own vote). */
  private campaignFor(pre: boolean): void {
    // A node outside its own configuration (a spare, or removed) never stands: it would only disrupt.
    if (!this.voter()) return this.resetElectionTimer();
    const term = this.store.term + 1;
    if (!pre) {
      this.store.setTermVote(term, this.id);
      this.role = 'candidate';
      this.setLeader(null);
    }
    this.campaign = { pre, term, votes: new Set([this.id]) };
    const req: VoteRequest = { type: 'request_vote', pre, term, last_log_index: this.store.lastIndex, last_log_term: lastTerm(this.store) };
    for (const p of this.peers) this.send(p, req);
    this.resetElectionTimer();
    this.tally();
  }

  private tally(): void {
    const c = this.campaign;
    if (!c || !majorityOf(this.members, c.votes)) return;
    if (c.pre) this.campaignFor(false);
    else this.becomeLeader();
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.campaign = undefined;
    this.ledTerms = [...this.ledTerms, this.store.term].slice(-LED_TERMS_KEPT);
    clearTimeout(this.electionTimer);
    const termStart = this.store.lastIndex + 1;
    // BUG `old-term-commit` comes without the no-op: its own-term no-op would reach a majority with (or one round trip
    // after) the older entries it counts, all but hiding the bug, as in the implementations that have it.
    const noop = this.cfg.noop && !this.cfg.bugs.has('old-term-commit');
    if (noop) this.store.append([{ term: this.store.term, cmd: null }]);
    const lt = { maxBatch: this.cfg.maxBatch, leaseMs: Math.floor(this.cfg.electionMinMs * 0.8) };
    this.leader = new LeaderState(this.store.term, this.peers, termStart, performance.now(), lt);
    this.leader.selfVotes = this.members.includes(this.id);
    // Counted only once the next flush has made the log durable.
    this.selfMatch = 0;
    this.cfg.log(`${this.id}: leader of term ${this.store.term} (${noop ? `no-op at ${termStart}` : `no no-op; first entry of the term at ${termStart}`})`);
    this.setLeader(this.id);
    this.needsBroadcast = true;
    this.heartbeatTimer = setInterval(() => this.turn(() => this.onHeartbeat()), this.cfg.heartbeatMs);
  }

  /** BUG `sticky-leader`: leads the term it just took, without an election (see becomeFollower). */
  private leadNewTerm(): void {
    this.ledTerms = [...this.ledTerms, this.store.term].slice(-LED_TERMS_KEPT);
    const lt = { maxBatch: this.cfg.maxBatch, leaseMs: Math.floor(this.cfg.electionMinMs * 0.8) };
    this.leader = new LeaderState(this.store.term, this.peers, this.store.lastIndex + 1, performance.now(), lt);
    this.leader.selfVotes = this.members.includes(this.id);
    this.selfMatch = 0;
    this.cfg.log(`${this.id}: BUG sticky-leader: took term ${this.store.term} and goes on leading in it`);
    this.setLeader(this.id);
    this.needsBroadcast = true;
  }

  private onHeartbeat(): void {
    const l = this.leader;
    if (!l) return;
    // Check-quorum: a leader cut off from a majority stops taking requests it could never commit.
    // BUG `sticky-leader`: no check-quorum, so a cut-off leader keeps acting as leader.
    if (!this.cfg.bugs.has('sticky-leader') && !l.hasQuorumContact(performance.now(), 2 * this.cfg.electionMaxMs)) return this.becomeFollower(this.store.term, null);
    this.needsBroadcast = true;
  }

  private broadcast(): void {
    const l = this.leader!;
    this.needsBroadcast = false;
    l.nextRound();
    for (const p of l.recipients()) this.send(p, l.messageFor(p, this.store, this.commitIndex, this.snapshot));
  }

  // ---- Raft messages ----

  private onRaft(src: string, m: RaftMessage): void {
    if (m.type === 'request_vote') return this.onVoteRequest(src, m);
    if (m.type === 'request_vote_ok') return this.onVoteReply(src, m);
    if (m.term > this.store.term) this.becomeFollower(m.term, null);
    switch (m.type) {
      case 'append_entries': return this.onAppend(src, m);
      case 'install_snapshot': return this.onInstallSnapshot(src, m);
      case 'append_entries_ok': return this.onAppendReply(src, m);
      case 'install_snapshot_ok': return this.onSnapshotReply(src, m);
    }
  }

  private onVoteRequest(src: string, m: VoteRequest): void {
    const s = this.store;
    // Votes are given without consulting this node's own configuration (dissertation §4.2.3): one
    // whose latest entry removes it, or that has not yet received the entry adding it, may be the
    // vote a legitimate candidate needs (refusing left a correct cluster with no leader after the
    // heal). What keeps a host wiped and re-added under its old name from voting as its former self
    // (a correct run once found two leaders' entries at one index that way) is the reply's identity:
    // the candidate counts it only for the incarnation its configuration names (onVoteReply).
    const leaderRecent = this.role === 'leader' || (this.leaderId !== null && performance.now() - this.lastLeaderContact < this.cfg.electionMinMs);
    const d = decideVote({ term: s.term, votedFor: s.votedFor, lastLogIndex: s.lastIndex, lastLogTerm: lastTerm(s), leaderRecent }, src, m);
    if (d.stepDown) this.becomeFollower(d.term, null);
    s.setTermVote(d.term, d.votedFor);
    // Granting a real vote defers our own candidacy; a pre-vote grant commits to nothing.
    if (d.reply.granted && !m.pre) this.resetElectionTimer();
    this.send(src, { ...d.reply, data_id: this.dataId, bootstrap_member: this.bootstrapMember } satisfies VoteReply);
  }

  private onVoteReply(src: string, m: VoteReply): void {
    if (m.pre && !m.granted && m.term > this.store.term) return this.becomeFollower(m.term, null);
    if (!m.pre && m.term > this.store.term) return this.becomeFollower(m.term, null);
    const c = this.campaign;
    if (!c || c.pre !== m.pre || m.term !== c.term || !m.granted) return;
    if (!m.pre && this.role !== 'candidate') return;
    // Only the server this configuration names counts (see onVoteRequest).
    if (!isVoter(this.config, src, m.data_id ?? '', m.bootstrap_member === true)) return;
    c.votes.add(src);
    this.tally();
  }

  private onAppend(src: string, m: AppendRequest): void {
    if (m.term < this.store.term) {
      return this.send(src, { type: 'append_entries_ok', term: this.store.term, success: false, match_index: 0, conflict_index: 0, conflict_term: 0, seq: m.seq } satisfies AppendReply);
    }
    this.heardFromLeader(src);
    const out = handleAppend(this.store, this.commitIndex, m);
    if (out.truncateFrom !== undefined) {
      if (out.truncateFrom <= this.commitIndex) this.cfg.log(`${this.id}: SAFETY VIOLATION: truncating committed entries from ${out.truncateFrom} (commit ${this.commitIndex})`);
      this.store.truncateFrom(out.truncateFrom);
    }
    this.store.append(out.append);
    if (out.truncateFrom !== undefined || out.append.length > 0) this.refreshConfig();
    this.commitIndex = out.commitIndex;
    this.apply();
    this.send(src, out.reply);
  }

  private onInstallSnapshot(src: string, m: SnapshotRequest): void {
    if (m.term < this.store.term) return this.send(src, { type: 'install_snapshot_ok', term: this.store.term, match_index: 0, seq: m.seq } satisfies SnapshotReply);
    this.heardFromLeader(src);
    const d = decideInstall(this.store, this.commitIndex, m);
    if (d.kind === 'install') {
      const snap: Snapshot = { index: m.last_included_index, term: m.last_included_term, data: m.data, ...(m.members ? { members: m.members } : {}), ...(m.ids ? { ids: m.ids } : {}) };
      writeSnapshot(this.store.dir, snap);
      this.store.compactTo(snap.index, snap.term, d.keepSuffix);
      this.snapshot = snap;
      if (snap.members) this.baseConfig = { members: snap.members, index: snap.index, ...(snap.ids ? { ids: snap.ids } : {}) };
      this.refreshConfig();
      this.sm = KvStateMachine.fromData(snap.data);
      this.commitIndex = this.lastApplied = snap.index;
      this.watches.reset(snap.index);
      this.clients.onSnapshotInstalled(snap.index);
      this.cfg.log(`${this.id}: installed snapshot at ${snap.index} from ${src} (log suffix ${d.keepSuffix ? 'kept' : 'discarded'})`);
    }
    this.send(src, { type: 'install_snapshot_ok', term: this.store.term, match_index: d.matchIndex, seq: m.seq } satisfies SnapshotReply);
  }

  private heardFromLeader(src: string): void {
    if (this.role !== 'follower') this.becomeFollower(this.store.term, src);
    this.campaign = undefined;
    this.lastLeaderContact = performance.now();
    this.setLeader(src);
    this.resetElectionTimer();
  }

  private onAppendReply(src: string, m: AppendReply): void {
    const l = this.leader;
    // A member removed since the request went out is no longer tracked (membership.ts).
    if (!l || m.term !== l.term || !l.progress.has(src)) return;
    l.onReply(src, m.seq, performance.now());
    l.onAppendReply(src, this.store, m);
    this.catchUp(src);
    this.advance();
    this.clients.pump();
    const p = l.progress.get(src)!;
    // Keep a lagging follower streaming (or probing back) without waiting for the next heartbeat.
    if (!m.success || p.next <= this.store.lastIndex) this.send(src, l.messageFor(src, this.store, this.commitIndex, this.snapshot));
  }

  private onSnapshotReply(src: string, m: SnapshotReply): void {
    const l = this.leader;
    if (!l || m.term !== l.term || !l.progress.has(src)) return;
    l.onReply(src, m.seq, performance.now());
    l.onSnapshotReply(src, m.match_index);
    this.catchUp(src);
    this.advance();
    this.clients.pump();
  }

  /** A learner answered: its catch-up round may have ended (membership.ts advanceCatchUp). */
  private catchUp(src: string): void {
    const l = this.leader!;
    const c = l.learners.get(src);
    if (c === undefined) return;
    const next = advanceCatchUp(c, l.progress.get(src)!.match, this.store.lastIndex, performance.now(), this.cfg.electionMinMs);
    if (next === c) return;
    l.learners.set(src, next);
    if (next.ready) this.cfg.log(`${this.id}: learner ${src} caught up (round ${next.round} ended at ${next.roundEnd})`);
    else if (next.gaveUp) this.cfg.log(`${this.id}: learner ${src} did not catch up in ${next.round} rounds`);
  }

  // ---- commit, apply, compaction ----

  private advance(): void {
    const l = this.leader;
    if (!l) return;
    const c = advanceCommit(this.store, this.store.term, this.commitIndex, l.matches(this.selfMatch), this.cfg.bugs);
    if (c > this.commitIndex) {
      // Where the bug acted, say so: the node log then shows how often a run gave it the chance.
      const t = termAt(this.store, c);
      if (t !== this.store.term) this.cfg.log(`${this.id}: old-term-commit: committed ${this.commitIndex + 1}-${c} of term ${t} by counting, in term ${this.store.term}`);
      this.commitIndex = c;
      this.apply();
    }
    // §4.2.2: a leader the committed configuration leaves out steps down (it managed the change to the end).
    if (this.role === 'leader' && !this.members.includes(this.id) && this.configIndex <= this.commitIndex) {
      this.cfg.log(`${this.id}: removed from the configuration (entry ${this.configIndex} committed); stepping down`);
      this.becomeFollower(this.store.term, null);
    }
  }

  private apply(): void {
    while (this.lastApplied < this.commitIndex) {
      const i = this.lastApplied + 1;
      const e = entryAt(this.store, i);
      if (e === undefined) break;
      const result = this.sm.apply(e.cmd);
      this.lastApplied = i;
      this.watches.onApplied(i, appliedChanges(e.cmd, result, (k) => this.sm.get(k)));
      this.clients.onApplied(i, e.term, result);
    }
    if (shouldSnapshot(this.lastApplied, this.store.snapIndex, this.cfg.snapshotEvery)) this.takeSnapshot();
  }

  private takeSnapshot(): void {
    const index = this.lastApplied;
    const members = configOf(this.store, this.baseConfig, index);
    const snap: Snapshot = { index, term: termAt(this.store, index)!, data: this.sm.toData(), members: members.members, ...(members.ids ? { ids: members.ids } : {}) };
    writeSnapshot(this.store.dir, snap);
    this.store.compactTo(index, snap.term, true);
    this.snapshot = snap;
    this.baseConfig = members;
  }

  private api(): ConstructorParameters<typeof ClientRequests>[0] {
    const self = this;
    return {
      get id() { return self.id; },
      bugs: this.cfg.bugs,
      isLeader: () => this.role === 'leader',
      leader: () => this.leaderId,
      term: () => this.store.term,
      commitIndex: () => this.commitIndex,
      lastApplied: () => this.lastApplied,
      stateMachine: () => this.sm,
      termCommitted: () => this.leader !== undefined && this.commitIndex >= this.leader.termStart,
      propose: (cmd: Command) => {
        this.store.append([{ term: this.store.term, cmd }]);
        this.needsBroadcast = true;
        this.schedule();
        return this.store.lastIndex;
      },
      requestRound: () => {
        this.needsBroadcast = true;
        this.schedule();
        return this.leader!.seq + 1;
      },
      roundConfirmed: (seq: number) => this.leader !== undefined && this.leader.roundConfirmed(seq),
      leaseLooksValid: () => {
        const l = this.leader;
        // BUG `lease-read` (its clock): Date.now() moves with clock skew; a correct lease would use a monotonic clock.
        return l !== undefined && Date.now() < l.leaseUntilWall && this.commitIndex >= l.termStart && this.lastApplied === this.commitIndex;
      },
      send: (dest: string, body: MaelstromBody) => this.send(dest, body),
    };
  }
}
