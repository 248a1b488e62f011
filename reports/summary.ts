/**
 * One sentence per checker result, shared by the page, JUnit's failure messages and the text
 * reporter, so CI and the report say the same thing.
 */
import { keysWord, opsInKeys, type LinearizableResult } from '../checkers/linearizable/result.js';
import { verdictWord, type CheckResult } from '../checkers/contract.js';

export { verdictWord };
import { show } from './escape.js';

export type { Verdict } from '../checkers/contract.js';


/** CSS class of a verdict. */
export function verdictClass(v: unknown): string {
  return v === true ? 'ok' : v === false ? 'bad' : 'unknown';
}

function linearizableSummary(r: LinearizableResult): string {
  if (r.valid === true) return `linearizable: ${opsInKeys(r.ops, r.partitions)}, checked in ${Number(r.elapsedMs).toFixed(1)} ms`;
  if (r.valid === 'unknown') return r.reason ?? 'no verdict: the search did not finish';
  const first = r.failures?.[0];
  const where = first ? ` (${first.key === undefined ? 'history' : `key ${show(first.key)}`}: ${first.blocking ? `${first.blocking.description} by process ${first.blocking.process} could not be linearized` : `a ${first.counterexample.length}-op counterexample`})` : '';
  return `not linearizable: ${r.failedPartitions} of ${r.partitions} ${keysWord(r.partitions)} failed${where}`;
}

const num = (r: CheckResult, k: string): number | undefined => (typeof r[k] === 'number' ? (r[k] as number) : undefined);

/** A one-sentence summary of a checker's result. */
export function summarizeChecker(name: string, r: CheckResult | undefined): string {
  if (typeof r !== 'object' || r === null) return `${name}: no result`;
  if (typeof r.error === 'string' && r.valid !== true) return `${name} failed: ${r.error}`;
  if (r.checker === 'linearizable' || (typeof r.failedPartitions === 'number' && Array.isArray(r.failures))) {
    return linearizableSummary(r as unknown as LinearizableResult);
  }
  if (typeof r.reason === 'string' && r.reason !== '') return r.reason;
  if (r.valid === true) {
    const bits: string[] = [];
    for (const k of ['acknowledged', 'attempted', 'count', 'okCount', 'finalReads']) {
      const v = num(r, k);
      if (v !== undefined) bits.push(`${k} ${v}`);
    }
    return bits.length > 0 ? `valid (${bits.join(', ')})` : 'valid';
  }
  return r.valid === false ? 'invalid' : 'unknown';
}

/** The run-level sentence: verdict plus why it is not a plain verdict (interrupted, error, no checkers). */
export function runSummary(results: { valid?: unknown; interrupted?: string; error?: string; ops?: number; durationS?: number } | undefined): string {
  if (!results) return 'no results.json: the run did not finish';
  const bits = [verdictWord(results.valid)];
  if (typeof results.ops === 'number') bits.push(`${results.ops} ops`);
  if (typeof results.durationS === 'number') bits.push(`${results.durationS.toFixed(1)} s`);
  if (results.interrupted) bits.push(`interrupted by ${results.interrupted}`);
  if (results.error) bits.push(`error: ${results.error}`);
  return bits.join(', ');
}
