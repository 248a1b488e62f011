/**
 * The result of checking one store's watchers, and the function that records a violation (counted
 * always, kept in full up to a cap, with the faults in force at its time). Shared by the per-store
 * rule sets (etcd.ts, zookeeper.ts, consul.ts) and merged by index.ts.
 */
import { faultsAt } from './faults.js';
import type { StreamCheck } from './etcd.js';
import type { FaultInterval, WatchSegment, WatchViolation } from './types.js';

export type Report = (v: Omit<WatchViolation, 'faults'>) => void;

export function emptyCheck(): StreamCheck {
  return { violations: [], counts: {}, watchers: [], eventsChecked: 0, bookmarksChecked: 0, lagsNs: [], convergence: { checked: [], unchecked: [] }, compactedSegments: 0 };
}

export function reporter(out: StreamCheck, faults: readonly FaultInterval[], maxViolations = 50): Report {
  return (v) => {
    out.counts[v.class] = (out.counts[v.class] ?? 0) + 1;
    if (out.violations.length < maxViolations) out.violations.push({ ...v, faults: faultsAt(faults, v.at) });
  };
}

/** When the faults were all healed: the end of the last fault interval (0 if none). */
export function healedAt(faults: readonly FaultInterval[]): number {
  return faults.reduce((m, f) => Math.max(m, f.end), 0);
}

/** Violations counted so far (all classes). */
export function countAll(out: StreamCheck): number {
  let n = 0;
  for (const c of Object.values(out.counts)) n += c ?? 0;
  return n;
}

/** Each watcher's segments in invocation order: a store's rules walk one watcher's stream at a time. */
export function segmentsByWatcher(segments: readonly WatchSegment[]): Map<string, WatchSegment[]> {
  const byWatcher = new Map<string, WatchSegment[]>();
  for (const s of [...segments].sort((a, b) => a.invokeIndex - b.invokeIndex)) {
    const l = byWatcher.get(s.watcher);
    if (l) l.push(s); else byWatcher.set(s.watcher, [s]);
  }
  return byWatcher;
}
