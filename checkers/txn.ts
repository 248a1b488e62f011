/**
 * The txn-list-append workload's checker: Elle's list-append analysis (checkers/elle/) for the
 * workload's consistency models (default strict-serializable, as Maelstrom checks it), plus the
 * counts of what there was to check, so a report shows the workload ran even when it is valid.
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps } from '../harness/ground/history/pair.js';
import type { CheckContext, CheckResult, Checker } from './contract.js';
import { checkElle, type ElleResult } from './elle/index.js';

/** The checker's result, as written into `results.json`: Elle's, under the workload's name. */
export type TxnListAppendResult = CheckResult & Omit<ElleResult, 'checker'> & {
  checker: 'txn-list-append';
  txns: { ok: number; fail: number; info: number };
  /** Micro-ops of the successful transactions. */
  microOps: { reads: number; appends: number };
};

/** Checks a txn-list-append history with Elle; a history Elle cannot read is unknown, never valid. */
export function checkTxnListAppend(history: readonly Op[], opts: { consistencyModels?: readonly string[]; budgetMs?: number } = {}): TxnListAppendResult {
  const ops = pairOps(history).filter((o) => o.f === 'txn');
  const microOps = { reads: 0, appends: 0 };
  for (const op of ops) {
    if (op.outcome !== 'ok' || !Array.isArray(op.output)) continue;
    for (const m of op.output) {
      if (Array.isArray(m) && m[0] === 'r') microOps.reads++;
      else if (Array.isArray(m) && m[0] === 'append') microOps.appends++;
    }
  }
  let r: ElleResult;
  try {
    r = checkElle(ops, { workload: 'list-append', consistencyModels: opts.consistencyModels, budgetMs: opts.budgetMs });
  } catch (err) {
    const txns = { ok: 0, fail: 0, info: 0 };
    for (const o of ops) txns[o.outcome === 'unknown' ? 'info' : o.outcome]++;
    return {
      valid: 'unknown', checker: 'txn-list-append', reason: `the history cannot be checked: ${(err as Error).message}`, workload: 'list-append',
      consistencyModels: [...(opts.consistencyModels ?? ['strict-serializable'])], txnCounts: txns, anomalyTypes: {}, anomalies: [], not: [],
      strongestConsistent: [], graph: { txns: 0, edges: 0 }, ms: { analysis: 0, cycles: 0 }, txns, microOps,
    };
  }
  const { checker: _elle, ...rest } = r;
  void _elle;
  const result: TxnListAppendResult = { ...rest, checker: 'txn-list-append', txns: { ok: r.txnCounts.ok, fail: r.txnCounts.fail, info: r.txnCounts.info }, microOps };
  // Nothing committed is nothing judged: the run says unknown, not valid.
  if (result.valid === true && r.txnCounts.ok === 0) {
    result.valid = 'unknown';
    result.reason = 'no transaction completed ok: there was nothing to judge';
  }
  return result;
}

/** The checker for the txn-list-append workload; the run's time limit for checking bounds the cycle search. */
export function txnListAppendChecker(opts: { consistencyModels?: readonly string[] } = {}): Checker {
  return { name: 'txn-list-append', check: (history, ctx: CheckContext) => checkTxnListAppend(history, { ...opts, budgetMs: ctx.timeoutMs }) };
}
