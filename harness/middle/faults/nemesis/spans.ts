/**
 * When each fault of a history was in force — one reading, shared by the report's bands
 * (reports/analysis.ts) and the liveness rule that judges heals (harness/top/run/liveness.ts), so
 * the shaded stretch a user sees is the stretch the verdict counted.
 *
 * A start op opens its fault and the first of its stop ops closes it; a band whose start is its stop
 * is in force while its one op runs. A start that failed, or whose record says it reached no node,
 * was not in force; one written before faults recorded their effect counts as in force. The rules are
 * the bands the run's packages declared (test.json), then the convention `start-x`…`stop-x` for ops
 * no package declared (imported histories).
 */
import type { Op } from '../../../ground/history/op.js';
import type { FaultBand } from '../../../ground/contracts/roles.js';
import { effectIn, inForceAt } from './effect.js';

/** A nemesis op: its invocation and, when it came, its completion. Times in the history's unit. */
export interface FaultEvent {
  f: string;
  index: number;
  /** History index of its completion, when it completed. */
  endIndex?: number;
  start: number;
  end?: number;
  value: unknown;
  result?: unknown;
  type?: Op['type'];
  /** The completion's error: a fault op that failed is not known to have taken effect. */
  error?: unknown;
}

/** A stretch a fault was in force; `to` is undefined for one the history never healed. */
export interface FaultSpan<E extends FaultEvent = FaultEvent> {
  fault: string;
  from: number;
  to: number | undefined;
  /** The op that started it. */
  event: E;
  /** In force only while its one op ran (a band whose start is its stop). */
  own: boolean;
}

/** The nemesis ops of a history, each invocation paired with its completion (the nemesis runs one op at a time). */
export function faultEvents(history: readonly Op[]): FaultEvent[] {
  const out: FaultEvent[] = [];
  let open: FaultEvent | undefined;
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    if (op.type === 'invoke') {
      open = { f: op.f, index: op.index, start: op.time, value: op.value };
      out.push(open);
    } else if (open && open.f === op.f) {
      open.end = op.time;
      open.endIndex = op.index;
      open.result = op.value;
      open.type = op.type;
      if (op.error !== undefined) open.error = op.error;
      open = undefined;
    } else {
      // A completion without its invoke (an imported history): a point event.
      out.push({ f: op.f, index: op.index, start: op.time, end: op.time, value: undefined, result: op.value, type: op.type });
    }
  }
  return out;
}

type Rule = { fault: string; stops: string[]; own: boolean };

/** The band rule of a nemesis op `f`: the declared bands first, then `start-x`…`stop-x`. */
export function rulesOf(declared: readonly FaultBand[]): (f: string) => Rule | undefined {
  const byStart = new Map<string, Rule>();
  for (const b of declared) {
    const r = byStart.get(b.start);
    if (r) { if (!r.stops.includes(b.stop)) r.stops.push(b.stop); continue; }
    byStart.set(b.start, { fault: b.name, stops: [b.stop], own: b.stop === b.start });
  }
  return (f) => {
    const r = byStart.get(f);
    if (r) return r;
    const m = /^start-(.+)$/.exec(f);
    return m ? { fault: m[1], stops: [`stop-${m[1]}`], own: false } : undefined;
  };
}

/**
 * The spans `events` put in force, in start order. A fault is in force from when its start op's
 * record says (effect.ts `inForceAt`: a health probe or a wait for a holder may come first), else from
 * the op's invocation, to its stop op's completion (its invocation if it never completed); a second
 * start while it is in force changes nothing. `perMs` is the events' time unit per millisecond.
 */
export function faultSpansOf<E extends FaultEvent>(events: readonly E[], declared: readonly FaultBand[], perMs: number): FaultSpan<E>[] {
  const spans: FaultSpan<E>[] = [];
  const open = new Map<string, { from: number; stops: string[]; event: E }>();
  const ruleOf = rulesOf(declared);
  for (const e of events) {
    const rule = ruleOf(e.f);
    if (rule) {
      const effect = effectIn(e.result);
      if (e.error !== undefined || (effect !== undefined && !effect.took)) continue;
      if (rule.own) spans.push({ fault: rule.fault, from: e.start, to: e.end, event: e, own: true });
      else if (!open.has(rule.fault)) open.set(rule.fault, { from: inForceAt(effect, e.start, e.end, perMs) ?? e.start, stops: rule.stops, event: e });
      continue;
    }
    for (const [fault, o] of open) {
      if (!o.stops.includes(e.f)) continue;
      spans.push({ fault, from: o.from, to: e.end ?? e.start, event: o.event, own: false });
      open.delete(fault);
    }
  }
  for (const [fault, o] of open) spans.push({ fault, from: o.from, to: undefined, event: o.event, own: false });
  return spans.sort((a, b) => a.from - b.from);
}
