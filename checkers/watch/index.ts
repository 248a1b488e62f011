/**
 * The watch checker: each watcher's stream of change notifications checked against the history of
 * writes, by the properties its store promises (etcd.ts for revision-ordered stores: etcd and the
 * bundled Raft's watch). Valid iff no violation; `unknown` when no watch delivered anything to check.
 */
import type { Op } from '../../harness/ground/history/op.js';
import type { CheckResult, Checker } from '../contract.js';
import { checkStreams, type StreamCheckOptions } from './etcd.js';
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
  const r = checkStreams(h, opts);
  matchKnownIssues(r.violations, h, opts.version);
  const violations = Object.values(r.counts).reduce((a, b) => a + (b ?? 0), 0);
  const lags = Float64Array.from(r.lagsNs).sort(); // a typed array sorts numbers natively
  const ms = (ns: number | undefined): number | undefined => (ns === undefined ? undefined : Math.round(ns / 1e4) / 100);
  return {
    valid: violations > 0 ? false : r.eventsChecked + r.bookmarksChecked === 0 ? 'unknown' : true,
    ...(r.eventsChecked + r.bookmarksChecked === 0 && violations === 0 ? { reason: 'no watch delivered an event or a progress notification' } : {}),
    eventsChecked: r.eventsChecked,
    bookmarksChecked: r.bookmarksChecked,
    writes: h.writes.length,
    segments: h.segments.length,
    compactions: h.compactions.length,
    compactedSegments: r.compactedSegments,
    counts: r.counts,
    violations: r.violations,
    unmatched: r.violations.filter((v) => v.upstream === undefined).length,
    watchers: r.watchers,
    convergence: r.convergence,
    lagMs: { p50: ms(percentile(lags, 0.5)), p99: ms(percentile(lags, 0.99)), max: ms(lags[lags.length - 1]), samples: lags.length },
  };
}

export function watchChecker(opts: WatchCheckerOptions = {}): Checker {
  return { name: 'watch', check: (history: readonly Op[]) => checkWatchHistory(parseWatchHistory(history), opts) };
}

export { parseWatchHistory } from './parse.js';
export { checkStreams } from './etcd.js';
export type * from './types.js';
