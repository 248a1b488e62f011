/**
 * What the report derives from a history: client ops paired with their completions (latency,
 * outcome), counts per f, nemesis activity as bands per fault kind, clock offsets per node, and the
 * bucketed throughput and latency quantiles the charts draw. Aggregation happens here, at
 * generation time, so the page embeds hundreds of rows per chart instead of every op.
 */
import type { Op } from '../harness/ground/history/op.js';
import type { FaultBand } from '../harness/ground/contracts/roles.js';
import { effectIn, hitLabel } from '../harness/middle/faults/nemesis/effect.js';
import { faultEvents, faultSpansOf, type FaultEvent } from '../harness/middle/faults/nemesis/spans.js';

export type Outcome = 'ok' | 'fail' | 'info' | 'pending';

/** A client op: invoke and completion. Times in seconds since the run started. */
export interface ClientPair {
  index: number;
  completionIndex?: number;
  process: number;
  f: string;
  key?: string | number;
  start: number;
  end?: number;
  latencyMs?: number;
  outcome: Outcome;
}

/** A nemesis op: what was asked and what it did, its times in seconds since the run started. */
export type NemesisEvent = FaultEvent;

/** A stretch of time a fault was active. */
export interface Band {
  fault: string;
  start: number;
  end: number;
  detail: string;
  /** The nodes the fault reached and their roles then (`n1 (leader), n2`), when its op recorded them. */
  hit?: string;
}

export interface FCounts {
  f: string;
  invoke: number;
  ok: number;
  fail: number;
  info: number;
  /** Invoked, never completed. */
  pending: number;
}

export interface Analysis {
  pairs: ClientPair[];
  counts: FCounts[];
  nemesis: NemesisEvent[];
  bands: Band[];
  /** Offsets per node over time, when clock faults ran. */
  clock: { t: number; node: string; offsetMs: number }[];
  /** Seconds from the first to the last op. */
  endS: number;
}

const CLOCK_FS = new Set(['bump-clock', 'strobe-clock', 'reset-clock']);

const secs = (ns: number): number => ns / 1e9;

function pairClientOps(history: readonly Op[]): { pairs: ClientPair[]; counts: FCounts[] } {
  const open = new Map<number, ClientPair>();
  const pairs: ClientPair[] = [];
  const counts = new Map<string, FCounts>();
  const countOf = (f: string): FCounts => {
    let c = counts.get(f);
    if (!c) counts.set(f, (c = { f, invoke: 0, ok: 0, fail: 0, info: 0, pending: 0 }));
    return c;
  };
  for (const op of history) {
    if (typeof op.process !== 'number' || op.type === 'event') continue; // an event pairs with nothing (op.ts)
    if (op.type === 'invoke') {
      const p: ClientPair = { index: op.index, process: op.process, f: op.f, start: secs(op.time), outcome: 'pending' };
      if (op.key !== undefined) p.key = op.key;
      open.set(op.process, p);
      pairs.push(p);
      countOf(op.f).invoke++;
      continue;
    }
    const p = open.get(op.process);
    countOf(op.f)[op.type === 'ok' || op.type === 'fail' || op.type === 'info' ? op.type : 'info']++;
    if (!p) continue;
    open.delete(op.process);
    p.completionIndex = op.index;
    p.end = secs(op.time);
    p.latencyMs = Math.max(0, (p.end - p.start) * 1e3);
    p.outcome = op.type;
  }
  for (const p of open.values()) countOf(p.f).pending++;
  return { pairs, counts: [...counts.values()].sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0)) };
}

/** The history's nemesis ops, in seconds since the run started. */
function nemesisEvents(history: readonly Op[]): NemesisEvent[] {
  return faultEvents(history).map((e) => ({ ...e, start: secs(e.start), ...(e.end !== undefined ? { end: secs(e.end) } : {}) }));
}

/**
 * Bands from nemesis events (spans.ts: the same reading the liveness rule counts), labelled with what
 * each fault did and reached; one never healed runs to `endS`.
 */
