/**
 * The watch checker's picture (issue 27): per watcher, a lane of the events it received beside the
 * commit sequence (acknowledged writes), resumes as ticks, gaps and duplicates marked where they became
 * visible, fault bands behind; and the delivery lag (write invoked → event received) over time, the
 * latency a controller sees. etcd and the Raft's lanes are their event batches; a ZooKeeper lane is its
 * firings (hover: the registration's zxid), a Consul lane its blocking queries' returns (hover: the
 * X-Consul-Index and each key's ModifyIndex; spurious returns shorter and grey). ZooKeeper's and
 * Consul's lags come from their checkers, which alone know the write a firing or a return delivered.
 * Static SVG: it needs no script.
 */
import { checkConsul } from '../checkers/watch/consul.js';
import { parseWatchHistory } from '../checkers/watch/parse.js';
import type { WatchHistory, WatchSegment, WatchViolation } from '../checkers/watch/types.js';
import { checkZooKeeper } from '../checkers/watch/zookeeper.js';
import type { Op } from '../harness/ground/history/op.js';
import type { Band } from './analysis.js';
import { esc } from './escape.js';

const W = 900;
const LEFT = 90;
const ROW = 22;
const MAX_TICKS = 4000;
const MAX_HOVERS = 200;
const CLASS_COLOR: Record<string, string> = {
  gap: '#d62728', 'missed-resume': '#d62728', duplicate: '#ff7f0e', 'double-fire': '#ff7f0e', reorder: '#9467bd',
  'false-bookmark': '#8c564b', 'event-before-data': '#d62728', 'event-without-write': '#8c564b', 'not-converged': '#17becf',
};

/** One point of a lane: a delivery (an etcd/Raft batch with events, a ZooKeeper firing, a Consul return). */
interface LanePoint { at: number; news: boolean; title?: string }

/** A lane's points from its segments, whatever the store. */
function lanePoints(segs: readonly WatchSegment[]): LanePoint[] {
  const pts: LanePoint[] = [];
  for (const s of segs) for (const b of s.batches) if (b.events.length > 0) pts.push({ at: b.at, news: true, title: `revisions ${b.events[0].rev}..${b.events[b.events.length - 1].rev}` });
  // ZooKeeper: each firing, with the zxid its registration was armed at (a firing carries none).
  const armZxid = new Map<string, number | undefined>();
  for (const s of segs) for (const r of s.zk ?? []) {
    if (r.k === 'arm') armZxid.set(`${r.sid}:${r.reg}`, r.zxid);
    else if (r.k === 'fire') pts.push({ at: r.at, news: true, title: `firing ${String(r.type ?? '')} of registration ${r.reg} armed at zxid ${armZxid.get(`${r.sid}:${r.reg}`) ?? '?'}` });
    else if (r.k === 'orphan') pts.push({ at: r.at, news: true, title: `${String(r.type ?? '')} notification with no registration armed` });
  }
  // Consul: each return; one showing nothing new (a spurious return) is drawn apart.
  let shown = '';
  for (const s of segs) for (const r of s.consul ?? []) {
    const now = r.kvs.map((kv) => `${kv.key}@${kv.modifyIndex}`).sort().join(' ');
    pts.push({ at: r.at, news: now !== shown, title: `X-Consul-Index ${r.index} (asked ${r.asked}): ${r.kvs.map((kv) => `${kv.key} ModifyIndex ${kv.modifyIndex}`).join(', ') || 'no keys'}` });
    shown = now;
  }
  return pts.sort((a, b) => a.at - b.at);
}

/** Lag samples ZooKeeper's and Consul's checkers tie to their writes (etcd's are computed below). */
function checkerLags(h: WatchHistory): [number, number][] {
  const pts: [number, number][] = [];
  const zk = h.segments.filter((s) => s.store === 'zookeeper');
  const consul = h.segments.filter((s) => s.store === 'consul');
  const opts = { noLags: true, lagPoints: true, maxViolations: 0 };
  if (zk.length > 0) for (const p of checkZooKeeper(h, zk, opts).lagPoints ?? []) pts.push([p.at, p.lagNs / 1e6]);
  if (consul.length > 0) for (const p of checkConsul(h, consul, opts).lagPoints ?? []) pts.push([p.at, p.lagNs / 1e6]);
  return pts;
}

/** Every `step`-th of `xs`, so a lane stays drawable. */
function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.floor(i * step)]);
  return out;
}

