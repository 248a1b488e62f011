/**
 * The set checker (Maelstrom's g-set; Jepsen's set / set-full in spirit): clients add unique
 * elements and read the whole set; after healing, a final read per node shows what survived.
 *
 * - lost: an acknowledged add missing from a final read that started after the add was acknowledged
 * - unexpected: an element some read returned that no add could have put there (never added, its add
 *   failed, or the read finished before any add of it started)
 * - recovered: an indeterminate (`info`) add that some read shows: it did happen
 * - stale: an acknowledged element missing from a read that started after the ack, yet present in
 *   every final read (allowed for an eventually consistent set; reported, not judged)
 * - never read: an acknowledged element no read ever returned
 *
 * Valid iff nothing was lost and nothing unexpected was read; `unknown` when there is no final read
 * to judge by, or a node named by a final read has none that succeeded (its losses cannot be told).
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps, type Operation } from '../harness/ground/history/pair.js';
import type { CheckResult, Checker } from './contract.js';
import {
  AnomalyLog,
  DEFAULT_MAX_EXAMPLES,
  canonical,
  nodeOf,
  nodesByIndex,
  nodesWithoutFinalRead,
  selectFinalReads,
  type Anomaly,
} from './common.js';

export interface SetCheckOptions {
  /** The f of an add; default `add` (`broadcast` for the broadcast workload). */
  addF?: string;
  /** The f of a read; default `read`. */
  readF?: string;
  /** Examples kept per anomaly; default 10. */
  maxExamples?: number;
}

/** One element as the adds left it: `ok` if any add of it succeeded, else `info` if any may have. */
interface Element {
  element: unknown;
  status: 'ok' | 'info' | 'fail';
  /** History index of the first add's invocation. */
  addIndex: number;
  /** Earliest position any add of it started. */
  firstCall: number;
  /** Position and history index of the earliest acknowledgement, for `ok` elements. */
  okRet: number;
  okIndex?: number;
}

/** A successful read and what it returned. */
interface Read {
  op: Operation;
  node?: string;
  members: Set<string>;
}

export interface LostElement {
  element: unknown;
  /** History index of the add's acknowledgement. */
  added: number;
  /** The final reads it is missing from: their completion's history index, and node when known. */
  missingFrom: { read: number; node?: string }[];
}

export interface UnexpectedElement {
  element: unknown;
  /** History index of the first read that returned it. */
  read: number;
  node?: string;
  reason: 'never-added' | 'add-failed' | 'read-before-add';
}

/** What `analyzeSet` finds; the set and broadcast checkers turn it into their results. */
export interface SetAnalysis {
  attempted: number;
  acknowledged: number;
  indeterminate: number;
  reads: number;
  finalReads: Read[];
  finalReadSource: 'marked' | 'last-read' | 'none';
  nodesWithoutFinalRead: string[];
  lost: AnomalyLog<LostElement>;
  unexpected: AnomalyLog<UnexpectedElement>;
  recovered: AnomalyLog<{ element: unknown; added: number; read: number }>;
  stale: AnomalyLog<{ element: unknown; added: number; read: number; node?: string }>;
  neverRead: AnomalyLog<{ element: unknown; added: number }>;
  /** Per final read: how many acknowledged elements it misses. */
  missingPerRead: Map<Read, number>;
}

const RANK = { fail: 0, info: 1, ok: 2 } as const;

function elementsOf(ops: readonly Operation[], addF: string): Map<string, Element> {
  const elements = new Map<string, Element>();
  for (const op of ops) {
    if (op.f !== addF) continue;
    const key = canonical(op.input);
    const status = op.outcome === 'unknown' ? 'info' : op.outcome;
    const okRet = status === 'ok' ? op.ret : Infinity;
    const cur = elements.get(key);
    if (!cur) {
      const el: Element = { element: op.input, status, addIndex: op.index, firstCall: op.call, okRet };
      if (status === 'ok') el.okIndex = op.completionIndex;
      elements.set(key, el);
      continue;
    }
    if (RANK[status] > RANK[cur.status]) cur.status = status;
    cur.firstCall = Math.min(cur.firstCall, op.call);
    if (okRet < cur.okRet) {
      cur.okRet = okRet;
      cur.okIndex = op.completionIndex;
    }
  }
  return elements;
}