export function bandsOf(events: readonly NemesisEvent[], endS: number, declared: readonly FaultBand[] = []): Band[] {
  return faultSpansOf(events, declared, 1e-3).map((s) => {
    const effect = effectIn(s.event.result);
    const hit = effect ? { hit: hitLabel(effect.nodes) + (effect.noHolder ? ' (aimed at the holder: no holder)' : '') } : {};
    const healed = s.own || s.to !== undefined;
    return { fault: s.fault, start: s.from, end: s.to ?? Math.max(s.from, endS), detail: detailOf(s.event) + (healed ? '' : ' (never healed in the history)'), ...hit };
  });
}

function detailOf(e: NemesisEvent): string {
  const r = e.result ?? e.value;
  let s: string;
  try {
    s = JSON.stringify(r) ?? '';
  } catch {
    s = String(r);
  }
  return `${e.f} ${s.length > 160 ? `${s.slice(0, 159)}…` : s}`;
}

/**
 * The offsets a strobe set while it ran, from the flips it recorded (`samples`, ms after its start):
 * each node at its offset + δ on a high flip, else at its offset. Empty for a strobe without samples.
 */
function strobeRows(e: NemesisEvent): Analysis['clock'] {
  const r = e.result as { samples?: unknown; deltaMs?: unknown; offsets?: unknown } | undefined;
  if (!Array.isArray(r?.samples) || typeof r.deltaMs !== 'number' || typeof r.offsets !== 'object' || r.offsets === null) return [];
  const base = r.offsets as Record<string, unknown>;
  const delta = r.deltaMs;
  const rows: Analysis['clock'] = [];
  for (const sample of r.samples as { atMs?: unknown; high?: unknown }[]) {
    if (typeof sample?.atMs !== 'number' || !Number.isFinite(sample.atMs)) continue;
    for (const [node, v] of Object.entries(base)) {
      if (typeof v === 'number' && Number.isFinite(v)) rows.push({ t: e.start + sample.atMs / 1e3, node, offsetMs: sample.high === true ? v + delta : v });
    }
  }
  return rows;
}

/** Clock offsets from the completions of clock ops (each records the offsets it left behind) and the flips of strobes. */
function clockOffsets(events: readonly NemesisEvent[], endS: number): Analysis['clock'] {
  const rows: Analysis['clock'] = [];
  const current = new Map<string, number>();
  for (const e of events) {
    if (!CLOCK_FS.has(e.f)) continue;
    const offsets = (e.result as { offsets?: unknown } | undefined)?.offsets;
    if (typeof offsets !== 'object' || offsets === null) continue;
    if (e.f === 'strobe-clock') {
      const strobe = strobeRows(e);
      for (const row of strobe) if (!current.has(row.node)) { rows.push({ t: 0, node: row.node, offsetMs: 0 }); current.set(row.node, 0); }
      rows.push(...strobe);
    }
    for (const [node, v] of Object.entries(offsets as Record<string, unknown>)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (!current.has(node)) rows.push({ t: 0, node, offsetMs: 0 });
      current.set(node, v);
      rows.push({ t: e.end ?? e.start, node, offsetMs: v });
    }
  }
  for (const [node, v] of current) rows.push({ t: endS, node, offsetMs: v });
  return rows;
}

/** Pairs and aggregates a whole history; `bands` are the fault bands the run declared (test.json). */
export function analyze(history: readonly Op[], bands: readonly FaultBand[] = []): Analysis {
  const { pairs, counts } = pairClientOps(history);
  const nemesis = nemesisEvents(history);
  let endS = 0;
  for (const op of history) endS = Math.max(endS, secs(op.time));
  return { pairs, counts, nemesis, bands: bandsOf(nemesis, endS, bands), clock: clockOffsets(nemesis, endS), endS };
}

