/**
 * Elle-class transaction checking (Kingsbury & Alvaro, VLDB 2020): list-append or rw-register
 * transactions → dependency graph → cycles and the anomalies that need none → the consistency models
 * the history rules out. Pure: a history in, a result out. A false "valid" is the worst outcome, so
 * anything the analysis could not finish or trust makes the verdict unknown, never valid.
 */
import type { Op } from '../../harness/ground/history/op.js';
import type { Operation } from '../../harness/ground/history/pair.js';
import type { CheckResult, Verdict } from '../contract.js';
import type { Analysis } from './analysis.js';
import { findCycles, findRealtimeRwCycle, type CycleEdge } from './cycles.js';
import { explainCycle, txnView, type TxnView } from './explain.js';
import { kindName } from './graph.js';
import { transactions, type MicroOpKinds, type Txn } from './history.js';
import { analyseListAppend } from './list-append.js';
import { MODEL_NAMES, ruledOutBy, strongestConsistent, unknownModels } from './models.js';
import { analyseRwRegister } from './rw-register.js';

export { MODEL_NAMES } from './models.js';
export { TxnShapeError } from './history.js';

export type ElleWorkload = 'list-append' | 'rw-register';

export interface ElleOptions {
  workload?: ElleWorkload;
  /** Models to check against; default strict-serializable. */
  consistencyModels?: readonly string[];
  /** Time budget for the cycle search, ms (default 60 s). */
  budgetMs?: number;
  /** Examples kept per anomaly type (default 10). */
  maxExamples?: number;
}

export interface ElleAnomaly {
  type: string;
  txns: TxnView[];
  /** The cycle, for cycle anomalies: edges labelled ww, wr, rw, process, rt. */
  cycle?: { from: number; to: number; kind: string }[];
  steps: string[];
  /** The models this anomaly rules out (Elle's :not). */
  not: string[];
}

export interface ElleResult extends CheckResult {
  valid: Verdict;
  checker: 'elle';
  workload: ElleWorkload;
  consistencyModels: string[];
  txnCounts: { ok: number; info: number; fail: number };
  /** Every anomaly type found, with how many. */
  anomalyTypes: Record<string, number>;
  anomalies: ElleAnomaly[];
  not: string[];
  strongestConsistent: string[];
  reason?: string;
  graph: { txns: number; edges: number };
  ms: { analysis: number; cycles: number };
}

/** The workload a transactional history is: appends mean list-append, writes rw-register. */
export function detectWorkload(txns: readonly Txn[]): ElleWorkload {
  const kinds: MicroOpKinds = { append: false, w: false, listRead: false };
  for (const t of txns) {
    const ops = t.ops;
    for (let i = 0; i < ops.length; i++) {
      const f = ops[i][0];
      if (f === 'append') kinds.append = true;
      else if (f === 'w') kinds.w = true;
      else if (f === 'r' && Array.isArray(ops[i][2])) kinds.listRead = true;
    }
  }
  return workloadOf(kinds);
}

function workloadOf({ append, w, listRead }: MicroOpKinds): ElleWorkload {
  if (append && w) throw new Error('the history mixes append and w micro-ops; Elle checks list-append or rw-register histories, not both at once');
  return append || (!w && listRead) ? 'list-append' : 'rw-register';
}

/** Checks a transactional history; throws Error (TxnShapeError) for a history of the wrong shape. */
export function checkElle(history: readonly Op[] | readonly Operation[], opts: ElleOptions = {}): ElleResult {
  const models = [...(opts.consistencyModels ?? ['strict-serializable'])];
  const bad = unknownModels(models);
  if (bad.length > 0) throw new Error(`unknown consistency model ${bad.join(', ')}; choose from ${MODEL_NAMES.join(', ')}`);
  const t0 = performance.now();
  const kinds: MicroOpKinds = { append: false, w: false, listRead: false };
  const txns = transactions(history, ['r', 'w', 'append'], kinds);
  const workload = opts.workload ?? workloadOf(kinds);
  return checkTxns(txns, workload, models, opts, t0);
}

/** The analysis of transactions already read (the bench times this part alone). */
export function checkTxns(txns: readonly Txn[], workload: ElleWorkload, models: readonly string[], opts: ElleOptions = {}, t0 = performance.now()): ElleResult {
  const max = opts.maxExamples ?? 10;
  // rw-register under a strict model also orders versions by real time, as Elle does for strict models.
  const strict = models.includes('strict-serializable');
  const a: Analysis = workload === 'list-append' ? analyseListAppend(txns) : analyseRwRegister(txns, { realtimeVersions: strict });
  const g = a.builder.freeze();
  const t1 = performance.now();
  const { cycles, timedOut } = findCycles(g, opts.budgetMs ?? 60_000);
  if (strict && workload === 'rw-register' && cycles.length === 0 && timedOut.length === 0) {
    const c = findRealtimeRwCycle(g);
    if (c) cycles.push(c);
  }
  const t2 = performance.now();

  const anomalyTypes: Record<string, number> = {};
  const anomalies: ElleAnomaly[] = [];
  const not = new Set<string>();
  const add = (x: ElleAnomaly): void => {
    anomalyTypes[x.type] = (anomalyTypes[x.type] ?? 0) + 1;
    for (const m of x.not) not.add(m);
    if (anomalyTypes[x.type] <= max) anomalies.push(x);
  };
  for (const c of cycles) {
    const ids = [...new Set(c.edges.map((e) => e.from))];
    add({
      type: c.type, txns: ids.map((i) => txnView(txns[i])),
      cycle: c.edges.map((e: CycleEdge) => ({ from: e.from, to: e.to, kind: kindName(e.kind) })),
      steps: explainCycle(a, c.type, c.edges), not: ruledOutBy(c.type),
    });
  }
  for (const p of a.anomalies) {
    add({ type: p.type, txns: [...new Set(p.txns)].map((i) => txnView(txns[i])), steps: p.steps, not: ruledOutBy(p.type) });
  }
  for (const t of timedOut) {
    const level = t.level;
    const possible = ['G0', 'G1c', 'G-single', 'G2-item'].map((b) => b + level);
    add({
      type: t.type, txns: t.txns.map((i) => txnView(txns[i])),
      steps: [`the cycle search ran out of its time budget in a strongly connected component of ${t.txns.length}${t.txns.length === 50 ? '+' : ''} transactions: a cycle of at least class G2-item${level} exists there, its exact class was not found`],
      not: ruledOutBy(t.type, possible),
    });
  }
  const counts = { ok: 0, info: 0, fail: 0 };
  for (const t of txns) counts[t.status]++;
  let valid: Verdict = models.some((m) => not.has(m)) ? false : true;
  let reason: string | undefined;
  if (valid === true && (a.unknown.length > 0 || timedOut.length > 0)) {
    valid = 'unknown';
    reason = a.unknown[0] ?? 'the cycle search ran out of time before it could rule the requested models in or out';
  }
  return {
    valid, checker: 'elle', workload, consistencyModels: [...models], txnCounts: counts, anomalyTypes, anomalies,
    not: MODEL_NAMES.filter((m) => not.has(m)), strongestConsistent: strongestConsistent(not),
    ...(reason ? { reason } : {}),
    graph: { txns: g.nodes, edges: g.edges }, ms: { analysis: Math.round(t1 - t0), cycles: Math.round(t2 - t1) },
  };
}
