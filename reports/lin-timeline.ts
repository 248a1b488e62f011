/**
 * The linearizability explanation drawn server-side as SVG (so it reads without JavaScript): one
 * lane per process, each op a bar from invoke to completion, the minimised counterexample
 * highlighted, the op that could not be linearized marked, and the model state after each op of the
 * longest linearizable prefix in its tooltip. Clicking a bar (with JavaScript) shows its details.
 */
import type { OpRef, PartitionFailure } from '../checkers/linearizable/explain.js';
import type { Op } from '../harness/ground/history/op.js';
import type { ClientPair } from './analysis.js';
import { esc, show } from './escape.js';
import { opLink } from './record-table.js';

/** Ops drawn per failure at most: the named ones first, then their concurrent neighbours. */
export const MAX_TIMELINE_OPS = 150;
/** Steps of the prefix listed in the state table (the last ones: they lead to the failure). */
export const MAX_PREFIX_ROWS = 100;

type Role = 'blocking' | 'cx' | 'candidate' | 'prefix' | 'context';

interface Bar {
  index: number;
  process: number;
  start: number;
  end: number;
  open: boolean;
  label: string;
  /** Model state after it, for ops of the longest linearizable prefix. */
  state?: string;
  role: Role;
  detail: string;
}

const msOf = (op: Op | undefined): number | undefined => (op === undefined ? undefined : op.time / 1e6);

function refDetail(ref: OpRef, start: number, end: number | undefined, extra: string[]): string {
  return [
    ref.description,
    `process ${ref.process}, history index ${ref.index}${ref.completionIndex === undefined ? ' (never completed)' : `–${ref.completionIndex}`}`,
    `outcome ${ref.outcome}; input ${show(ref.input, 300)}; output ${show(ref.output, 300)}`,
    `invoked at ${start.toFixed(3)} ms${end === undefined ? '' : `, completed at ${end.toFixed(3)} ms`}`,
    ...extra,
  ].join('\n');
}

/** The bars of one failure, in the time window around its counterexample. */
function barsOf(f: PartitionFailure, byIndex: ReadonlyMap<number, Op>, pairs: readonly ClientPair[]): { bars: Bar[]; t0: number; t1: number } {
  const roles = new Map<number, { ref: OpRef; role: Role; extra: string[]; state?: string }>();
  const put = (ref: OpRef, role: Role, extra: string[], state?: string): void => {
    let cur = roles.get(ref.index);
    if (cur) cur.extra.push(...extra);
    else roles.set(ref.index, (cur = { ref, role, extra: [...extra] }));
    if (state !== undefined) cur.state = state;
  };
  if (f.blocking) put(f.blocking, 'blocking', ['✗ completed before it could be linearized']);
  for (const op of f.counterexample) put(op, 'cx', ['in the minimal counterexample']);
  for (const c of f.candidates) put(c.op, 'candidate', [`could not go next: ${c.why}${c.stateAfter ? ` (⇒ ${c.stateAfter})` : ''}`]);
  const prefixStart = Math.max(0, f.linearized.length - 10);
  f.linearized.forEach((step, i) => {
    if (i >= prefixStart) put(step.op, 'prefix', [`linearized #${i + 1}; state after: ${step.stateAfter}`], step.stateAfter);
  });

  // The window: from the first named op's invoke to the last one's completion.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const { ref } of roles.values()) {
    const s = msOf(byIndex.get(ref.index));
    const e = msOf(ref.completionIndex === undefined ? undefined : byIndex.get(ref.completionIndex));
    if (s !== undefined) { t0 = Math.min(t0, s); t1 = Math.max(t1, s); }
    if (e !== undefined) t1 = Math.max(t1, e);
  }
  if (!Number.isFinite(t0)) return { bars: [], t0: 0, t1: 1 };
  if (t1 <= t0) t1 = t0 + 1;

  const bars: Bar[] = [];
  for (const { ref, role, extra, state } of roles.values()) {
    const s = msOf(byIndex.get(ref.index)) ?? t0;
    const e = ref.completionIndex === undefined ? undefined : msOf(byIndex.get(ref.completionIndex));
    const bar: Bar = { index: ref.index, process: ref.process, start: s, end: e ?? t1, open: e === undefined, label: ref.description, role, detail: refDetail(ref, s, e, extra) };
    if (state !== undefined) bar.state = state;
    bars.push(bar);
  }
  // Context: other ops on the same key that overlap the window, so the reader sees the concurrency.
  for (const p of pairs) {
    if (bars.length >= MAX_TIMELINE_OPS) break;
    if (roles.has(p.index) || (f.key !== undefined && p.key !== f.key)) continue;
    const s = p.start * 1e3;
    const e = p.end === undefined ? undefined : p.end * 1e3;
    if (s > t1 || (e !== undefined && e < t0)) continue;
    const op = byIndex.get(p.index);
    const done = p.completionIndex === undefined ? undefined : byIndex.get(p.completionIndex);
    const label = `${p.f}(${show(op?.value, 40)})${done ? ` → ${done.type === 'ok' ? show(done.value, 40) : done.type}` : ''}`;
    const detail = [label, `process ${p.process}, history index ${p.index}${p.completionIndex === undefined ? ' (never completed)' : `–${p.completionIndex}`}`,
      `outcome ${p.outcome}`, `invoked at ${s.toFixed(3)} ms${e === undefined ? '' : `, completed at ${e.toFixed(3)} ms`}`].join('\n');
    bars.push({ index: p.index, process: p.process, start: s, end: Math.min(e ?? t1, t1), open: e === undefined, label, role: 'context', detail });
  }
  return { bars, t0, t1 };
}

