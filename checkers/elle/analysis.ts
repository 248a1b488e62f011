/**
 * What a per-workload analysis (list-append, rw-register) hands to the cycle search: the graph's
 * data edges, the transactions that are in it, the anomalies found without cycles, and a way to say
 * in words why an edge exists (computed on demand: a million edges never carry their explanations).
 */
import { GraphBuilder, PROCESS, REALTIME } from './graph.js';
import type { Txn } from './history.js';

/** One anomaly found without a cycle (G1a, G1b, internal, lost update, ...). */
export interface PlainAnomaly {
  type: string;
  /** The transactions involved, by id. */
  txns: number[];
  key?: unknown;
  /** One sentence per step. */
  steps: string[];
}

export interface Analysis {
  txns: readonly Txn[];
  builder: GraphBuilder;
  /** 1 for transactions in the graph: committed ones, and indeterminate ones whose writes were read. */
  included: Uint8Array;
  anomalies: PlainAnomaly[];
  /** Reasons the analysis cannot be trusted to find everything (then no "valid" verdict). */
  unknown: string[];
  /** Why a → b has a data edge of `kind` (WW, WR or RW), in words. */
  explainEdge(a: number, b: number, kind: number): string;
}

/** A short name for a value in explanations. */
export function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(show).join(' ')}]` : v === null || v === undefined ? 'nil' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Process edges (each transaction to its process's next one) and real-time edges (a transaction that
 * completed before another was invoked precedes it), among the transactions in the graph. Real-time
 * edges are kept transitively reduced with a frontier, as Elle does: each transaction gets edges from
 * the completed transactions no later completed transaction already follows, about concurrency many.
 */
export function addOrderEdges(txns: readonly Txn[], included: Uint8Array, b: GraphBuilder): void {
  const lastOf = new Map<number, number>();
  // Invoke and completion positions are distinct history positions: bucket events by position, no sort.
  let maxPos = 0;
  for (const t of txns) if (included[t.id]) maxPos = Math.max(maxPos, t.call, t.ret === Infinity ? 0 : t.ret);
  const at = new Int32Array(maxPos + 1).fill(-1); // 2*id for an invoke, 2*id+1 for a completion
  for (const t of txns) {
    if (!included[t.id]) continue;
    const prev = lastOf.get(t.process);
    if (prev !== undefined) b.add(prev, t.id, PROCESS);
    lastOf.set(t.process, t.id);
    at[t.call] = 2 * t.id;
    if (t.ret !== Infinity) at[t.ret] = 2 * t.id + 1;
  }
  const events: number[] = [];
  for (let i = 0; i <= maxPos; i++) if (at[i] >= 0) events.push(at[i]);
  // The frontier holds completed transactions no later completion already follows. A completion
  // drops those that completed before its own invoke (they reach later ones through it), in place.
  const frontier: number[] = [];
  for (const e of events) {
    const id = e >> 1;
    if ((e & 1) === 0) {
      for (const f of frontier) b.add(f, id, REALTIME);
      continue;
    }
    const call = txns[id].call;
    let w = 0;
    for (let i = 0; i < frontier.length; i++) if (txns[frontier[i]].ret > call) frontier[w++] = frontier[i];
    frontier.length = w;
    frontier.push(id);
  }
}
