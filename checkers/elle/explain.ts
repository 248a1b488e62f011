/**
 * Step-by-step words for a cycle: one sentence per edge saying why it exists (from the analysis),
 * then what the cycle's kinds make it, and the transactions' ops with their history indices.
 */
import type { Analysis } from './analysis.js';
import type { CycleEdge } from './cycles.js';
import { PROCESS, REALTIME, kindName } from './graph.js';
import type { Txn } from './history.js';
import { show } from './analysis.js';

/** A transaction as a report shows it. */
export interface TxnView { id: number; process: number; status: string; index: number; completionIndex?: number; ops: string }

/** The transaction with its ops in Jepsen's notation. */
export function txnView(t: Txn): TxnView {
  const ops = t.ops.map(([f, k, v]) => `[${f} ${show(k)} ${show(v)}]`).join(' ');
  return { id: t.id, process: t.process, status: t.status, index: t.index, ...(t.completionIndex !== undefined ? { completionIndex: t.completionIndex } : {}), ops };
}

const MEANING: Record<string, string> = {
  G0: 'a cycle of write-write edges only (write cycle, G0)',
  G1c: 'a cycle of write-write and write-read edges (circular information flow, G1c)',
  'G-single': 'a cycle with exactly one read-write anti-dependency (read skew, G-single)',
  'G2-item': 'a cycle with two or more read-write anti-dependencies (write skew, G2-item)',
};

/** The steps explaining one cycle. */
export function explainCycle(a: Analysis, type: string, edges: readonly CycleEdge[]): string[] {
  const steps = edges.map((e) => {
    const from = a.txns[e.from], to = a.txns[e.to];
    if (e.kind === PROCESS) return `T${e.from} and T${e.to} ran one after the other on process ${from.process}, so T${e.from} → process → T${e.to}`;
    if (e.kind === REALTIME) return `T${e.from} completed (history index ${from.completionIndex}) before T${e.to} was invoked (history index ${to.index}), so T${e.from} → rt → T${e.to}`;
    return a.explainEdge(e.from, e.to, e.kind);
  });
  const base = type.replace(/-(process|realtime)$/, '');
  const level = type.endsWith('-realtime') ? ', which needs real-time order' : type.endsWith('-process') ? ', which needs process order' : '';
  const path = [...edges.map((e) => `T${e.from} → ${kindName(e.kind)}`), `T${edges[0].from}`].join(' → ');
  steps.push(`so ${path}: ${MEANING[base] ?? base}${level}; no serial order can put each transaction after the ones it depends on`);
  return steps;
}
