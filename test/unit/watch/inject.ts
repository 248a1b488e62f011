/**
 * Injections into a correct generated history (gen.ts), one per violation class. Each returns the
 * changed history, or undefined when this history has no place for it (the test then builds one).
 * Each breaks exactly one promise, so the checker must name exactly that class.
 */
import type { GenBatch, GenHistory, GenSegment } from './gen.js';

export type Injection = (g: GenHistory, pickAt: number) => GenHistory | undefined;

const clone = (g: GenHistory): GenHistory => structuredClone(g);
const revsOf = (s: GenSegment): number[] => [...new Set(s.batches.flatMap((b) => b.events.map((e) => e.rev)))];
/** Segments (index) that satisfy `ok`, the `pickAt`-th of them (wrapping). */
function choose(g: GenHistory, pickAt: number, ok: (s: GenSegment) => boolean): number | undefined {
  const idx = g.segments.map((s, i) => (ok(s) ? i : -1)).filter((i) => i >= 0);
  return idx.length === 0 ? undefined : idx[pickAt % idx.length];
}
const acked = (g: GenHistory, rev: number): boolean => g.status[rev - 1] === 'ok';
const dropRev = (s: GenSegment, rev: number): void => {
  for (const b of s.batches) b.events = b.events.filter((e) => e.rev !== rev);
  s.batches = s.batches.filter((b) => b.events.length > 0 || b.progress !== undefined);
};

/** A revision between two delivered ones, dropped. */
export const gap: Injection = (g0, k) => {
  const g = clone(g0);
  const i = choose(g, k, (s) => s.end !== 'compacted' && revsOf(s).slice(1, -1).some((r) => acked(g, r)));
  if (i === undefined) return undefined;
  const s = g.segments[i];
  const inner = revsOf(s).slice(1, -1).filter((r) => acked(g, r));
  dropRev(s, inner[k % inner.length]);
  return g;
};

/** One event delivered twice in its response. */
export const duplicate: Injection = (g0, k) => {
  const g = clone(g0);
  const i = choose(g, k, (s) => s.batches.some((b) => b.events.length > 0));
  if (i === undefined) return undefined;
  const bs = g.segments[i].batches.filter((b) => b.events.length > 0);
  const b = bs[k % bs.length];
  b.events.splice(1, 0, { ...b.events[0] });
  return g;
};

/** Two consecutive responses swapped. */
export const reorder: Injection = (g0, k) => {
  const g = clone(g0);
  const has = (s: GenSegment): number[] => s.batches.map((b, j) => j).filter((j) => j + 1 < s.batches.length && s.batches[j].events.length > 0 && s.batches[j + 1].events.length > 0 && s.batches[j].progress === undefined && s.batches[j + 1].progress === undefined);
  const i = choose(g, k, (s) => has(s).length > 0);
  if (i === undefined) return undefined;
  const s = g.segments[i];
  const js = has(s);
  const j = js[k % js.length];
  [s.batches[j].events, s.batches[j + 1].events] = [s.batches[j + 1].events, s.batches[j].events];
  return g;
};

/** A revision of several watched keys delivered in two responses. */
export const splitRevision: Injection = (g0, k) => {
  const g = clone(g0);
  const multi = (b: GenBatch): number | undefined => { const seen = new Set<number>(); for (const e of b.events) { if (seen.has(e.rev)) return e.rev; seen.add(e.rev); } return undefined; };
  const i = choose(g, k, (s) => s.batches.some((b) => multi(b) !== undefined));
  if (i === undefined) return undefined;
  const s = g.segments[i];
  const j = s.batches.findIndex((b) => multi(b) !== undefined);
  const b = s.batches[j];
  const rev = multi(b)!;
  const last = b.events.map((e) => e.rev).lastIndexOf(rev);
  const moved = b.events.slice(last);
  b.events = b.events.slice(0, last);
  s.batches.splice(j + 1, 0, { at: b.at + 1, events: moved });
  return g;
};

/** A value no write wrote. */
export const phantomValue: Injection = (g0, k) => {
  const g = clone(g0);
  const i = choose(g, k, (s) => s.batches.some((b) => b.events.some((e) => e.type === 'put')));
  if (i === undefined) return undefined;
  const e = g.segments[i].batches.flatMap((b) => b.events).find((x) => x.type === 'put')!;
  e.value = `phantom-${e.rev}`;
  // Every other watcher's copy too, so the value is not also a mismatch between watchers.
  for (const s of g.segments) for (const b of s.batches) for (const x of b.events) if (x.rev === e.rev && x.key === e.key) x.value = e.value;
  return g;
};

/** A resume whose first revision never came: the segment is cut in two and the second loses its first revision. */
export const missedResume: Injection = (g0, k) => {
  const g = clone(g0);
  // Cut a segment after a batch; the rest becomes a resume from last seen + 1, whose first revision is dropped.
  const cuts = (s: GenSegment): number[] => {
    const out: number[] = [];
    s.batches.forEach((b, j) => {
      const rest = s.batches.slice(j + 1).flatMap((x) => x.events.map((e) => e.rev));
      const first = rest[0];
      if (b.events.length > 0 && first !== undefined && new Set(rest).size >= 2 && acked(g, first)) out.push(j);
    });
    return out;
  };
  const i = choose(g, k, (s) => s.end !== 'compacted' && cuts(s).length > 0);
  if (i === undefined) return undefined;
  const s = g.segments[i];
  const cs = cuts(s);
  const j = cs[k % cs.length];
  const before = s.batches.slice(0, j + 1);
  const after = s.batches.slice(j + 1);
  const lastSeen = Math.max(...before.flatMap((b) => [...b.events.map((e) => e.rev), b.progress ?? -Infinity]));
  const second: GenSegment = { ...s, start: lastSeen + 1, resume: true, createdRev: undefined, batches: after };
  delete second.createdRev;
  s.batches = before;
  const endOfFirst = s.end;
  s.end = 'error';
  second.end = endOfFirst;
  const firstRev = after.flatMap((b) => b.events.map((e) => e.rev))[0];
  dropRev(second, firstRev);
  g.segments.splice(i + 1, 0, second);
  return g;
};

/** A progress notification at a revision whose events come only after it. */
export const falseBookmark: Injection = (g0, k) => {
  const g = clone(g0);
  const i = choose(g, k, (s) => s.batches.some((b) => b.events.length > 0));
  if (i === undefined) return undefined;
  const s = g.segments[i];
  const js = s.batches.map((b, j) => (b.events.length > 0 ? j : -1)).filter((j) => j >= 0);
  const j = js[k % js.length];
  const b = s.batches[j];
  s.batches.splice(j, 0, { at: b.at - 1, events: [], progress: Math.max(...b.events.map((e) => e.rev)) });
  return g;
};

export const INJECTIONS: Record<string, Injection> = {
  gap,
  duplicate,
  reorder,
  'split-revision': splitRevision,
  'phantom-value': phantomValue,
  'missed-resume': missedResume,
  'false-bookmark': falseBookmark,
};
