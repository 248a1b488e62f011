/**
 * The stats checker, after Jepsen's `jepsen.checker/stats`: counts of ok / fail / info completions
 * of client ops, overall and per f.
 *
 * Verdict, as Jepsen's code computes it: an f with no `ok` completion at all is invalid (`false`),
 * and the whole is the merge of the per-f verdicts, so a run in which e.g. no read ever succeeded
 * fails even if every safety checker passed; such a run tested nothing about reads. (Jepsen's
 * docstring says such results are `:unknown`, but its fold sets `:valid? (pos? ok-count)`, i.e.
 * false; we follow the code.) Like Jepsen, invocations and nemesis ops are not counted; invocations
 * that never completed are reported separately as `unfinished`.
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import { mergeValid } from './contract.js';

export interface StatsCounts {
  valid: boolean;
  count: number;
  okCount: number;
  failCount: number;
  infoCount: number;
}

/** The stats checker's result, as written into `results.json`. */
export interface StatsResult extends CheckResult, Omit<StatsCounts, 'valid'> {
  checker: 'stats';
  /** Per f, sorted by f. */
  byF: Record<string, StatsCounts>;
  /** Client invocations without a completion in the history. */
  unfinished: number;
  reason?: string;
}

function empty(): StatsCounts {
  return { valid: false, count: 0, okCount: 0, failCount: 0, infoCount: 0 };
}

function tally(c: StatsCounts, type: Op['type']): void {
  c.count++;
  if (type === 'ok') c.okCount++;
  else if (type === 'fail') c.failCount++;
  else c.infoCount++;
  c.valid = c.okCount > 0;
}

/** Counts completions per f; invalid when some f never succeeded (Jepsen's behaviour). */
export function checkStats(history: readonly Op[]): StatsResult {
  const all = empty();
  const byF = new Map<string, StatsCounts>();
  const open = new Map<number, Op>();
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') {
      open.set(op.process, op);
      continue;
    }
    open.delete(op.process);
    tally(all, op.type);
    let c = byF.get(op.f);
    if (!c) byF.set(op.f, (c = empty()));
    tally(c, op.type);
  }
  const sorted = [...byF].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const valid = mergeValid(sorted.map(([, c]) => c.valid));
  const res: StatsResult = {
    valid,
    checker: 'stats',
    count: all.count,
    okCount: all.okCount,
    failCount: all.failCount,
    infoCount: all.infoCount,
    byF: Object.fromEntries(sorted),
    unfinished: open.size,
  };
  const never = sorted.filter(([, c]) => !c.valid).map(([f]) => f);
  if (never.length > 0) res.reason = `no ${never.join(', ')} ever succeeded, so the run tested nothing about ${never.length > 1 ? 'them' : 'it'}`;
  return res;
}

/** The stats checker as a Checker. */
export function statsChecker(): Checker {
  return { name: 'stats', check: (history) => checkStats(history) };
}
