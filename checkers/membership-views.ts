/**
 * `membership-views`: after the heal, do the members agree on the configuration? The membership
 * nemesis (harness/middle/faults/nemesis/membership.ts) records every host's view after each change
 * and, in its final op (`member-views`, after every fault is healed), waits for the views to settle
 * and records them once more. This judges that last record, from the history alone:
 *
 * - false: members that answered disagree with each other or with the members the controller applied
 *   (the views never converged);
 * - unknown: no final record, or some member gave no view (down, cut off), so agreement is unproven;
 * - true: every member answered with the same configuration, the controller's.
 *
 * Hosts outside the configuration (removed, or the unused spare) are listed but not judged: a
 * removed Raft server or ZooKeeper server need not learn it was removed.
 * It also counts the changes applied, by kind, for the run's summary.
 */
import type { CheckResult } from './contract.js';
import type { Op } from '../harness/ground/history/op.js';

/** A host's view as the nemesis records it (MemberView of the role contracts). */
export interface RecordedView {
  members: string[] | null;
  member: boolean;
  role?: string;
  removedStillRunning?: boolean;
  error?: string;
}

/** The verdict on one set of views. */
export function judgeViews(views: Readonly<Record<string, RecordedView>>): { valid: boolean | 'unknown'; members: string[]; disagree: Record<string, string[]>; unanswered: string[] } {
  const members = Object.keys(views).filter((n) => views[n].member).sort();
  const want = members.join(',');
  const disagree: Record<string, string[]> = {};
  const unanswered: string[] = [];
  for (const n of members) {
    const v = views[n].members;
    if (v === null) unanswered.push(n);
    else if ([...v].sort().join(',') !== want) disagree[n] = [...v].sort();
  }
  const valid = members.length === 0 ? 'unknown' : Object.keys(disagree).length > 0 ? false : unanswered.length > 0 ? 'unknown' : true;
  return { valid, members, disagree, unanswered };
}

const CHANGE_OPS = { 'member-remove': 'remove', 'member-add': 'add', 'member-replace': 'replace' } as const;

/** The `membership-views` result of a history. */
export function membershipViews(history: readonly Op[]): CheckResult {
  const applied = { remove: 0, add: 0, replace: 0 };
  const attempted = { remove: 0, add: 0, replace: 0 };
  let last: Op | undefined;
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type === 'invoke') continue;
    const v = (op.value ?? {}) as { op?: string; applied?: unknown; views?: unknown };
    if (op.f in CHANGE_OPS) {
      // The op actually done (a remove with too few members turns into an add, and so on).
      const kind = (v.op ?? CHANGE_OPS[op.f as keyof typeof CHANGE_OPS]) as keyof typeof applied;
      if (kind in attempted) {
        attempted[kind]++;
        if (v.applied === true && op.error === undefined) applied[kind]++;
      }
    }
    if (op.f === 'member-views') last = op;
  }
  const counts = { applied, attempted };
  const views = (last?.value as { views?: Record<string, RecordedView> } | undefined)?.views;
  if (last === undefined || views === undefined || typeof views !== 'object') {
    return { valid: 'unknown', reason: 'no view of the configuration was recorded after the heal', ...counts };
  }
  // Views that agree on a configuration no change ever reached test nothing of membership: the run
  // asked for changes, and none was applied (every one refused or timed out), so it is not green.
  if (applied.remove + applied.add + applied.replace === 0) {
    return { valid: 'unknown', reason: `no membership change was applied (${attempted.remove + attempted.add + attempted.replace} attempted), so the run tested none`, ...counts };
  }
  const j = judgeViews(views);
  const removedStillRunning = Object.keys(views).filter((n) => views[n].removedStillRunning);
  const base = { ...counts, members: j.members, views, ...(removedStillRunning.length ? { removedStillRunning } : {}) };
  if (j.valid === false) return { valid: false, reason: `after the heal, ${Object.keys(j.disagree).join(', ')} still saw a configuration other than [${j.members.join(', ')}]`, disagree: j.disagree, ...base };
  if (j.valid === 'unknown') return { valid: 'unknown', reason: j.members.length === 0 ? 'no host counted as a member' : `after the heal, ${j.unanswered.join(', ')} gave no view, so agreement is unproven`, unanswered: j.unanswered, ...base };
  return { valid: true, ...base };
}
