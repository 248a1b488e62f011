/**
 * Faults in force: the nemesis' `start-X` … `stop-X` ops of a history as intervals, so each watch
 * violation can name the faults that were in force when it became visible. A fault still open at the
 * end of the history lasts to its end.
 */
import type { Op } from '../../harness/ground/history/op.js';
import type { FaultInterval } from './types.js';

/** Intervals of every fault family from the nemesis' ops (start at the start's invoke, end at the stop's completion). */
export function faultIntervals(history: readonly Op[]): FaultInterval[] {
  const open = new Map<string, { start: number; value?: unknown }>();
  const out: FaultInterval[] = [];
  let last = 0;
  for (const op of history) {
    last = Math.max(last, op.time);
    if (op.process !== 'nemesis') continue;
    const start = /^start-(.+)$/.exec(op.f);
    const stop = /^stop-(.+)$/.exec(op.f);
    if (start && op.type === 'invoke' && !open.has(start[1])) open.set(start[1], { start: op.time, value: op.value });
    if (stop && op.type !== 'invoke') {
      const o = open.get(stop[1]);
      if (o) { out.push({ fault: stop[1], start: o.start, end: op.time, value: o.value }); open.delete(stop[1]); }
    }
  }
  for (const [fault, o] of open) out.push({ fault, start: o.start, end: last, value: o.value });
  return out.sort((a, b) => a.start - b.start);
}

/** The fault families in force at any time within [from, to]. */
export function faultsAt(faults: readonly FaultInterval[], from: number, to = from): string[] {
  const names = new Set<string>();
  for (const f of faults) if (f.start <= to && f.end >= from) names.add(f.fault);
  return [...names].sort();
}
