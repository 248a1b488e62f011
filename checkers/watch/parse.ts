/**
 * Reads a watch history out of the ops (the format the `watch` workload records):
 *
 * - `put`: invoke `{key, value}`; ok `{key, value, rev}` (the store's revision of the write).
 * - `delete`: invoke `{key}`; ok `{key, rev, deleted}` (`deleted: 0`: nothing changed, no revision).
 * - `txn`: invoke `{ops: [{type: 'put', key, value} | {type: 'delete', key}]}`; ok `{ops, rev}`.
 * - `compact`: ok `{rev}`.
 * - `watch`: invoke `{watcher, node, key | prefix, start, resume}` (or those in the completion's
 *   `watch`, when only the client knows them); its completion (any type: the events delivered are
 *   real whatever ended the stream) `{createdRev, batches: [{at, events: [{rev, key, type, value}],
 *   progress}], end, compactRev, error, clock}` (`clock`: the client's ns clock at completion, for
 *   arrival times `at` on that clock).
 * - `final-read`: ok `{rev, kvs: {key: [value, modRev]}}`, after the heal.
 *
 * Values are compared as strings. Parsing is kept apart from checking so a benchmark can time each.
 */
import type { Op } from '../../harness/ground/history/op.js';
import { faultIntervals } from './faults.js';
import type { FinalState, KeyFilter, SegmentEnd, WatchBatch, WatchEvent, WatchHistory, WatchSegment, WriteRecord } from './types.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' ? (v as Rec) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

const WRITE_FS = new Set(['put', 'delete', 'txn']);
const ENDS: readonly SegmentEnd[] = ['window', 'error', 'compacted', 'canceled'];

function changesOf(f: string, v: Rec): WriteRecord['changes'] {
  if (f === 'put') return [{ key: String(v.key), type: 'put', value: str(v.value) }];
  if (f === 'delete') return [{ key: String(v.key), type: 'delete' }];
  const ops = Array.isArray(v.ops) ? v.ops : [];
  return ops.map((o) => { const r = rec(o); return r.type === 'delete' ? { key: String(r.key), type: 'delete' as const } : { key: String(r.key), type: 'put' as const, value: str(r.value) }; });
}

function eventOf(e: unknown): WatchEvent {
  const r = rec(e);
  const ev: WatchEvent = { rev: num(r.rev) ?? 0, key: String(r.key), type: r.type === 'delete' ? 'delete' : 'put' };
  if (ev.type === 'put') ev.value = str(r.value);
  return ev;
}

function batchOf(b: unknown): WatchBatch {
  const r = rec(b);
  const out: WatchBatch = { at: num(r.at) ?? 0, events: Array.isArray(r.events) ? r.events.map(eventOf) : [] };
  const p = num(r.progress);
  if (p !== undefined) out.progress = p;
  return out;
}

/** The watch history of `history` (writes, watch segments, final state, faults, compactions). */
export function parseWatchHistory(history: readonly Op[]): WatchHistory {
  const invokes = new Map<number | string, Op>();
  const out: WatchHistory = { writes: [], segments: [], faults: faultIntervals(history), compactions: [] };
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') { invokes.set(op.process, op); continue; }
    const inv = invokes.get(op.process);
    invokes.delete(op.process);
    if (!inv) continue;
    if (WRITE_FS.has(op.f)) {
      // The invoke says what was asked; an ok may be for a delete that deleted nothing.
      const v = rec(inv.value);
      const done = rec(op.value);
      if (op.type === 'ok' && op.f === 'delete' && num(done.deleted) === 0) continue;
      const w: WriteRecord = { status: op.type as WriteRecord['status'], changes: changesOf(op.f, v), invokeTime: inv.time, completeTime: op.time, index: inv.index };
      if (op.type === 'ok') w.rev = num(done.rev);
      out.writes.push(w);
    } else if (op.f === 'watch') {
      // The client fills in what only it knows (watcher, node, start, resume) in the completion.
      const d = rec(op.value);
      const v = { ...rec(inv.value), ...rec(d.watch) };
      const filter: KeyFilter = v.prefix !== undefined ? { prefix: String(v.prefix) } : { key: String(v.key) };
      const end = ENDS.includes(d.end as SegmentEnd) ? (d.end as SegmentEnd) : op.type === 'ok' ? 'window' : 'error';
      const seg: WatchSegment = {
        watcher: String(v.watcher ?? inv.process), filter, start: num(v.start) ?? 0, resume: v.resume === true,
        batches: Array.isArray(d.batches) ? d.batches.map(batchOf) : [], end,
        invokeIndex: inv.index, completeIndex: op.index, invokeTime: inv.time, completeTime: op.time,
      };
      // Arrival times on the client's clock (\`clock\`: its reading at completion) move onto the history's.
      const clock = num(d.clock);
      if (clock !== undefined) for (const b of seg.batches) b.at = op.time - (clock - b.at);
      const node = str(v.node) ?? op.node ?? inv.node;
      if (node !== undefined) seg.node = node;
      if (v.store !== undefined) seg.store = String(v.store);
      const created = num(d.createdRev);
      if (created !== undefined) seg.createdRev = created;
      const compactRev = num(d.compactRev);
      if (compactRev !== undefined) seg.compactRev = compactRev;
      if (d.error !== undefined || op.error !== undefined) seg.error = String(d.error ?? op.error);
      out.segments.push(seg);
    } else if (op.f === 'compact' && op.type === 'ok') {
      const rev = num(rec(op.value).rev);
      if (rev !== undefined) out.compactions.push({ rev, time: op.time });
    } else if (op.f === 'final-read' && op.type === 'ok') {
      const d = rec(op.value);
      const keys: FinalState['keys'] = new Map();
      for (const [k, kv] of Object.entries(rec(d.kvs))) {
        const [value, modRev] = Array.isArray(kv) ? kv : [];
        keys.set(k, { value: String(value), modRev: num(modRev) ?? 0 });
      }
      // The latest final read wins (they all follow the heal; a later one saw at least as much).
      const rev = num(d.rev) ?? 0;
      if (!out.final || rev >= out.final.rev) out.final = { rev, keys, ...(op.node ? { node: op.node } : {}) };
    }
  }
  return out;
}
