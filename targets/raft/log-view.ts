/**
 * The Raft log as the pure functions see it: a snapshot point (index and term of the last compacted
 * entry) followed by the entries still held. Index 0 term 0 is the empty log's sentinel.
 */
import type { Entry } from './messages.js';

export interface LogView {
  /** Index of the last entry folded into the snapshot (0: none). */
  readonly snapIndex: number;
  /** Term of that entry (0: none). */
  readonly snapTerm: number;
  /** Entries snapIndex+1, snapIndex+2, … */
  readonly entries: readonly Entry[];
}

/** Index of the last entry (the snapshot point when no entry is held). */
export function lastIndex(log: LogView): number {
  return log.snapIndex + log.entries.length;
}

/** Term of the last entry. */
export function lastTerm(log: LogView): number {
  return log.entries.length === 0 ? log.snapTerm : log.entries[log.entries.length - 1].term;
}

/** Term of the entry at `index`, or undefined when it is compacted away (below the snapshot) or beyond the end. */
export function termAt(log: LogView, index: number): number | undefined {
  if (index === log.snapIndex) return log.snapTerm;
  if (index < log.snapIndex || index > lastIndex(log)) return undefined;
  return log.entries[index - log.snapIndex - 1].term;
}

/** The entry at `index` (held entries only). */
export function entryAt(log: LogView, index: number): Entry | undefined {
  if (index <= log.snapIndex || index > lastIndex(log)) return undefined;
  return log.entries[index - log.snapIndex - 1];
}

/** Entries from `from` (inclusive, > snapIndex) up to `max` of them. */
export function entriesFrom(log: LogView, from: number, max: number): Entry[] {
  const start = from - log.snapIndex - 1;
  return log.entries.slice(start, start + max);
}

/** A log from a plain list of terms (entries 1..n), for tests and examples. */
export function logOfTerms(terms: readonly number[], snapIndex = 0, snapTerm = 0): LogView {
  return { snapIndex, snapTerm, entries: terms.map((term) => ({ term, cmd: null })) };
}
