/**
 * The failing ops a run's checkers named, placed in time: which ops the charts and the history mark,
 * and the sentence that places the first anomaly against the faults. A reader's first question about
 * an invalid run is "was it the faults?"; a stale read long before the first partition says no.
 */
import type { OpRef, PartitionFailure } from '../checkers/linearizable/explain.js';
import type { Op } from '../harness/ground/history/op.js';
import type { Band } from './analysis.js';

/** One op a checker could not accept. Times in seconds on the history's clock. */
export interface Anomaly {
  checker: string;
  /** The invocation's history index. */
  index: number;
  completionIndex?: number;
  process: number;
  f: string;
  key?: string | number;
  description: string;
  /** When it completed (its invocation, when it never did). */
  at: number;
  /** When it was invoked. */
  start: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The op of a linearizability failure that could not be linearized: its blocking op, else the counterexample's last. */
function failingRef(f: PartitionFailure): OpRef | undefined {
  if (f.blocking) return f.blocking;
  let last: OpRef | undefined;
  for (const o of f.counterexample ?? []) if (!last || (o.completionIndex ?? o.index) > (last.completionIndex ?? last.index)) last = o;
  return last;
}

/** Checker results by name, composed ones opened up into `name/sub` (as the report lists them). */
function flat(checkers: unknown, prefix = ''): [string, Record<string, unknown>][] {
  if (!isRecord(checkers)) return [];
  const out: [string, Record<string, unknown>][] = [];
  for (const [name, r] of Object.entries(checkers)) {
    if (!isRecord(r)) continue;
    if (r.checker === 'compose' && isRecord(r.results)) out.push(...flat(r.results, `${prefix}${name}/`));
    else out.push([`${prefix}${name}`, r]);
  }
  return out;
}

/** The failing ops the linearizability checkers explained, earliest first. */
export function anomaliesOf(checkers: unknown, history: readonly Op[]): Anomaly[] {
  const byIndex = new Map<number, Op>(history.map((op) => [op.index, op]));
  const out: Anomaly[] = [];
  for (const [name, r] of flat(checkers)) {
    if (r.valid !== false || !Array.isArray(r.failures) || typeof r.failedPartitions !== 'number') continue;
    for (const f of r.failures as PartitionFailure[]) {
      const ref = isRecord(f) ? failingRef(f) : undefined;
      if (!ref || typeof ref.index !== 'number') continue;
      const inv = byIndex.get(ref.index);
      const done = ref.completionIndex === undefined ? undefined : byIndex.get(ref.completionIndex);
      if (!inv) continue;
      const a: Anomaly = {
        checker: name, index: ref.index, process: ref.process, f: ref.f, description: ref.description,
        start: inv.time / 1e9, at: (done ?? inv).time / 1e9,
      };
      if (ref.completionIndex !== undefined) a.completionIndex = ref.completionIndex;
      if (ref.key !== undefined) a.key = ref.key;
      out.push(a);
    }
  }
  return out.sort((x, y) => x.at - y.at || x.index - y.index);
}

const s = (t: number): string => `${t.toFixed(1)} s`;

/**
 * Where the first anomaly falls against the faults: "The first non-linearizable read (…) completed at
 * 1.5 s, before any fault (the first, partition, began at 11.5 s)." or "… 2.1 s into the partition that
 * began at 11.5 s." `bands` are the stretches the report shades as faults in force.
 */
export function firstAnomalySentence(anomalies: readonly Anomaly[], bands: readonly Band[]): string | undefined {
  const a = anomalies[0];
  if (!a) return undefined;
  const what = `The first non-linearizable ${a.f} (${a.description}${a.key === undefined ? '' : ` on key ${JSON.stringify(a.key)}`}, process ${a.process}, history index ${a.index}) ${a.completionIndex === undefined ? 'was invoked' : 'completed'} at ${s(a.at)}`;
  const sorted = [...bands].sort((x, y) => x.start - y.start);
  if (sorted.length === 0) return `${what}; no fault was in force at any time in this run.`;
  const first = sorted[0];
  if (a.at < first.start) return `${what}, before any fault (the first, ${first.fault}, began at ${s(first.start)}).`;
  const during = sorted.filter((b) => b.start <= a.at && a.at <= b.end);
  if (during.length > 0) return `${what}, ${during.map((b) => `${s(a.at - b.start)} into the ${b.fault} that began at ${s(b.start)}`).join(' and ')}.`;
  const before = sorted.filter((b) => b.end < a.at).sort((x, y) => y.end - x.end)[0];
  return `${what}, with no fault in force: ${s(a.at - before.end)} after the ${before.fault} that began at ${s(before.start)} ended at ${s(before.end)}.`;
}
