/**
 * The checker contract: what a checker is, what it returns, and how verdicts rank. It lives with the
 * checkers (not the controller) so a checker stands on its own and the library's API can hand it out;
 * it imports only the history records.
 */
import type { Op } from '../harness/ground/history/op.js';

/** A checker's verdict: valid, invalid, or unknown (it could not decide). */
export type Verdict = true | false | 'unknown';

/** A verdict of one checker; composing ranks false > unknown > true. */
export interface CheckResult {
  valid: Verdict;
  [detail: string]: unknown;
}

export interface CheckContext {
  /** Run directory, for checkers that write artifacts (none must; the report reads results.json). */
  dir?: string;
  /** Time limit for expensive checkers, ms. */
  timeoutMs?: number;
}

/** A pure function of the history (plus an injected artifact writer, if ever needed). */
export interface Checker {
  name: string;
  /**
   * True for a checker that reads `event` records (the watch checker). Every other checker is handed
   * the history without them ({@link runChecker}, the one place they are dropped): they reason about
   * invoke/completion pairs only, so their loops need not skip events — a caller of `check` who goes
   * around runChecker passes `withoutEvents(history)` (harness/ground/history/op.ts).
   */
  readsEvents?: boolean;
  check(history: readonly Op[], ctx: CheckContext): Promise<CheckResult> | CheckResult;
}

/** How bad a verdict is: false (2) > unknown (1) > true (0), Jepsen's compose order. */
export function verdictRank(v: unknown): number {
  return v === false ? 2 : v === 'unknown' ? 1 : 0;
}

/** Merges verdicts, the worst wins: false > unknown > true. An empty list is true. */
export function mergeValid(verdicts: Iterable<Verdict>): Verdict {
  let out: Verdict = true;
  for (const v of verdicts) {
    if (v === false) return false;
    if (v === 'unknown') out = 'unknown';
  }
  return out;
}

/** `valid`, `INVALID` or `unknown`: how the CLI, the page and JUnit print a verdict. */
export function verdictWord(v: unknown): string {
  return v === true ? 'valid' : v === false ? 'INVALID' : 'unknown';
}