/** The q-quantile (0..1) of sorted numbers, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** `xs` in ascending order, as a typed array: its built-in numeric sort is several times faster than a comparator's over 100,000 latencies. */
function sortedNumbers(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/** A round bucket width (1, 2 or 5 × 10^k seconds) giving about `n` buckets over `span`. */
export function niceStep(span: number, n: number): number {
  const raw = Math.max(span / n, 1e-6);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

/**
 * Completions per second by outcome, per time bucket. Every bucket from 0 to `endS` is present for
 * every outcome that occurs: an empty bucket is a zero, so an outage shows as a drop to 0 instead of
 * the step line holding the last rate across it.
 */
export function throughput(pairs: readonly ClientPair[], endS: number): { t: number; outcome: string; rate: number }[] {
  const w = niceStep(endS, 100);
  const counts = new Map<string, number[]>();
  let last = Math.max(0, Math.floor(endS / w));
  for (const p of pairs) {
    if (p.end === undefined) continue;
    const i = Math.floor(p.end / w);
    last = Math.max(last, i);
    let c = counts.get(p.outcome);
    if (!c) counts.set(p.outcome, (c = []));
    c[i] = (c[i] ?? 0) + 1;
  }
  const out: { t: number; outcome: string; rate: number }[] = [];
  for (let i = 0; i <= last; i++) {
    for (const [outcome, c] of counts) out.push({ t: Number((i * w).toFixed(6)), outcome, rate: (c[i] ?? 0) / w });
  }
  return out;
}

/** Latency quantiles (p50, p95, p99, max) per f per time bucket, by invoke time. */
export function latencyQuantiles(pairs: readonly ClientPair[], endS: number): { t: number; f: string; q: string; ms: number }[] {
  const w = niceStep(endS, 40);
  // Grouped by f, then by bucket number (no string key per op: at 100,000 ops those were most of the cost).
  const byF = new Map<string, Map<number, number[]>>();
  for (const p of pairs) {
    if (p.latencyMs === undefined) continue;
    let buckets = byF.get(p.f);
    if (!buckets) byF.set(p.f, (buckets = new Map()));
    const b = Math.floor(p.start / w);
    let g = buckets.get(b);
    if (!g) buckets.set(b, (g = []));
    g.push(p.latencyMs);
  }
  const groups: [string, number[]][] = [];
  for (const [f, buckets] of byF) for (const [b, g] of buckets) groups.push([`${(b * w).toFixed(6)}|${f}`, g]);
  const rows: { t: number; f: string; q: string; ms: number }[] = [];
  for (const [k, g] of groups) {
    const bar = k.indexOf('|');
    const t = k.slice(0, bar);
    const f = k.slice(bar + 1);
    const sorted = sortedNumbers(g);
    for (const [q, v] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99], ['max', 1]] as const) {
      rows.push({ t: Number(t), f, q, ms: Math.max(quantile(sorted, v), 0.001) });
    }
  }
  return rows.sort((a, b) => a.t - b.t);
}

/** Overall latency quantiles per f, for the static table. */
export function latencyTable(pairs: readonly ClientPair[]): { f: string; n: number; p50: number; p90: number; p99: number; max: number }[] {
  const byF = new Map<string, number[]>();
  for (const p of pairs) {
    if (p.latencyMs === undefined) continue;
    let g = byF.get(p.f);
    if (!g) byF.set(p.f, (g = []));
    g.push(p.latencyMs);
  }
  return [...byF].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, g]) => {
    const sorted = sortedNumbers(g);
    return { f, n: sorted.length, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] };
  });
}

/**
 * The points of the latency scatter: every op when there are few, else every non-ok op (they are
 * what a reader looks for) and an even sample of the ok ones, `cap` in all.
 */
export function latencyPoints(pairs: readonly ClientPair[], cap: number): { points: { t: number; ms: number; f: string; outcome: string; index: number; process: number }[]; total: number } {
  const done = pairs.filter((p) => p.latencyMs !== undefined);
  let chosen = done;
  if (done.length > cap) {
    const rare = done.filter((p) => p.outcome !== 'ok').slice(0, cap);
    const ok = done.filter((p) => p.outcome === 'ok');
    const room = cap - rare.length;
    const stride = ok.length / Math.max(1, room);
    const sample: ClientPair[] = [];
    for (let i = 0; i < room && Math.floor(i * stride) < ok.length; i++) sample.push(ok[Math.floor(i * stride)]);
    chosen = [...rare, ...sample].sort((a, b) => a.start - b.start);
  }
  return {
    // To the microsecond, finer than the chart or its tooltips show: 0.31 instead of 0.31000000000000005, 20,000 times over.
    points: chosen.map((p) => ({ t: Math.round(p.start * 1e6) / 1e6, ms: Math.max(Math.round(p.latencyMs! * 1e3) / 1e3, 0.001), f: p.f, outcome: p.outcome, index: p.index, process: p.process })),
    total: done.length,
  };
}
