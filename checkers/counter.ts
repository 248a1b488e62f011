/**
 * The counter checker (Maelstrom's g-counter and pn-counter): clients `add` integer deltas and
 * `read` the total; after healing, a final read per node must show the converged total.
 *
 * - A final read must equal the sum of the acknowledged adds plus the deltas of any subset of the
 *   indeterminate ones. Those sums form the `acceptable` set, kept exactly as ranges (a hole appears
 *   when e.g. only an info add of 5 is pending: 0 and 5 are fine, 3 is not), and summarised in
 *   `bounds` = [ok sum + negative info deltas, ok sum + positive info deltas].
 * - A read during the run may be stale (the counters are only eventually consistent), so it is held
 *   to less: it must be the sum of some subset of the adds that did not fail and were invoked before
 *   it completed. A value outside that is impossible however stale the node, and is reported.
 *
 * Valid iff every final read is acceptable and no run read is impossible; `unknown` when no final
 * read succeeded (or a node named by a final read has none that succeeded) and nothing is impossible.
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps, type Operation } from '../harness/ground/history/pair.js';
import type { CheckResult, Checker } from './contract.js';
import {
  AnomalyLog,
  DEFAULT_MAX_EXAMPLES,
  finalReadOf,
  nodeOf,
  nodesByIndex,
  nodesWithoutFinalRead,
  selectFinalReads,
  type Anomaly,
} from './common.js';
import { RangeSet } from './range-set.js';

export interface CounterCheckOptions {
  /** Examples kept per anomaly; default 10. */
  maxExamples?: number;
}

export interface CounterReadError {
  /** History index of the read's completion. */
  read: number;
  node?: string;
  value: unknown;
  /** The values it could have had (at most 8 ranges shown). */
  allowed: [number, number][];
}

/** The counter checker's result, as written into `results.json`. */
export interface CounterResult extends CheckResult {
  checker: 'counter';
  adds: { ok: number; info: number; fail: number };
  /** Sum of the acknowledged deltas. */
  okSum: number;
  /** Values a final read may have, as closed ranges (at most 100 shown). */
  acceptable: [number, number][];
  /** Hull of `acceptable`. */
  bounds: [number, number];
  /** True when the sets grew so fragmented that they were widened to their hull (weaker, still sound). */
  approximate: boolean;
  finalReads: number;
  finalReadSource: 'marked' | 'last-read' | 'none';
  nodesWithoutFinalRead: string[];
  /** Final reads outside `acceptable`. */
  errors: Anomaly<CounterReadError>;
  /** Reads during the run that no subset of the adds so far can explain. */
  impossibleReads: Anomaly<CounterReadError>;
  reason?: string;
}

function deltaOf(op: Operation): number {
  const d = op.input;
  if (typeof d !== 'number' || !Number.isSafeInteger(d)) {
    throw new Error(
      `counter: the add invoked at history index ${op.index} has delta ${JSON.stringify(d)}; ` +
        'a counter add needs an integer delta as its value',
    );
  }
  return d;
}

/** Checks a counter history (see the module comment). */
export function checkCounter(history: readonly Op[], opts: CounterCheckOptions = {}): CounterResult {
  const max = opts.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  const ops = pairOps(history);
  const nodes = nodesByIndex(history);
  const adds = ops.filter((o) => o.f === 'add');
  const readOps = ops.filter((o) => o.f === 'read');
  const counts = { ok: 0, info: 0, fail: 0 };
  let okSum = 0;
  let acceptable = RangeSet.of(0);
  for (const add of adds) {
    const d = deltaOf(add);
    if (add.outcome === 'ok') {
      counts.ok++;
      okSum += d;
    } else if (add.outcome === 'unknown') {
      counts.info++;
      acceptable = acceptable.maybeAdd(d);
    } else counts.fail++;
  }
  acceptable = acceptable.add(okSum);

  const describe = (r: Operation, allowed: RangeSet): CounterReadError => {
    const e: CounterReadError = { read: r.completionIndex!, value: r.output, allowed: allowed.toJSON(8) };
    const node = nodeOf(r, nodes);
    if (node !== undefined) e.node = node;
    return e;
  };
  const fits = (set: RangeSet, v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && set.has(v);

  const { reads: finals, source } = selectFinalReads(readOps);
  const errors = new AnomalyLog<CounterReadError>(max);
  for (const r of finals) if (!fits(acceptable, r.output)) errors.add(describe(r, acceptable));

  // Reads during the run, in completion order, against every add invoked before they completed.
  const finalSet = new Set(finals);
  const events: { pos: number; add?: number; read?: Operation }[] = [];
  for (const add of adds) if (add.outcome !== 'fail') events.push({ pos: add.call, add: deltaOf(add) });
  for (const r of readOps) {
    if (r.outcome === 'ok' && !finalSet.has(r) && finalReadOf(r.input) === undefined) events.push({ pos: r.ret, read: r });
  }
  events.sort((a, b) => a.pos - b.pos);
  const impossible = new AnomalyLog<CounterReadError>(max);
  let possible = RangeSet.of(0);
  for (const e of events) {
    if (e.add !== undefined) possible = possible.maybeAdd(e.add);
    else if (!fits(possible, e.read!.output)) impossible.add(describe(e.read!, possible));
  }

  const missing = nodesWithoutFinalRead(readOps);
  const res: CounterResult = {
    valid: true,
    checker: 'counter',
    adds: counts,
    okSum,
    acceptable: acceptable.toJSON(100),
    bounds: [...acceptable.hull()],
    approximate: acceptable.approximate || possible.approximate,
    finalReads: finals.length,
    finalReadSource: source,
    nodesWithoutFinalRead: missing,
    errors: errors.toJSON(),
    impossibleReads: impossible.toJSON(),
  };
  if (errors.count > 0 || impossible.count > 0) {
    res.valid = false;
    const parts: string[] = [];
    if (errors.count > 0) parts.push(`${errors.count} final read(s) outside the acceptable values`);
    if (impossible.count > 0) parts.push(`${impossible.count} read(s) during the run that no subset of the adds explains`);
    res.reason = parts.join('; ');
  } else if (finals.length === 0) {
    res.valid = 'unknown';
    res.reason = 'no final read succeeded, so the converged value cannot be checked';
  } else if (missing.length > 0) {
    res.valid = 'unknown';
    res.reason = `no final read of ${missing.join(', ')} succeeded, so their converged values cannot be checked`;
  }
  return res;
}

/** The counter checker as a Checker. */
export function counterChecker(opts: CounterCheckOptions = {}): Checker {
  return { name: 'counter', check: (history) => checkCounter(history, opts) };
}
