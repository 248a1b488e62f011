/**
 * The bodies nodes exchange (node↔node Raft RPCs) and the log's entry record. Raft messages ride the
 * Maelstrom wire as ordinary `{src, dest, body}` lines; they carry no msg_id because replies are
 * matched by term and `seq`, not by request, which keeps them idempotent under loss and reordering.
 */
import type { KvRequest } from '../../harness/ground/protocol/kv-request.js';
import type { TxnRequest } from './txn.js';

/** A membership configuration entry's command (membership.ts): the members from this entry on. */
export interface ConfigCommand {
  f: 'config';
  members: string[];
  /**
   * The data id (bootstrap.ts) of each member added by a change: a host wiped and added again is a
   * new server under an old name, and only the incarnation named here may vote as that member.
   */
  ids?: Record<string, string>;
}

/**
 * A command in the log: a lin-kv op or a transaction, a membership configuration (membership.ts), or
 * null, the leader's no-op at the start of its term.
 */
export type Command = KvRequest | TxnRequest | ConfigCommand | null;

/** One log entry; its index is implicit (position after the snapshot). */
export interface Entry {
  term: number;
  cmd: Command;
}

/** Pre-vote (`pre: true`, term = the candidate's term + 1, nobody's term changes) or a real vote. */
export interface VoteRequest {
  type: 'request_vote';
  pre: boolean;
  term: number;
  last_log_index: number;
  last_log_term: number;
}

export interface VoteReply {
  type: 'request_vote_ok';
  pre: boolean;
  /** The voter's term (for a pre-vote: the term it was asked about when granted). */
  term: number;
  granted: boolean;
  /**
   * Which incarnation voted: its data id, and whether it bootstrapped as a member. The candidate
   * counts the vote only for the server its configuration names (membership.ts isVoter): a host
   * wiped and added again is a new server under an old name, whose votes are not its former self's.
   */
  data_id?: string;
  bootstrap_member?: boolean;
}

export interface AppendRequest {
  type: 'append_entries';
  term: number;
  prev_log_index: number;
  prev_log_term: number;
  entries: Entry[];
  leader_commit: number;
  /** The leader's broadcast round; echoed so read-index can count acks of a round. */
  seq: number;
}

export interface AppendReply {
  type: 'append_entries_ok';
  term: number;
  success: boolean;
  /** On success: the last index known to match the leader's log. */
  match_index: number;
  /** On failure: where the leader should retry from (conflict back-off hint). */
  conflict_index: number;
  /** On failure: the term of the conflicting entry, or 0 when the follower's log is too short. */
  conflict_term: number;
  seq: number;
}

export interface SnapshotRequest {
  type: 'install_snapshot';
  term: number;
  last_included_index: number;
  last_included_term: number;
  /** The state machine: [key of the map, value] pairs. */
  data: [string, unknown][];
  /** The configuration as of the snapshot's last entry (absent from a node that never had a change). */
  members?: string[];
  /** Its members' data ids (ConfigCommand.ids). */
  ids?: Record<string, string>;
  seq: number;
}

export interface SnapshotReply {
  type: 'install_snapshot_ok';
  term: number;
  match_index: number;
  seq: number;
}

export type RaftMessage = VoteRequest | VoteReply | AppendRequest | AppendReply | SnapshotRequest | SnapshotReply;

export const RAFT_TYPES: ReadonlySet<string> = new Set(['request_vote', 'request_vote_ok', 'append_entries', 'append_entries_ok', 'install_snapshot', 'install_snapshot_ok']);
