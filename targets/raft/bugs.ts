/**
 * Bug switches of the bundled Raft: each reproduces one real class of consensus bug, so Faultline's
 * faults and checkers can be measured against a known-broken system. Each switch is checked at the
 * one place its bug lives (search for `bugs.has('<name>')`); with no switch the Raft is correct.
 */

/** Every switch, with the bug it plants (shown by `--help` and in errors). */
export const BUGS = {
  'stale-read': 'reads are served from local state at once, on any node, without a quorum round',
  'no-fsync': 'log and term/vote go through a write-back buffer flushed every ~2 s, never fsynced, acknowledged before flushing',
  'early-ack': 'the leader acknowledges write/cas as soon as it appends them locally, before they commit',
  'lease-read': 'the leader serves reads while a lease measured with the wall clock (Date.now()) looks valid',
  'forget-vote': 'votedFor is not persisted, so a restarted node may vote twice in one term',
  'old-term-commit': 'the leader commits entries of earlier terms by counting replicas (Figure 8 of the Raft paper), and appends no no-op on taking office (which would all but hide it)',
  'watch-snapshot-gap': 'a watch from a revision a snapshot covered (a node that caught up from a snapshot) silently skips the snapshot\'s changes instead of answering compacted',
  'watch-redeliver': 'for 3 s after a leader change, a watch answers from 3 events before the revision asked for: a resumed watcher gets them again',
  'sticky-leader': 'a deposed leader does not step down: on a higher term it takes the term and goes on leading in it, it ignores another leader of its term, and it has no check-quorum (a cut-off leader keeps leading)',
  'txn-local-reads': 'a transaction\'s reads are answered by the node the client reached, from its own applied state (a follower\'s may lag), while its writes go through the log: isolation is broken',
} as const;

export type BugName = keyof typeof BUGS;

/** The active switches of one node. */
export type Bugs = ReadonlySet<BugName>;

/** No bug: the correct Raft. */
export const NO_BUGS: Bugs = new Set<BugName>();

/** True when `name` is a known switch. */
export function isBugName(name: string): name is BugName {
  return Object.prototype.hasOwnProperty.call(BUGS, name);
}

/** The switches named, or a sentence naming the unknown one and the known ones. */
export function parseBugs(names: readonly string[]): Bugs | string {
  const out = new Set<BugName>();
  for (const n of names) {
    if (!isBugName(n)) return `unknown bug switch "${n}"; the switches are ${Object.keys(BUGS).join(', ')}`;
    out.add(n);
  }
  return out;
}
