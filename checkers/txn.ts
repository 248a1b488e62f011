/**
 * Placeholder for transactional histories (txn-list-append): the verdict is `unknown` until the
 * Elle-style checker exists (docs/targets/maelstrom.md, the workload table). It does not pretend to a verdict; it
 * only counts what there is to check, so a report shows the workload ran.
 */
import type { Op } from '../harness/history/op.js';
import { pairOps } from '../harness/history/pair.js';
import type { CheckResult, Checker } from './contract.js';

export const TXN_PENDING_NOTE = 'Elle-style checking arrives later';

/** The placeholder's result, as written into `results.json`. */
export interface TxnPendingResult extends CheckResult {
  valid: 'unknown';
  checker: 'txn-list-append';
  note: string;
  txns: { ok: number; fail: number; info: number };
  /** Micro-ops of the successful transactions. */
  microOps: { reads: number; appends: number };
}

/** Counts transactions and micro-ops; the verdict stays unknown. */
export function checkTxnListAppend(history: readonly Op[]): TxnPendingResult {
  const txns = { ok: 0, fail: 0, info: 0 };
  const microOps = { reads: 0, appends: 0 };
  for (const op of pairOps(history)) {
    if (op.f !== 'txn') continue;
    txns[op.outcome === 'unknown' ? 'info' : op.outcome]++;
    if (op.outcome !== 'ok' || !Array.isArray(op.output)) continue;
    for (const m of op.output) {
      if (Array.isArray(m) && m[0] === 'r') microOps.reads++;
      else if (Array.isArray(m) && m[0] === 'append') microOps.appends++;
    }
  }
  return { valid: 'unknown', checker: 'txn-list-append', note: TXN_PENDING_NOTE, txns, microOps };
}

/** The placeholder as a Checker. */
export function txnListAppendChecker(): Checker {
  return { name: 'txn-list-append', check: (history) => checkTxnListAppend(history) };
}
