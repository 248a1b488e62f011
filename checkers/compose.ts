/**
 * Composing checkers (Jepsen's `checker/compose`): run several, keep each named result, and rank
 * the verdict false > unknown > true. A checker that throws, rejects or returns no verdict yields
 * `unknown` with the error: one broken checker never takes the rest of the analysis down.
 */
import { withoutEvents, type Op } from '../harness/ground/history/op.js';
import type { CheckContext, CheckResult, Checker } from './contract.js';
import { errorMessage } from '../harness/ground/history/errors.js';
import { mergeValid } from './contract.js';

/** The composed result: the merged verdict and every checker's own result by name. */
export interface ComposedResult extends CheckResult {
  checker: 'compose';
  results: Record<string, CheckResult>;
  /** Names of the checkers whose verdict is false, then of those whose verdict is unknown. */
  invalid: string[];
  unknown: string[];
}

const VERDICTS = new Set<unknown>([true, false, 'unknown']);

/**
 * Runs one checker, turning a throw or a result without a verdict into `unknown`. A checker that does
 * not read events (`readsEvents`) gets the history without them, so no pairing of invocations with
 * completions ever meets one.
 */
export async function runChecker(checker: Checker, history: readonly Op[], ctx: CheckContext): Promise<CheckResult> {
  try {
    const res = await checker.check(checker.readsEvents === true ? history : withoutEvents(history), ctx);
    if (typeof res !== 'object' || res === null || !VERDICTS.has((res as CheckResult).valid)) {
      return { valid: 'unknown', error: `checker ${checker.name} returned no verdict (valid must be true, false or "unknown")` };
    }
    return res;
  } catch (err) {
    return { valid: 'unknown', error: `checker ${checker.name} failed: ${errorMessage(err)}` };
  }
}

/** Merges named results into one. */
export function composeResults(results: Record<string, CheckResult>): ComposedResult {
  const names = Object.keys(results);
  return {
    valid: mergeValid(names.map((n) => results[n].valid)),
    checker: 'compose',
    results,
    invalid: names.filter((n) => results[n].valid === false),
    unknown: names.filter((n) => results[n].valid === 'unknown'),
  };
}

/**
 * One checker that runs all of `checkers` on the same history, named by their `name` (or by the
 * record's keys); a repeated name gets a `#2`, `#3` suffix so no result is overwritten.
 */
export function compose(checkers: readonly Checker[] | Readonly<Record<string, Checker>>, name = 'compose'): Checker {
  const named: [string, Checker][] = [];
  const used = new Set<string>();
  const entries: [string, Checker][] = Array.isArray(checkers)
    ? (checkers as readonly Checker[]).map((c) => [c.name, c])
    : Object.entries(checkers as Readonly<Record<string, Checker>>);
  for (const [n, c] of entries) {
    let key = n;
    for (let i = 2; used.has(key); i++) key = `${n}#${i}`;
    used.add(key);
    named.push([key, c]);
  }
  return {
    name,
    // Events pass through to the named checkers that read them; runChecker drops them for the rest.
    ...(named.some(([, c]) => c.readsEvents === true) ? { readsEvents: true } : {}),
    async check(history, ctx) {
      const results = await Promise.all(named.map(([, c]) => runChecker(c, history, ctx)));
      return composeResults(Object.fromEntries(named.map(([n], i) => [n, results[i]])));
    },
  };
}