/** Widest timeline shown from its start; a wider one opens scrolled to its end, where the failing op is. */
export const TIMELINE_VIEW_PX = 1100;
/** Width of the lane labels' column, which stays put while the bars scroll. */
export const LANE_LABELS_PX = 84;
/** Average width of a label character at 11 px (labels are cut by this estimate, not by measuring). */
const CHAR_PX = 6.2;

/** The SVG timeline of one failure. */
export function timelineSvg(f: PartitionFailure, byIndex: ReadonlyMap<number, Op>, pairs: readonly ClientPair[]): string {
  return timeline(f, byIndex, pairs).svg;
}

/**
 * The timeline of one failure: `svg` holds the bars (it scrolls), `lanes` the process labels (a
 * column beside it that does not scroll, so a reader scrolled to the failing op still sees whose
 * lane is whose); `blockingRight` is the x where the failing op, its whole label and its mark end.
 */
export function timeline(f: PartitionFailure, byIndex: ReadonlyMap<number, Op>, pairs: readonly ClientPair[]): { svg: string; lanes: string; width: number; blockingRight?: number } {
  const { bars, t0, t1 } = barsOf(f, byIndex, pairs);
  if (bars.length === 0) return { svg: '<p class="muted">The history holds none of the explained ops, so no timeline can be drawn.</p>', lanes: '', width: 0 };
  const processes = [...new Set(bars.map((b) => b.process))].sort((a, b) => a - b);
  const lane = new Map(processes.map((p, i) => [p, i]));
  // Like porcupine's visualisation, x is the order of invokes and completions, not time: ops last
  // microseconds and sit milliseconds apart, so to scale they would be slivers. Order is all that
  // linearizability depends on; the times are in each op's details.
  const events = [...new Set(bars.flatMap((b) => [b.start, b.end]))].sort((a, b) => a - b);
  const rank = new Map(events.map((t, i) => [t, i]));
  const left = 10;
  const step = Math.max(64, Math.min(120, 960 / Math.max(1, events.length - 1)));
  const laneH = 42;
  const top = 24;
  const height = top + processes.length * laneH + 10;
  const x = (t: number): number => left + rank.get(t)! * step;
  // The failing op's label is never cut and its mark sits after the label, so the timeline is as
  // wide as they need (the old mark was drawn over the label's end, at the timeline's very edge).
  const blocking = bars.find((b) => b.role === 'blocking');
  let width = left + 40 + step * Math.max(1, events.length - 1);
  let blockingRight: number | undefined;
  if (blocking) {
    const x1 = x(blocking.start);
    const textEnd = x1 + Math.max(Math.max(step * 0.6, x(blocking.end) - x1), blocking.label.length * CHAR_PX + 8);
    blockingRight = textEnd + 18;
    width = Math.max(width, Math.ceil(blockingRight + 10));
  }
  const blockingProcess = blocking?.process;
  const parts: string[] = [];
  parts.push(`<svg class="lin-timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${bars.length} ops over ${processes.length} processes">`);
  parts.push(`<text class="axis" x="${left}" y="14">${esc(`${t0.toFixed(3)} ms → ${t1.toFixed(3)} ms, in order of invocation and completion (not to scale)`)}</text>`);
  const labels: string[] = [`<svg class="lin-lanes" xmlns="http://www.w3.org/2000/svg" width="${LANE_LABELS_PX}" height="${height}" viewBox="0 0 ${LANE_LABELS_PX} ${height}" aria-hidden="true">`];
  for (const p of processes) {
    const y = top + lane.get(p)! * laneH;
    parts.push(`<g class="lane" data-process="${esc(p)}"><line x1="0" x2="${width - 20}" y1="${y + 15}" y2="${y + 15}"/></g>`);
    labels.push(`<text class="lane-label${p === blockingProcess ? ' failing' : ''}" data-process="${esc(p)}" x="6" y="${y + 19}">process ${esc(p)}</text>`);
  }
  labels.push('</svg>');
  // A label may run past its bar up to the next bar of its lane (or the edge): cut only when it must.
  const room = new Map<Bar, number>();
  for (const p of processes) {
    const inLane = bars.filter((b) => b.process === p).sort((a, c) => a.start - c.start);
    inLane.forEach((b, i) => {
      const next = inLane.slice(i + 1).find((c) => x(c.start) > x(b.start));
      room.set(b, (next ? x(next.start) : width - 14) - x(b.start));
    });
  }
  // Context first, so highlighted bars are drawn on top.
  const order: Role[] = ['context', 'prefix', 'candidate', 'cx', 'blocking'];
  for (const b of [...bars].sort((a, c) => order.indexOf(a.role) - order.indexOf(c.role))) {
    const y = top + lane.get(b.process)! * laneH + 5;
    const x1 = x(b.start);
    const w = Math.max(step * 0.6, x(b.end) - x1);
    const chars = Math.floor((Math.max(w, room.get(b) ?? w) - 6) / CHAR_PX);
    const label = b.role === 'blocking' ? b.label : chars >= 3 ? (b.label.length > chars ? `${b.label.slice(0, chars - 1)}…` : b.label) : '';
    parts.push(`<g class="lin-op ${b.role}${b.open ? ' open' : ''}" data-index="${b.index}" data-detail="${esc(b.detail)}" tabindex="0">` +
      `<title>${esc(b.detail)}</title><rect x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${laneH - 22}" rx="3"/>` +
      (label ? `<text class="label" x="${(x1 + 3).toFixed(1)}" y="${y + 14}">${esc(label)}</text>` : '') +
      (b.state !== undefined ? `<text class="state" x="${(x1 + 3).toFixed(1)}" y="${y + laneH - 8}">⇒ ${esc(b.state.length > 16 ? `${b.state.slice(0, 15)}…` : b.state)}</text>` : '') +
      (b.role === 'blocking' && blockingRight !== undefined ? `<text class="mark" x="${(blockingRight - 15).toFixed(1)}" y="${y + 15}">✗</text>` : '') +
      '</g>');
  }
  parts.push('</svg>');
  return { svg: parts.join(''), lanes: labels.join(''), width, ...(blockingRight === undefined ? {} : { blockingRight }) };
}

