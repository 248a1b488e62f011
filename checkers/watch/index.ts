/**
 * The watch checker: each watcher's stream of change notifications checked against the history of
 * writes, by the properties its store promises — etcd.ts for revision-ordered stores (etcd and the
 * bundled Raft's watch), zookeeper.ts for ZooKeeper's one-shot watches, consul.ts for Consul's
 * blocking queries; each segment names its store. Valid iff no violation; `unknown` when no watch
 * delivered anything to check.
 */
import type { Op } from '../../harness/ground/history/op.js';
import type { CheckResult, Checker } from '../contract.js';
import { checkConsul } from './consul.js';
import { checkStreams, type StreamCheck, type StreamCheckOptions } from './etcd.js';
import { checkZooKeeper } from './zookeeper.js';
import { matchKnownIssues } from './known-issues.js';
import { parseWatchHistory } from './parse.js';
import type { WatchHistory } from './types.js';

export interface WatchCheckerOptions extends StreamCheckOptions {
  /** etcd's version, to match etcd watchers' violations to known upstream issues (e.g. `3.4.23`). */
  version?: string;
}

/** Percentile `p` (0..1) of `xs` (sorted in place), or undefined for none. */
export function percentile(xs: Float64Array, p: number): number | undefined {
  if (xs.length === 0) return undefined;
  return xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
}

/** Checks a parsed watch history (the benchmark times this apart from parsing). */
export function checkWatchHistory(h: WatchHistory, opts: WatchCheckerOptions = {}): CheckResult {
  const zkSegs = h.segments.filter((s) => s.store === 'zookeeper');
  const consulSegs = h.segments.filter((s) => s.store === 'consul');
  const revSegs = zkSegs.length + consulSegs.length === 0 ? h.segments : h.segments.filter((s) => s.store !== 'zookeeper' && s.store !== 'consul');
  const parts: StreamCheck[] = [];
  const extra: Record<string, unknown> = {};
  if (revSegs.length > 0 || (zkSegs.length === 0 && consulSegs.length === 0)) parts.push(checkStreams(revSegs === h.segments ? h : { ...h, segments: revSegs }, opts));
  if (zkSegs.length > 0) { const z = checkZooKeeper(h, zkSegs, opts); parts.push(z); extra.zookeeper = z.zk; }
  if (consulSegs.length > 0) { const c = checkConsul(h, consulSegs, opts); parts.push(c); extra.consul = c.consul; }
  const r = mergeChecks(parts, opts.maxViolations ?? 50);
  matchKnownIssues(r.violations, h, opts.version);
  const violations = Object.values(r.counts).reduce((a, b) => a + (b ?? 0), 0);
  const lags = Float64Array.from(r.lagsNs).sort(); // a typed array sorts numbers natively
  const ms = (ns: number | undefined): number | undefined => (ns === undefined ? undefined : Math.round(ns / 1e4) / 100);
  const m = h.miscounted;
  // Deliveries a client received that the history does not hold were judged by nobody: not valid.
  const reason = r.eventsChecked + r.bookmarksChecked === 0 ? 'no watch delivered an event or a progress notification'
    : m ? `${m.windows} watch window(s) counted ${m.counted} deliveries and the history holds ${m.recorded} of theirs: what the watchers received was not all recorded, so not all of it was checked`
      : undefined;
  return {
    valid: violations > 0 ? false : reason !== undefined ? 'unknown' : true,
    ...(violations === 0 && reason !== undefined ? { reason } : {}),
    ...(m ? { miscounted: m } : {}),
    eventsChecked: r.eventsChecked,
    bookmarksChecked: r.bookmarksChecked,
    writes: h.writes.length,
    segments: h.segments.length,
    // The history's event records (deliveries recorded as they came), and those after their
    // watcher's last window, which nothing judged; absent for an older run's history.
    ...(h.eventRecords !== undefined && h.eventRecords > 0 ? { eventRecords: h.eventRecords, strayEvents: h.strayEvents ?? 0 } : {}),
    compactions: h.compactions.length,
    compactedSegments: r.compactedSegments,
    counts: r.counts,
    violations: r.violations,
    unmatched: r.violations.filter((v) => v.upstream === undefined).length,
    watchers: r.watchers,
    convergence: r.convergence,
    lagMs: { p50: ms(percentile(lags, 0.5)), p99: ms(percentile(lags, 0.99)), max: ms(lags[lags.length - 1]), samples: lags.length },
    ...extra,
  };
}

/** One result of several stores' checks (a history has one store's watchers; tests may mix them). */
function mergeChecks(parts: StreamCheck[], maxViolations: number): StreamCheck {
  if (parts.length === 1) return parts[0];
  const out: StreamCheck = { violations: [], counts: {}, watchers: [], eventsChecked: 0, bookmarksChecked: 0, lagsNs: [], convergence: { checked: [], unchecked: [] }, compactedSegments: 0 };
  for (const p of parts) {
    for (const [k, n] of Object.entries(p.counts)) out.counts[k as keyof StreamCheck['counts']] = (out.counts[k as keyof StreamCheck['counts']] ?? 0) + (n ?? 0);
    out.violations.push(...p.violations.slice(0, Math.max(0, maxViolations - out.violations.length)));
    out.watchers.push(...p.watchers);
    out.eventsChecked += p.eventsChecked;
    out.bookmarksChecked += p.bookmarksChecked;
    for (const l of p.lagsNs) out.lagsNs.push(l);
    out.convergence.checked.push(...p.convergence.checked);
    out.convergence.unchecked.push(...p.convergence.unchecked);
    out.compactedSegments += p.compactedSegments;
  }
  return out;
}

export function watchChecker(opts: WatchCheckerOptions = {}): Checker {
  return { name: 'watch', readsEvents: true, check: (history: readonly Op[]) => checkWatchHistory(parseWatchHistory(history), opts) };
}

export { parseWatchHistory } from './parse.js';
export { checkStreams } from './etcd.js';
export { checkZooKeeper } from './zookeeper.js';
export { checkConsul } from './consul.js';
export type * from './types.js';