/** The section, or '' when the run has no watch checker result. */
export function watchSection(history: readonly Op[], bands: readonly Band[], result: Record<string, unknown> | undefined): string {
  if (!result || !Array.isArray(result.watchers)) return '';
  const h = parseWatchHistory(history);
  if (h.segments.length === 0) return '';
  // A loop, not Math.max(...times): a spread of a few hundred thousand records (a watch run's event
  // records are many) overflows the call stack.
  let endNs = 1;
  for (const o of history) if (o.time > endNs) endNs = o.time;
  const x = (ns: number): number => LEFT + ((W - LEFT - 10) * Math.max(0, ns)) / endNs;
  const watchers = [...new Set(h.segments.map((s) => s.watcher))];
  const height = (watchers.length + 1) * ROW + 24;
  const parts: string[] = [];
  for (const b of bands) parts.push(`<rect x="${x(b.start * 1e9).toFixed(1)}" y="0" width="${Math.max(1, x(b.end * 1e9) - x(b.start * 1e9)).toFixed(1)}" height="${height - 20}" fill="#999" opacity="0.15"><title>${esc(`${b.fault}: ${b.detail}`)}</title></rect>`);
  const tickPath = (times: number[], row: number): string => {
    const y = row * ROW + 4;
    return thin(times, MAX_TICKS).map((t) => `M${x(t).toFixed(1)} ${y}v12`).join('');
  };
  parts.push(`<text x="4" y="${ROW - 8}" font-size="11">commits</text><path d="${tickPath(h.writes.filter((w) => w.status === 'ok').map((w) => w.completeTime), 0)}" stroke="#1f77b4" stroke-width="1"/>`);
  const violations = (Array.isArray(result.violations) ? result.violations : []) as WatchViolation[];
  watchers.forEach((w, i) => {
    const row = i + 1;
    const segs = h.segments.filter((s) => s.watcher === w);
    const pts = lanePoints(segs);
    const node = segs.find((s) => s.node !== undefined)?.node;
    const store = segs.find((s) => s.store !== undefined)?.store;
    const news = pts.filter((p) => p.news);
    const spurious = pts.filter((p) => !p.news);
    parts.push(`<text x="4" y="${row * ROW + 14}" font-size="11">${esc(w)}${node ? ` (${esc(node)})` : ''}</text>`);
    parts.push(`<path class="lane-events" data-watcher="${esc(w)}" data-points="${news.length}" d="${tickPath(news.map((p) => p.at), row)}" stroke="#2ca02c" stroke-width="1"><title>${esc(`${w}${store ? ` (${store})` : ''}: ${news.length} deliveries`)}</title></path>`);
    if (spurious.length > 0) parts.push(`<path class="lane-spurious" data-points="${spurious.length}" d="${thin(spurious, MAX_TICKS).map((p) => `M${x(p.at).toFixed(1)} ${row * ROW + 8}v4`).join('')}" stroke="#bbb" stroke-width="1"><title>${spurious.length} returns with nothing new</title></path>`);
    // Hover targets for a sample of the deliveries: what each one carried (revisions, zxid, index).
    for (const p of thin(news, MAX_HOVERS)) if (p.title) parts.push(`<rect x="${(x(p.at) - 1).toFixed(1)}" y="${row * ROW + 4}" width="2" height="12" fill="transparent"><title>${esc(`${(p.at / 1e9).toFixed(3)} s: ${p.title}`)}</title></rect>`);
    // Resumes and compactions: where one stream ended and the next began.
    for (const s of thin(segs, 400)) {
      const cx = x(s.invokeTime).toFixed(1);
      parts.push(`<path d="M${cx} ${row * ROW + 2}v16" stroke="${s.end === 'compacted' ? '#9467bd' : '#bbb'}" stroke-width="0.5"><title>${esc(`${s.resume ? 'resume' : 'watch'} from ${s.start || `current (${s.createdRev ?? '?'})`}, ended ${s.end}`)}</title></path>`);
    }
    for (const v of violations.filter((x) => x.watcher === w)) {
      parts.push(`<circle cx="${x(v.at).toFixed(1)}" cy="${row * ROW + 10}" r="4" fill="${CLASS_COLOR[v.class] ?? '#e377c2'}"><title>${esc(`${v.class} revisions ${v.revs[0]}..${v.revs[1]}: ${v.detail}${v.faults.length ? `; faults: ${v.faults.join(', ')}` : ''}${v.upstream ? `; ${v.upstream}` : ''}`)}</title></circle>`);
    }
  });
  parts.push(`<text x="${LEFT}" y="${height - 6}" font-size="10">0 s</text><text x="${W - 40}" y="${height - 6}" font-size="10">${(endNs / 1e9).toFixed(0)} s</text>`);
  const lanes = `<svg class="watch-lanes" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="watch lanes">${parts.join('')}</svg>`;
  return `<section id="watch"><h2>Watches</h2><p class="muted">Each watcher's received events (green: etcd and Raft batches, ZooKeeper firings, Consul returns with a change; short grey: Consul's spurious returns) beside the acknowledged writes (blue); grey ticks are new streams (resumes) or windows, purple ones ended compacted; dots are violations (red gap, missed resume or event before data, orange duplicate or double fire; hover for details); grey bands are faults in force.</p>${lanes}${lagChart(h, x, endNs)}</section>`;
}

/** Lag from a write's invocation to each delivery of its event, against delivery time. */
function lagChart(h: ReturnType<typeof parseWatchHistory>, x: (ns: number) => number, _endNs: number): string {
  const byValue = new Map<string, number>();
  for (const w of h.writes) for (const c of w.changes) if (c.value !== undefined) byValue.set(c.value, w.invokeTime);
  const pts: [number, number][] = checkerLags(h);
  for (const s of h.segments) for (const b of s.batches) for (const e of b.events) {
    const t0 = e.value === undefined ? undefined : byValue.get(e.value);
    if (t0 !== undefined) pts.push([b.at, (b.at - t0) / 1e6]);
  }
  if (pts.length === 0) return '';
  const sorted = pts.map((p) => p[1]).sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const top = Math.max(1, q(0.999));
  const H = 160;
  const y = (ms: number): number => 10 + (H - 30) * (1 - Math.min(1, Math.max(0, ms) / top));
  const dots = thin(pts, MAX_TICKS).map(([t, ms]) => `M${x(t).toFixed(1)} ${y(ms).toFixed(1)}h1`).join('');
  return `<h3>Delivery lag</h3><p class="muted">From the write's invocation to the watcher's receipt, per event: p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms over ${pts.length} deliveries (the axis is cut at p99.9, ${top.toFixed(0)} ms).</p>` +
    `<svg class="watch-lag" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="delivery lag"><text x="4" y="14" font-size="10">${top.toFixed(0)} ms</text><text x="4" y="${H - 20}" font-size="10">0 ms</text><path d="${dots}" stroke="#1f77b4" stroke-width="2"/></svg>`;
}