function readsOf(ops: readonly Operation[], readF: string, nodes: ReadonlyMap<number, string>): Map<Operation, Read> {
  const reads = new Map<Operation, Read>();
  for (const op of ops) {
    if (op.f !== readF || op.outcome !== 'ok') continue;
    if (!Array.isArray(op.output)) {
      throw new Error(
        `set: the ${readF} at history index ${op.completionIndex} returned ${JSON.stringify(op.output)}, not an array ` +
          'of elements; a successful read of a set must return its elements',
      );
    }
    const read: Read = { op, members: new Set(op.output.map(canonical)) };
    const node = nodeOf(op, nodes);
    if (node !== undefined) read.node = node;
    reads.set(op, read);
  }
  return reads;
}

/** Classifies every element of a set-like history; see the module comment for the anomalies. */
export function analyzeSet(history: readonly Op[], opts: SetCheckOptions = {}): SetAnalysis {
  const addF = opts.addF ?? 'add';
  const readF = opts.readF ?? 'read';
  const max = opts.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  const ops = pairOps(history);
  const elements = elementsOf(ops, addF);
  const readMap = readsOf(ops, readF, nodesByIndex(history));
  const reads = [...readMap.values()];
  const allReadOps = ops.filter((o) => o.f === readF);
  const chosen = selectFinalReads(allReadOps);
  const finalReads = chosen.reads.map((op) => readMap.get(op)!);

  const a: SetAnalysis = {
    attempted: elements.size,
    acknowledged: 0,
    indeterminate: 0,
    reads: reads.length,
    finalReads,
    finalReadSource: chosen.source,
    nodesWithoutFinalRead: nodesWithoutFinalRead(allReadOps),
    lost: new AnomalyLog(max),
    unexpected: new AnomalyLog(max),
    recovered: new AnomalyLog(max),
    stale: new AnomalyLog(max),
    neverRead: new AnomalyLog(max),
    missingPerRead: new Map(finalReads.map((r) => [r, 0])),
  };

  // Unexpected and recovered: every successful read counts, not only the final ones.
  const seen = new Map<string, Read>();
  for (const read of [...reads].sort((x, y) => x.op.ret - y.op.ret)) {
    for (const key of read.members) {
      if (seen.has(key)) continue;
      seen.set(key, read);
      const el = elements.get(key);
      const reason = !el ? 'never-added' : el.status === 'fail' ? 'add-failed' : read.op.ret < el.firstCall ? 'read-before-add' : undefined;
      if (reason !== undefined) {
        const element = el ? el.element : (read.op.output as unknown[]).find((x) => canonical(x) === key);
        const ex: UnexpectedElement = { element, read: read.op.completionIndex!, reason };
        if (read.node !== undefined) ex.node = read.node;
        a.unexpected.add(ex);
      } else if (el!.status === 'info') {
        a.recovered.add({ element: el!.element, added: el!.addIndex, read: read.op.completionIndex! });
      }
    }
  }

  const acked = [...elements.values()].filter((e) => e.status === 'ok').sort((x, y) => x.okRet - y.okRet);
  a.acknowledged = acked.length;
  a.indeterminate = [...elements.values()].filter((e) => e.status === 'info').length;
  const lostKeys = new Set<string>();
  for (const el of acked) {
    const key = canonical(el.element);
    const missingFrom: LostElement['missingFrom'] = [];
    for (const fr of finalReads) {
      // An add acknowledged after the final read started may legitimately be missing from it.
      if (el.okRet < fr.op.call && !fr.members.has(key)) {
        missingFrom.push(fr.node === undefined ? { read: fr.op.completionIndex! } : { read: fr.op.completionIndex!, node: fr.node });
        a.missingPerRead.set(fr, (a.missingPerRead.get(fr) ?? 0) + 1);
      }
    }
    if (missingFrom.length > 0) {
      lostKeys.add(key);
      a.lost.add({ element: el.element, added: el.okIndex!, missingFrom });
    }
    if (!seen.has(key)) a.neverRead.add({ element: el.element, added: el.okIndex! });
  }

  // Stale: reads are visited in start order; each looks only at elements acknowledged before it began.
  const stale = new Set<string>();
  const byCall = [...reads].sort((x, y) => x.op.call - y.op.call);
  for (const read of byCall) {
    for (const el of acked) {
      if (el.okRet >= read.op.call) break;
      const key = canonical(el.element);
      if (stale.has(key) || lostKeys.has(key) || read.members.has(key)) continue;
      stale.add(key);
      const ex: { element: unknown; added: number; read: number; node?: string } = {
        element: el.element, added: el.okIndex!, read: read.op.completionIndex!,
      };
      if (read.node !== undefined) ex.node = read.node;
      a.stale.add(ex);
    }
  }
  return a;
}

