/**
 * What `raft_status` reports about the committed log, for safety observers (checkers/raft-safety.ts):
 * the committed entries after a given index as (index, term, hash of the command), so an observer
 * polling now and then can compare what different nodes committed at the same index.
 */
import { entryAt, type LogView } from './log-view.js';

/** At most this many entries per answer; an observer that lags asks again from where it got to. */
export const COMMITTED_MAX = 256;

/** FNV-1a (32 bit) of a string, as 8 hex digits: enough to tell two different commands apart. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Committed entries held in the log after `since` (those folded into a snapshot are gone and are
 * skipped), as [index, term, hash], up to COMMITTED_MAX of them.
 */
export function committedEntries(log: LogView, commitIndex: number, since: number): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (let i = Math.max(since + 1, log.snapIndex + 1); i <= commitIndex && out.length < COMMITTED_MAX; i++) {
    const e = entryAt(log, i);
    if (e === undefined) break;
    out.push([i, e.term, fnv1a(JSON.stringify(e.cmd))]);
  }
  return out;
}
