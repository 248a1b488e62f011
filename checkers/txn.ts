/**
 * The checker of the transactional workloads (txn-list-append on Maelstrom and the Raft, list-append
 * and rw-register on the stores): Elle's analysis (checkers/elle/) for the run's consistency models
 * (default strict-serializable), plus the counts of what there was to check, so a report shows the
 * workload ran even when it is valid. One function for every workload and target, so a new
 * transactional workload (Maelstrom's txn-rw-register) only names its Elle workload.
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps } from '../harness/ground/history/pair.js';
import type { CheckContext, CheckResult, Checker } from './contract.js';
import { checkElle, type ElleResult, type ElleWorkload } from './elle/index.js';

/** The checker's result, as written into `results.json`: Elle's, under the workload's name. */
export type TxnResult = CheckResult & Omit<ElleResult, 'checker'> & {
  checker: string;
  txns: { ok: number; fail: number; info: number };
  /** Micro-ops of the successful transactions: reads, and appends (list-append) or writes (rw-register). */
  microOps: { reads: number; appends: number; writes: number };
  /** The anomalies the run's models allow (a weaker `--reads` mode), found but not counted against it. */
  allowed?: string[];
};
/** The txn-list-append result (the name kept for its callers). */
export type TxnListAppendResult = TxnResult;

export interface TxnCheckOptions {
  /** The checker's name in results.json (default: the Elle workload's). */
  name?: string;
  workload: ElleWorkload;
  consistencyModels?: readonly string[];
  budgetMs?: number;
}

/** Checks a transactional history with Elle; a history Elle cannot read is unknown, never valid. */
export function checkTxn(history: readonly Op[], opts: TxnCheckOptions): TxnResult {
  const name = opts.name ?? opts.workload;
  const ops = pairOps(history).filter((o) => o.f === 'txn');
  const microOps = { reads: 0, appends: 0, writes: 0 };
  for (const op of ops) {
    if (op.outcome !== 'ok' || !Array.isArray(op.output)) continue;
    for (const m of op.output) {
      if (!Array.isArray(m)) continue;
      if (m[0] === 'r') microOps.reads++;
      else if (m[0] === 'append') microOps.appends++;
      else if (m[0] === 'w') microOps.writes++;
    }
  }
  let r: ElleResult;
  try {
    r = checkElle(ops, { workload: opts.workload, consistencyModels: opts.consistencyModels, budgetMs: opts.budgetMs });
  } catch (err) {
    const txns = { ok: 0, fail: 0, info: 0 };
    for (const o of ops) txns[o.outcome === 'unknown' ? 'info' : o.outcome]++;
    return {
      valid: 'unknown', checker: name, reason: `the history cannot be checked: ${(err as Error).message}`, workload: opts.workload,
      consistencyModels: [...(opts.consistencyModels ?? ['strict-serializable'])], txnCounts: txns, anomalyTypes: {}, anomalies: [], not: [],
      strongestConsistent: [], graph: { txns: 0, edges: 0 }, ms: { analysis: 0, cycles: 0 }, txns, microOps,
    };
  }
  const { checker: _elle, ...rest } = r;
  void _elle;
  const result: TxnResult = { ...rest, checker: name, txns: { ok: r.txnCounts.ok, fail: r.txnCounts.fail, info: r.txnCounts.info }, microOps };
  // Anomalies the checked models do not rule out (realtime ones under serializable): named, not counted.
  if (result.valid === true && Object.keys(r.anomalyTypes).length > 0) result.allowed = Object.keys(r.anomalyTypes);
  // Nothing committed is nothing judged: the run says unknown, not valid.
  if (result.valid === true && r.txnCounts.ok === 0) {
    result.valid = 'unknown';
    result.reason = 'no transaction completed ok: there was nothing to judge';
  }
  return result;
}

/** Checks a txn-list-append history (Maelstrom's workload name). */
export function checkTxnListAppend(history: readonly Op[], opts: { consistencyModels?: readonly string[]; budgetMs?: number } = {}): TxnResult {
  return checkTxn(history, { ...opts, name: 'txn-list-append', workload: 'list-append' });
}

/**
 * The checker of a transactional workload; the run's time limit for checking bounds the cycle search.
 * `models` is read when the run checks (a target's `--reads` mode may weaken it).
 */
export function txnChecker(opts: { name?: string; workload: ElleWorkload; consistencyModels?: readonly string[] | ((ctx: CheckContext) => readonly string[] | undefined) }): Checker {
  const name = opts.name ?? opts.workload;
  return {
    name,
    check: (history, ctx: CheckContext) => {
      const models = typeof opts.consistencyModels === 'function' ? opts.consistencyModels(ctx) : opts.consistencyModels;
      return checkTxn(history, { name, workload: opts.workload, consistencyModels: models, budgetMs: ctx.timeoutMs });
    },
  };
}

/** The checker for Maelstrom's txn-list-append workload. */
export function txnListAppendChecker(opts: { consistencyModels?: readonly string[] } = {}): Checker {
  return txnChecker({ name: 'txn-list-append', workload: 'list-append', ...opts });
}

/** Checks a txn-rw-register history (Maelstrom's workload name; micro-ops `["r", k, v]`, `["w", k, v]`). */
export function checkTxnRwRegister(history: readonly Op[], opts: { consistencyModels?: readonly string[]; budgetMs?: number } = {}): TxnResult {
  return checkTxn(history, { ...opts, name: 'txn-rw-register', workload: 'rw-register' });
}

/** The checker for Maelstrom's txn-rw-register workload. */
export function txnRwRegisterChecker(opts: { consistencyModels?: readonly string[] } = {}): Checker {
  return txnChecker({ name: 'txn-rw-register', workload: 'rw-register', ...opts });
}
