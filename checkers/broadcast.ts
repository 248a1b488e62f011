/**
 * The broadcast checker: every acknowledged `broadcast` message must be in every node's final read,
 * and no read may return a message nobody broadcast. It is the set checker with `broadcast` as the
 * add (as Maelstrom's is Jepsen's set-full with `:add` renamed), plus a per-node breakdown.
 *
 * Message latency (how long until a message is visible everywhere) is not computed: reads during the
 * run do not say which node they read unless the runner records `node` on ops, and the final reads
 * come after a quiet period, so they would only measure that period.
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import type { Anomaly } from './common.js';
import { analyzeSet, setVerdict, type LostElement, type SetCheckOptions, type UnexpectedElement } from './set.js';

/** One node's final state as the final reads saw it. */
export interface BroadcastNodeResult {
  /** History index of the final read's completion; null when no final read of it succeeded. */
  finalRead: number | null;
  /** Messages in that read. */
  messages: number;
  /** Acknowledged messages missing from it. */
  lost: number;
}

/** The broadcast checker's result, as written into `results.json`. */
export interface BroadcastResult extends CheckResult {
  checker: 'broadcast';
  /** Distinct messages broadcast (attempted) and acknowledged. */
  attempted: number;
  acknowledged: number;
  indeterminate: number;
  finalReadSource: 'marked' | 'last-read' | 'none';
  /** Per node (`?` for a final read whose node the history does not name). */
  nodes: Record<string, BroadcastNodeResult>;
  nodesWithoutFinalRead: string[];
  /** Each lost message with the nodes' final reads it is missing from. */
  lost: Anomaly<LostElement>;
  unexpected: Anomaly<UnexpectedElement>;
  recovered: Anomaly<{ element: unknown; added: number; read: number }>;
  stale: Anomaly<{ element: unknown; added: number; read: number; node?: string }>;
  reason?: string;
}

/** Checks a broadcast history (see the module comment). */
export function checkBroadcast(history: readonly Op[], opts: Omit<SetCheckOptions, 'addF'> = {}): BroadcastResult {
  const a = analyzeSet(history, { ...opts, addF: 'broadcast' });
  const { valid, reason } = setVerdict(a, 'message');
  const nodes: Record<string, BroadcastNodeResult> = {};
  for (const node of a.nodesWithoutFinalRead) nodes[node] = { finalRead: null, messages: 0, lost: 0 };
  for (const fr of a.finalReads) {
    // Several successful final reads of one node (retries): the last one is its final state.
    const node = fr.node ?? '?';
    const prev = nodes[node];
    if (prev?.finalRead != null && prev.finalRead > fr.op.completionIndex!) continue;
    nodes[node] = { finalRead: fr.op.completionIndex!, messages: fr.members.size, lost: a.missingPerRead.get(fr) ?? 0 };
  }
  const res: BroadcastResult = {
    valid,
    checker: 'broadcast',
    attempted: a.attempted,
    acknowledged: a.acknowledged,
    indeterminate: a.indeterminate,
    finalReadSource: a.finalReadSource,
    nodes,
    nodesWithoutFinalRead: a.nodesWithoutFinalRead,
    lost: a.lost.toJSON(),
    unexpected: a.unexpected.toJSON(),
    recovered: a.recovered.toJSON(),
    stale: a.stale.toJSON(),
  };
  if (reason !== undefined) res.reason = reason.replace('no add could have', 'no broadcast could have');
  return res;
}

/** The broadcast checker as a Checker. */
export function broadcastChecker(opts: Omit<SetCheckOptions, 'addF'> = {}): Checker {
  return { name: 'broadcast', check: (history) => checkBroadcast(history, opts) };
}
