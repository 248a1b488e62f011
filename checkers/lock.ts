/**
 * The lock checker: mutual exclusion as the clients observed it, plus the damage to guarded data.
 *
 * A client holds the lock from the completion of its successful `acquire` until it invokes `release`
 * (it believes it holds it all that time and acts on it). If it never invokes `release` — its
 * `update` timed out and the process was retired, or the run ended — it holds it until its last
 * recorded event. Two holders whose intervals overlap in the history's real-time order are a
 * violation: at some instant both believed they held the lock. The history order is the controller's
 * own clock, so an overlap is an observed fact, not a guess about server clocks.
 *
 * `update` ops that succeeded record `{read, wrote}` of a shared counter; two of them that read the
 * same value are a lost update (both wrote read + 1), which only an overlap can cause.
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import { AnomalyLog, type Anomaly } from './common.js';

export interface Holding {
  process: number;
  node?: string;
  /** History index of the acquire's ok completion. */
  acquired: number;
  /** History index of the release's invocation, or of the process' last event when it never released. */
  released: number;
  /** True when the release was invoked; false when the interval ends at the last event. */
  releaseInvoked: boolean;
}

export interface Overlap {
  first: Holding;
  second: Holding;
}

export interface LockResult extends CheckResult {
  checker: 'lock';
  acquires: number;
  holdings: number;
  overlaps: Anomaly<Overlap>;
  lostUpdates: Anomaly<{ read: unknown; indices: number[] }>;
  reason?: string;
}

const nodeOfValue = (v: unknown): string | undefined =>
  typeof v === 'object' && v !== null && typeof (v as { node?: unknown }).node === 'string' ? (v as { node: string }).node : undefined;

/** Every holding interval of the history, in order of acquisition. */
export function holdings(history: readonly Op[], acquireF = 'acquire', releaseF = 'release'): Holding[] {
  const open = new Map<number, Holding>();
  const invoked = new Map<number, Op>();
  const lastEvent = new Map<number, number>();
  const done: Holding[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    const p = op.process;
    lastEvent.set(p, op.index);
    if (op.type === 'invoke') {
      invoked.set(p, op);
      if (op.f === releaseF) {
        const h = open.get(p);
        if (h) { h.released = op.index; h.releaseInvoked = true; done.push(h); open.delete(p); }
      }
      continue;
    }
    const inv = invoked.get(p);
    if (inv?.f === acquireF && op.type === 'ok') {
      const h: Holding = { process: p, acquired: op.index, released: Infinity, releaseInvoked: false };
      const node = nodeOfValue(op.value) ?? op.node;
      if (node !== undefined) h.node = node;
      open.set(p, h);
    }
  }
  for (const [p, h] of open) {
    h.released = lastEvent.get(p) ?? h.acquired;
    done.push(h);
  }
  return done.sort((a, b) => a.acquired - b.acquired);
}

/** Checks a lock history (see the module comment). */
export function checkLock(history: readonly Op[], maxExamples = 10): LockResult {
  const hs = holdings(history);
  const overlaps = new AnomalyLog<Overlap>(maxExamples);
  // Sweep in acquisition order; `active` holds intervals that have not ended yet.
  let active: Holding[] = [];
  for (const h of hs) {
    active = active.filter((a) => a.released > h.acquired);
    for (const a of active) if (a.process !== h.process) overlaps.add({ first: a, second: h });
    active.push(h);
  }
  const byRead = new Map<string, number[]>();
  const invokes = new Map<number, Op>();
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') { invokes.set(op.process, op); continue; }
    if (op.type !== 'ok' || invokes.get(op.process)?.f !== 'update') continue;
    const read = (op.value as { read?: unknown } | null)?.read;
    const k = JSON.stringify(read ?? null);
    byRead.set(k, [...(byRead.get(k) ?? []), op.index]);
  }
  const lost = new AnomalyLog<{ read: unknown; indices: number[] }>(maxExamples);
  for (const [k, indices] of byRead) if (indices.length > 1) lost.add({ read: JSON.parse(k) as unknown, indices });
  const acquires = history.filter((o) => o.type === 'invoke' && o.f === 'acquire').length;
  const res: LockResult = {
    valid: overlaps.count === 0 && lost.count === 0,
    checker: 'lock',
    acquires,
    holdings: hs.length,
    overlaps: overlaps.toJSON(),
    lostUpdates: lost.toJSON(),
  };
  if (overlaps.count > 0 || lost.count > 0) {
    const parts: string[] = [];
    if (overlaps.count > 0) {
      const { first: a, second: b } = overlaps.toJSON().examples[0];
      const who = (h: Holding): string => `process ${h.process}${h.node ? ` on ${h.node}` : ''}`;
      parts.push(
        `${overlaps.count} overlapping holder pair(s): e.g. ${who(a)} held the lock from index ${a.acquired} until ` +
        `${a.releaseInvoked ? 'it released at' : 'its last op at'} index ${a.released}, ` +
        `yet ${who(b)} acquired it at index ${b.acquired}`,
      );
    }
    if (lost.count > 0) parts.push(`${lost.count} counter value(s) read by more than one update under the lock (lost updates)`);
    res.reason = `mutual exclusion violated: ${parts.join('; ')}`;
  } else if (hs.length === 0) {
    res.valid = 'unknown';
    res.reason = 'no acquire succeeded, so mutual exclusion was never tested';
  }
  return res;
}

/** The lock checker as a Checker. */
export function lockChecker(): Checker {
  return { name: 'lock', check: (history) => checkLock(history) };
}