/** The verdict shared by the set and broadcast checkers, with the reason when it is not true. */
export function setVerdict(a: SetAnalysis, what = 'element'): { valid: CheckResult['valid']; reason?: string } {
  if (a.lost.count > 0 || a.unexpected.count > 0) {
    const parts: string[] = [];
    if (a.lost.count > 0) parts.push(`${a.lost.count} acknowledged ${what}(s) missing from a final read`);
    if (a.unexpected.count > 0) parts.push(`${a.unexpected.count} ${what}(s) read that no add could have put there`);
    return { valid: false, reason: parts.join('; ') };
  }
  if (a.finalReads.length === 0) {
    return { valid: 'unknown', reason: 'no final read succeeded, so lost elements cannot be told' };
  }
  if (a.nodesWithoutFinalRead.length > 0) {
    return {
      valid: 'unknown',
      reason: `no final read of ${a.nodesWithoutFinalRead.join(', ')} succeeded, so what those nodes lost cannot be told`,
    };
  }
  return { valid: true };
}

/** The set checker's result, as written into `results.json`. */
export interface SetResult extends CheckResult {
  checker: 'set';
  /** Distinct elements some add tried. */
  attempted: number;
  acknowledged: number;
  /** Elements whose adds were all indeterminate. */
  indeterminate: number;
  /** Successful reads, final or not. */
  reads: number;
  /** Successful final reads judged against. */
  finalReads: number;
  /** `marked`: reads marked final; `last-read`: none marked, so the last successful read; `none`. */
  finalReadSource: 'marked' | 'last-read' | 'none';
  nodesWithoutFinalRead: string[];
  lost: Anomaly<LostElement>;
  unexpected: Anomaly<UnexpectedElement>;
  recovered: Anomaly<{ element: unknown; added: number; read: number }>;
  stale: Anomaly<{ element: unknown; added: number; read: number; node?: string }>;
  neverRead: Anomaly<{ element: unknown; added: number }>;
  reason?: string;
}

/** Checks a set history (see the module comment). */
export function checkSet(history: readonly Op[], opts: SetCheckOptions = {}): SetResult {
  const a = analyzeSet(history, opts);
  const { valid, reason } = setVerdict(a);
  const res: SetResult = {
    valid,
    checker: 'set',
    attempted: a.attempted,
    acknowledged: a.acknowledged,
    indeterminate: a.indeterminate,
    reads: a.reads,
    finalReads: a.finalReads.length,
    finalReadSource: a.finalReadSource,
    nodesWithoutFinalRead: a.nodesWithoutFinalRead,
    lost: a.lost.toJSON(),
    unexpected: a.unexpected.toJSON(),
    recovered: a.recovered.toJSON(),
    stale: a.stale.toJSON(),
    neverRead: a.neverRead.toJSON(),
  };
  if (reason !== undefined) res.reason = reason;
  return res;
}

/** The set checker as a Checker. */
export function setChecker(opts: SetCheckOptions = {}): Checker {
  return { name: 'set', check: (history) => checkSet(history, opts) };
}
