/**
 * The records of the watch checker: the writes a store acknowledged (with the revision it returned),
 * the watch segments each watcher ran (one watch stream from its start revision to its end, with the
 * batches of events and progress notifications it delivered), and the violations found.
 *
 * A watch segment is one `watch` op of the history: its invoke names the watcher, the node it is
 * pinned to, the keys (a key or a prefix) and the start revision; the batches the stream delivered
 * come from the watcher's `event` records (parse.ts), each with the time it arrived. A watcher is a chain of segments: when one ends
 * (error, disconnect, the workload's window), the next resumes from the last revision seen plus one,
 * so every resume is a segment boundary in the history.
 */

/** One change as a watch delivers it (etcd: one event of a response). */
export interface WatchEvent {
  /** The store's revision of the change (etcd: mod_revision; Consul: ModifyIndex). */
  rev: number;
  key: string;
  type: 'put' | 'delete';
  /** The value a put wrote (absent for a delete). */
  value?: string;
}

/** One response of a watch stream: events of one or more revisions, or a progress notification. */
export interface WatchBatch {
  /** Nanoseconds since the run started, when the watcher received it. */
  at: number;
  events: WatchEvent[];
  /** A progress notification (bookmark) at this revision: every event ≤ it was delivered. */
  progress?: number;
}

/** Which keys a watch covers. */
export interface KeyFilter {
  key?: string;
  prefix?: string;
}

/**
 * One record of a ZooKeeper watcher's log (targets/zookeeper/watch-client.ts). A ZooKeeper event
 * carries no zxid and no data, so what is known is: each registration's read (`arm`: the reply's
 * header zxid — the server's last applied zxid when it answered — and what it read), each firing of
 * a registration (`fire`), a notification that found no registration (`orphan`), a session expiry
 * (`expired`, losing the session's watches), an arm that got no answer (`arm-failed`), and the
 * session connecting to (a serving) server or losing it (`connected`, `disconnected`).
 */
export interface ZkRecord {
  k: 'arm' | 'fire' | 'orphan' | 'expired' | 'arm-failed' | 'connected' | 'disconnected';
  /** Arrival time, ns (history clock after parsing). */
  at: number;
  /** The session's generation (a new one after each expiry). */
  sid: number;
  /** The registration (arm, fire, arm-failed; `lost` for expired). */
  reg?: number;
  /** arm: when its read was sent. */
  sent?: number;
  /** arm: the reply's header zxid. */
  zxid?: number;
  /** arm of a data watch: whether the znode existed, its value (when read) and mzxid. */
  exists?: boolean;
  value?: string;
  mzxid?: number;
  /** arm of a child watch: the parent's pzxid (the zxid of its last child change). */
  pzxid?: number;
  /** fire/orphan: the event's type. */
  type?: string | number;
  lost?: number;
}

/** One return of a Consul blocking query (targets/consul/watch-client.ts). */
export interface ConsulReturn {
  /** Arrival and send times, ns. */
  at: number;
  sent: number;
  /** The index asked for (`?index=`) and the X-Consul-Index returned. */
  asked: number;
  index: number;
  /** The entries returned (a key absent from a prefix's return, or a 404 for a key, is absent). */
  kvs: { key: string; value: string; modifyIndex: number }[];
}

/** How a segment ended. */
export type SegmentEnd = 'window' | 'error' | 'compacted' | 'canceled';

/** One watch stream of one watcher. */
export interface WatchSegment {
  watcher: string;
  /** The store the client said it watched (`etcd`, `raft`, …): known issues are matched per store. */
  store?: string;
  node?: string;
  filter: KeyFilter;
  /** The start revision asked for; 0 = from the current revision (then `createdRev` says which). */
  start: number;
  /** The revision of the store when the watch was created (the header of the created response). */
  createdRev?: number;
  /** True when this segment resumes the watcher's previous one (start = last seen + 1). */
  resume: boolean;
  batches: WatchBatch[];
  end: SegmentEnd;
  /** A ZooKeeper watcher's records of this window; a Consul watcher's returns of this window. */
  zk?: ZkRecord[];
  consul?: ConsulReturn[];
  /** With `end: 'compacted'`: the store's compact revision (events below it are gone). */
  compactRev?: number;
  error?: string;
  /** History indices and times of the segment's invoke and completion. */
  invokeIndex: number;
  completeIndex: number;
  invokeTime: number;
  completeTime: number;
}

