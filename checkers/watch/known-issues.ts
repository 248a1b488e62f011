/**
 * Upstream watch bugs of the etcd versions Faultline runs (3.4.23 is Debian 12's), so a violation on
 * a real run that matches one is reported with its reference rather than as new. A match is by class
 * and circumstance only; it says "this is what that bug looks like", and the report says so.
 */
import type { WatchHistory, WatchViolation } from './types.js';

interface KnownIssue {
  ref: string;
  title: string;
  /** Versions it affects (prefix match on the version string). */
  versions: readonly string[];
  /** Whether a violation looks like this bug. */
  matches(v: WatchViolation, h: WatchHistory): boolean;
}

const NEAR_NS = 2e9;

export const ETCD_WATCH_ISSUES: readonly KnownIssue[] = [
  {
    ref: 'etcd-io/etcd#15220',
    title: 'Requested watcher progress notifications are not synchronised with stream',
    versions: ['3.4.', '3.5.'],
    matches: (v) => v.class === 'false-bookmark',
  },
  {
    ref: 'etcd-io/etcd#18089',
    title: 'Watch dropping an event when compacting on delete',
    versions: ['3.4.', '3.5.'],
    matches: (v, h) => (v.class === 'gap' || v.class === 'missed-resume') && h.compactions.some((c) => Math.abs(c.time - v.at) < NEAR_NS && c.rev >= v.revs[0] - 1),
  },
];

/** Adds `upstream` to each violation of an etcd watcher that matches a known issue of etcd `version`. */
export function matchKnownIssues(violations: WatchViolation[], h: WatchHistory, version: string | undefined): void {
  if (version === undefined) return;
  for (const v of violations) {
    if (v.store !== 'etcd') continue;
    const hit = ETCD_WATCH_ISSUES.find((k) => k.versions.some((p) => version.startsWith(p)) && k.matches(v, h));
    if (hit) v.upstream = `${hit.ref} (${hit.title})`;
  }
}