/** An op's history rows as links: its invocation and, when it completed, its completion. */
const indexLinks = (op: OpRef): string => `${opLink(op.index)}${op.completionIndex === undefined ? ' (never completed)' : `–${opLink(op.completionIndex)}`}`;

const refCell = (op: OpRef): string =>
  `<td>${esc(op.description)}</td><td>${esc(op.process)}</td><td>${indexLinks(op)}</td>`;

/** The whole explanation of one failed partition: timeline, states along the prefix, candidates, counterexample. */
export function failureHtml(f: PartitionFailure, byIndex: ReadonlyMap<number, Op>, pairs: readonly ClientPair[]): string {
  const keyText = f.key === undefined ? 'the history' : `key ${show(f.key)}`;
  const out: string[] = [];
  out.push(`<div class="lin-failure" data-key="${esc(show(f.key ?? ''))}">`);
  out.push(`<h3>${esc(keyText)}: not linearizable (${f.ops} ops)</h3>`);
  if (f.blocking) out.push(`<p><span class="chip blocking">✗</span> <b>${esc(f.blocking.description)}</b> (process ${esc(f.blocking.process)}, index ${indexLinks(f.blocking)}) completed, but could not be linearized after the longest linearizable prefix of ${f.linearized.length} ops, which ends in state <code>${esc(f.state)}</code>.</p>`);
  out.push('<p class="legend"><span class="chip cx">counterexample</span> <span class="chip blocking">cannot be linearized</span> <span class="chip candidate">could not go next</span> <span class="chip prefix">linearized (prefix)</span> <span class="chip context">concurrent op</span> — hover a bar for details, click to pin them.</p>');
  // The failing op must be in view when the section opens: a timeline wider than the view opens
  // scrolled to its end (CSS alone, so also without JavaScript), where the window of the timeline
  // ends with the named ops; the viewer script then scrolls the failing op itself into view.
  // The lane labels sit in their own column outside the scrolling box, so they stay in view.
  const t = timeline(f, byIndex, pairs);
  const wide = t.width > TIMELINE_VIEW_PX;
  out.push(`<div class="lin-view">${t.lanes}<div class="scroll${wide ? ' scroll-end' : ''}"${t.blockingRight === undefined ? '' : ` data-blocking-right="${Math.round(t.blockingRight)}"`}>${t.svg}</div></div>`);
  out.push('<pre class="lin-detail" aria-live="polite">Click an op for its details.</pre>');
  out.push(`<h4>${f.minimal ? 'Minimal' : 'Shrunk (not proven minimal)'} counterexample: ${f.counterexample.length} ops</h4>`);
  out.push('<table class="cx-table"><thead><tr><th>op</th><th>process</th><th>history index</th><th>outcome</th></tr></thead><tbody>');
  for (const op of f.counterexample) out.push(`<tr class="${f.blocking?.index === op.index ? 'blocking' : ''}">${refCell(op)}<td>${esc(op.outcome)}</td></tr>`);
  out.push('</tbody></table>');
  if (f.candidates.length > 0) {
    out.push('<h4>Ops that could have gone next, and why none could</h4><table><thead><tr><th>op</th><th>process</th><th>history index</th><th>why not</th></tr></thead><tbody>');
    for (const c of f.candidates) out.push(`<tr>${refCell(c.op)}<td>${esc(c.why)}${c.stateAfter ? ` (⇒ <code>${esc(c.stateAfter)}</code>)` : ''}</td></tr>`);
    out.push('</tbody></table>');
  }
  const steps = f.linearized;
  const from = Math.max(0, steps.length - MAX_PREFIX_ROWS);
  out.push(`<h4>Model states along the longest linearizable prefix (${steps.length} ops)</h4>`);
  if (from > 0) out.push(`<p class="muted">The first ${from} steps are not listed; the last ${steps.length - from} lead to the failure.</p>`);
  out.push('<table class="states"><thead><tr><th>#</th><th>op</th><th>process</th><th>history index</th><th>state after</th></tr></thead><tbody>');
  for (let i = from; i < steps.length; i++) out.push(`<tr><td>${i + 1}</td>${refCell(steps[i].op)}<td><code>${esc(steps[i].stateAfter)}</code></td></tr>`);
  out.push('</tbody></table></div>');
  return out.join('');
}
