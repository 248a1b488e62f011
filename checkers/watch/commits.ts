/**
 * The store's committed sequence of changes, rebuilt from what the history shows: the revisions the
 * store returned for acknowledged writes, and every event any watcher delivered (a change nobody
 * acknowledged — an indeterminate write — is known from the watchers that saw it). A revision nobody
 * acknowledged and no watcher saw cannot be known, so it is never asked of a watcher.
 */
import type { KeyFilter, WatchHistory, WriteRecord } from './types.js';

export interface Change {
  key: string;
  type: 'put' | 'delete';
  value?: string;
  /** Where it is known from: an acknowledged write, or a watcher's event. */
  source: 'ack' | 'event';
  /** The acknowledged write, for `ack` changes. */
  write?: WriteRecord;
}

export interface Commits {
  /** Changes by revision (revisions are small dense integers: an array, not a map). */
  byRev: RevTable;
  /** Every known revision, ascending. */
  revs: number[];
  /** The write of each put value (values are unique in the workload); built on first use. */
  readonly byValue: Map<string, WriteRecord>;
  /** Known revisions with a change under `filter`, ascending (cached per filter). */
  revsFor(filter: KeyFilter): number[];
}

/** Changes by revision in an array (holes for unknown revisions); `get` as a Map's. */
export class RevTable {
  private readonly rows: (Change[] | undefined)[] = [];
  get(rev: number): Change[] | undefined {
    return rev >= 0 && rev < this.rows.length && Number.isInteger(rev) ? this.rows[rev] : undefined;
  }
  set(rev: number, changes: Change[]): void {
    if (!Number.isInteger(rev) || rev < 0 || rev > 2 ** 31) throw new Error(`revision ${rev} is not a non-negative integer`);
    while (this.rows.length <= rev) this.rows.push(undefined);
    this.rows[rev] = changes;
  }
  /** Known revisions, ascending. */
  revs(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.rows.length; r++) if (this.rows[r] !== undefined) out.push(r);
    return out;
  }
}

export function matches(filter: KeyFilter, key: string): boolean {
  return filter.key !== undefined ? key === filter.key : key.startsWith(filter.prefix ?? '');
}

export function buildCommits(h: WatchHistory): Commits {
  const byRev = new RevTable();
  // Only a delivery that disagrees with its revision's acknowledged write needs the value index: lazy.
  let byValue: Map<string, WriteRecord> | undefined;
  const valueIndex = (): Map<string, WriteRecord> => {
    if (byValue) return byValue;
    byValue = new Map();
    for (const w of h.writes) for (const c of w.changes) if (c.type === 'put' && c.value !== undefined) byValue.set(c.value, w);
    return byValue;
  };
  for (const w of h.writes) {
    if (w.status !== 'ok' || w.rev === undefined) continue;
    const row: Change[] = [];
    for (const c of w.changes) row.push({ key: c.key, type: c.type, value: c.value, source: 'ack', write: w });
    byRev.set(w.rev, row);
  }
  for (const s of h.segments) {
    for (const b of s.batches) {
      for (const e of b.events) {
        const list = byRev.get(e.rev);
        if (list === undefined) { byRev.set(e.rev, [{ key: e.key, type: e.type, value: e.value, source: 'event' }]); continue; }
        // Only events add to what acks did not say; a disagreement is judged per watcher.
        let found = false;
        for (const c of list) if (c.key === e.key) { found = true; break; }
        if (!found && list[0].source === 'event') list.push({ key: e.key, type: e.type, value: e.value, source: 'event' });
      }
    }
  }
  const revs = byRev.revs();
  const cache = new Map<string, number[]>();
  return {
    byRev, revs,
    get byValue() { return valueIndex(); },
    revsFor(filter) {
      const id = filter.key !== undefined ? `k:${filter.key}` : `p:${filter.prefix ?? ''}`;
      let out = cache.get(id);
      if (!out) {
        out = revs.filter((r) => byRev.get(r)!.some((c) => matches(filter, c.key)));
        cache.set(id, out);
      }
      return out;
    },
  };
}

/** The first index of `arr` (ascending) whose element is ≥ `x`. */
export function lowerBound(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}
