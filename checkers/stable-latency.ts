/**
 * Broadcast's stable latency, as the Gossip Glomers challenges judge it (Maelstrom's
 * `:stable-latencies`): for each acknowledged broadcast, the time from its acknowledgement until it
 * was last missing from a read on any node. A read "misses" a value when it completed ok without it;
 * it is placed at its invocation (the latest time the value is known to have been absent is no
 * earlier than that, and every read that began later saw it). A value no read ever missed after its
 * acknowledgement has latency 0. A value some node's last read still misses never became stable:
 * it is counted in `neverStable`, not in the quantiles (the broadcast checker reports it as lost).
 *
 * Quantiles are taken as Jepsen takes them: the element at floor(n·q) of the sorted latencies,
 * the last one for q = 1.
 */
import type { Op } from '../harness/ground/history/op.js';

/** The quantiles Maelstrom prints. */
export const STABLE_QUANTILES = [0, 0.5, 0.95, 0.99, 1] as const;

export interface StableLatency {
  /** Acknowledged values that became stable (the quantiles' sample). */
  count: number;
  /** Acknowledged values some node's last read still missed. */
  neverStable: number;
  /** Quantile ("0", "0.5", "0.95", "0.99", "1") → milliseconds; empty when no value became stable. */
  quantilesMs: Record<string, number>;
}

/** The element at floor(n·q) of sorted `xs` (the last for q = 1). */
export function quantileOf(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

const isFinalRead = (v: unknown): boolean => typeof v === 'object' && v !== null && (v as { final?: unknown }).final === true;

/** Stable latency of every acknowledged `addF` in `history` (times in ns, result in ms). */
export function stableLatency(history: readonly Op[], addF = 'broadcast', readF = 'read'): StableLatency {
  const invokes = new Map<unknown, Op>();
  // Acknowledged value → acknowledgement time.
  const acked = new Map<unknown, number>();
  // Ok reads: invocation time, node and the values seen.
  const reads: { at: number; node: string; seen: Set<unknown> }[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') { invokes.set(op.process, op); continue; }
    const inv = invokes.get(op.process);
    invokes.delete(op.process);
    if (op.type !== 'ok' || inv === undefined) continue;
    if (op.f === addF) {
      if (!acked.has(inv.value)) acked.set(inv.value, op.time);
    } else if (op.f === readF && Array.isArray(op.value)) {
      const node = typeof op.node === 'string' ? op.node : isFinalRead(inv.value) && typeof (inv.value as { node?: unknown }).node === 'string' ? String((inv.value as { node: string }).node) : '?';
      reads.push({ at: inv.time, node, seen: new Set(op.value as unknown[]) });
    }
  }
  reads.sort((a, b) => a.at - b.at);
  // Each node's last read: a value it misses never became stable.
  const lastOfNode = new Map<string, Set<unknown>>();
  for (const r of reads) lastOfNode.set(r.node, r.seen);
  const latencies: number[] = [];
  let neverStable = 0;
  // Walking the reads backwards, `present` holds the values every later read saw; the read that
  // first misses one is its last missing read. A read that misses none costs only its own size.
  const present = new Set<unknown>();
  const lasts = [...lastOfNode.values()];
  for (const value of acked.keys()) {
    if (lasts.some((seen) => !seen.has(value))) neverStable++;
    else present.add(value);
  }
  const lastMissing = new Map<unknown, number>();
  for (let i = reads.length - 1; i >= 0 && present.size > 0; i--) {
    const seen = reads[i].seen;
    let inBoth = 0;
    for (const v of seen) if (present.has(v)) inBoth++;
    if (inBoth === present.size) continue;
    for (const v of present) {
      if (!seen.has(v)) { lastMissing.set(v, reads[i].at); present.delete(v); }
    }
  }
  for (const [value, ack] of acked) {
    if (present.has(value)) latencies.push(0);
    else if (lastMissing.has(value)) latencies.push(Math.max(0, lastMissing.get(value)! - ack) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  const quantilesMs: Record<string, number> = {};
  if (latencies.length > 0) for (const q of STABLE_QUANTILES) quantilesMs[String(q)] = quantileOf(latencies, q);
  return { count: latencies.length, neverStable, quantilesMs };
}

/** `median 452 ms, max 794 ms (p95 674, p99 731; 97 messages)`: the summary's line. */
export function stableLatencyText(s: StableLatency): string {
  const q = (k: string): string => (s.quantilesMs[k] === undefined ? '–' : s.quantilesMs[k].toFixed(0));
  return `median ${q('0.5')} ms, max ${q('1')} ms (p95 ${q('0.95')}, p99 ${q('0.99')}; ${s.count} messages${s.neverStable > 0 ? `, ${s.neverStable} never stable` : ''})`;
}