/** One acknowledged (or possibly applied) write: what it changed and at which revision. */
export interface WriteRecord {
  /** `ok`: happened at `rev`; `info`: may have happened; `fail`: did not happen. */
  status: 'ok' | 'info' | 'fail';
  changes: { key: string; type: 'put' | 'delete'; value?: string }[];
  rev?: number;
  /** ZooKeeper: a put that created its znode (a child change of the parent). */
  created?: boolean;
  invokeTime: number;
  /** Completion time (the acknowledgement, for `ok`). */
  completeTime: number;
  index: number;
}

/** The final state after the heal: each key's value (absent = deleted) and its mod revision. */
export interface FinalState {
  /** The store's revision when read. */
  rev: number;
  keys: Map<string, { value: string; modRev: number }>;
  /** ZooKeeper: each parent's pzxid (the zxid of its last child change). */
  pzxid?: Map<string, number>;
  node?: string;
}

/** A fault of the nemesis, in force from `start` to `end` (ns). */
export interface FaultInterval {
  fault: string;
  start: number;
  end: number;
  value?: unknown;
}

/** What the checker reads: the history's writes, watch segments, final state and faults. */
export interface WatchHistory {
  writes: WriteRecord[];
  segments: WatchSegment[];
  final?: FinalState;
  faults: FaultInterval[];
  /** Compactions the workload ran (their revisions and times). */
  compactions: { rev: number; time: number }[];
  /** The history's `event` records, and those after their watcher's last window (not judged). */
  eventRecords?: number;
  strayEvents?: number;
  /**
   * Windows whose completion counted another number of deliveries (etcd's and the Raft's `responses`,
   * Consul's `returns`, ZooKeeper's `records`) than the history holds for them: what the watchers
   * received was not all recorded, so no verdict of valid. Absent when every count agrees.
   */
  miscounted?: { windows: number; counted: number; recorded: number };
}

/** The violation classes. */
export const VIOLATION_CLASSES = [
  'gap', // a committed revision the watch covered is missing between two delivered ones
  'duplicate', // the same (revision, key) delivered twice to one watcher
  'reorder', // a revision lower than one already delivered, never delivered before
  'split-revision', // the events of one revision not delivered together (two batches, or part missing)
  'phantom-value', // an event whose value no write wrote
  'failed-write-event', // an event for a write that definitely failed
  'kv-mismatch', // an event disagreeing with the key-value history (revision or value)
  'missed-resume', // a resumed watch lost events between its start and its first delivery
  'false-bookmark', // a progress notification at r while an event ≤ r was missing or came later
  'not-converged', // after the heal, a watcher never delivered the final change of a key
  'event-before-data', // ZooKeeper: the read right after a firing did not see the write that triggered it
  'double-fire', // ZooKeeper: a registration fired twice (or a notification came with none armed)
  'event-without-write', // ZooKeeper: a registration fired with no write after its read
] as const;
export type ViolationClass = (typeof VIOLATION_CLASSES)[number];

/** One violation: which watcher, on which node, where in its stream, under which faults. */
export interface WatchViolation {
  class: ViolationClass;
  watcher: string;
  node?: string;
  /** The revisions concerned, lowest and highest. */
  revs: [number, number];
  /** History indices of the segment(s) concerned (invoke of the first, completion of the last). */
  positions: [number, number];
  /** Nanoseconds: when the violation was visible (the batch's arrival or the segment's end). */
  at: number;
  /** The faults in force at that time (by family), empty if none. */
  faults: string[];
  detail: string;
  store?: string;
  /** An upstream issue of the store's version this matches, when one does. */
  upstream?: string;
}

/** Per-watcher summary, for the report's lane. */
export interface WatcherSummary {
  watcher: string;
  node?: string;
  segments: number;
  events: number;
  bookmarks: number;
  resumes: number;
  compacted: number;
  violations: number;
}
