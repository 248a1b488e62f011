/**
 * Log compaction: the snapshot file (`snapshot.json`: index and term of the last entry it covers and
 * the state machine's pairs), written atomically (temp file, fsync, rename, fsync of the directory),
 * and the pure decision a follower makes on InstallSnapshot.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { writeFileAtomic } from './durable-file.js';
import { termAt, type LogView } from './log-view.js';
import type { SnapshotRequest } from './messages.js';

export interface Snapshot {
  index: number;
  term: number;
  data: [string, unknown][];
  /** The configuration as of `index` (membership.ts); absent in snapshots of nodes that never changed it. */
  members?: string[];
  /** The members' data ids as of `index` (ConfigCommand.ids). */
  ids?: Record<string, string>;
}

const FILE = 'snapshot.json';

/** Writes the snapshot durably; only after this may the log be compacted. */
export function writeSnapshot(dir: string, snap: Snapshot): void {
  writeFileAtomic(nodePath.join(dir, FILE), JSON.stringify(snap));
}

/** The snapshot in `dir`, or undefined when there is none. */
export function readSnapshot(dir: string): Snapshot | undefined {
  let text: string;
  try {
    text = fs.readFileSync(nodePath.join(dir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as Snapshot;
}

/** What a follower does with an InstallSnapshot of the current term. */
export type InstallDecision =
  /** It already holds (and committed) everything the snapshot covers. */
  | { kind: 'ignore'; matchIndex: number }
  /** Install it; keep the log suffix after it when the log holds the snapshot's last entry. */
  | { kind: 'install'; keepSuffix: boolean; matchIndex: number };

/**
 * Raft §7: a snapshot at or below the commit index adds nothing (and must not roll the state
 * machine back); otherwise it replaces the state machine, and the log is kept after its last entry
 * only when that entry is ours too (same index and term), else discarded whole.
 */
export function decideInstall(log: LogView, commitIndex: number, req: SnapshotRequest): InstallDecision {
  const idx = req.last_included_index;
  if (idx <= commitIndex) return { kind: 'ignore', matchIndex: idx };
  const keepSuffix = termAt(log, idx) === req.last_included_term;
  return { kind: 'install', keepSuffix, matchIndex: idx };
}

/** Whether to snapshot now: at least `every` entries applied since the last snapshot. */
export function shouldSnapshot(lastApplied: number, snapIndex: number, every: number): boolean {
  return every > 0 && lastApplied - snapIndex >= every;
}
