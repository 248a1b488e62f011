/**
 * Reads a watch history out of the ops (the format the `watch` workload records):
 *
 * - `put`: invoke `{key, value}`; ok `{key, value, rev}` (the store's revision of the write).
 * - `delete`: invoke `{key}`; ok `{key, rev, deleted}` (`deleted: 0`: nothing changed, no revision).
 * - `txn`: invoke `{ops: [{type: 'put', key, value} | {type: 'delete', key}]}`; ok `{ops, rev}`.
 * - `compact`: ok `{rev}`.
 * - `watch`: invoke `{watcher, node, key | prefix, start, resume}` (or those in the completion's
 *   `watch`, when only the client knows them); its completion (any type: the events delivered are
 *   real whatever ended the stream) is the window's summary `{createdRev, end, compactRev, error}`.
 * - `event` records (op.ts), one per delivery, timed when the client received it, each naming its
 *   `watcher`: etcd's and the Raft's `{kind: put | delete, key, value, rev, batch}` (events of one
 *   response share `batch`) and `{kind: progress, rev, batch}`; ZooKeeper's `{kind: arm | fire |
 *   orphan | expired | arm-failed | connected | disconnected, sid, reg, zxid, …, sentAgo}` (types.ts
 *   ZkRecord); Consul's `{kind: return, asked, index, kvs: [[key, value, modifyIndex]], sentAgo}`.
 *   A watcher's events since its previous `watch` completion belong to its next one (a ZooKeeper
 *   watch fires between windows too); events after its last completion are counted (`strayEvents`)
 *   and not judged, as a window's records were not before.
 * - Histories recorded before events were records of their own (older runs) carry the deliveries in
 *   the completion instead: `batches: [{at, events: [{rev, key, type, value}], progress}]`, `zk:
 *   [record]` or `consul: [return]`, times on the client's clock (`clock`: its reading at
 *   completion). Each such window is turned into the event records it would be now (legacyDeliveries)
 *   and read by the same reader; a history with both forms is refused.
 * - A window's completion counts what its client received (`responses`, `returns` or `records`); a
 *   count the window's records do not match is `miscounted` (deliveries that never reached the history).
 * - `final-read`: ok `{rev, kvs: {key: [value, modRev]}, pzxid?: {parent: zxid}}`, after the heal.
 *
 * Values are compared as strings. Parsing is kept apart from checking so a benchmark can time each.
 */
import type { Op } from '../../harness/ground/history/op.js';
import { faultIntervals } from './faults.js';
import type { ConsulReturn, FinalState, KeyFilter, SegmentEnd, WatchBatch, WatchEvent, WatchHistory, WatchSegment, WriteRecord, ZkRecord } from './types.js';

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

const ZK_KINDS = ['arm', 'fire', 'orphan', 'expired', 'arm-failed', 'connected', 'disconnected'] as const;
const ZK_KIND_SET = new Set<unknown>(ZK_KINDS);

/** One delivery as the parser reads it: an event record's time and value. */
interface Delivery { time: number; value: unknown }

/** A ZooKeeper record from an event's value (`kind`; `sentAgo`: ns from its read's send to `at`). */
function zkRecordOf(x: unknown, at: number): ZkRecord {
  const r = rec(x);
  const k = ZK_KINDS.find((c) => c === r.kind) ?? 'arm-failed';
  const out: ZkRecord = { k, at, sid: num(r.sid) ?? 0 };
  for (const f of ['reg', 'zxid', 'mzxid', 'pzxid', 'lost'] as const) { const n = num(r[f]); if (n !== undefined) out[f] = n; }
  const sentAgo = num(r.sentAgo);
  if (sentAgo !== undefined) out.sent = at - sentAgo;
  if (typeof r.exists === 'boolean') out.exists = r.exists;
  if (r.value !== undefined) out.value = String(r.value);
  if (r.type !== undefined) out.type = typeof r.type === 'number' ? r.type : String(r.type);
  return out;
}

/** A Consul return from an event's value (`sentAgo`: ns from the query's send to `at`). */
function consulReturnOf(x: unknown, at: number): ConsulReturn {
  const r = rec(x);
  const kvs = Array.isArray(r.kvs) ? r.kvs.map((e) => { const [key, value, mi] = Array.isArray(e) ? e : []; return { key: String(key), value: String(value), modifyIndex: num(mi) ?? 0 }; }) : [];
  return { at, sent: at - (num(r.sentAgo) ?? 0), asked: num(r.asked) ?? 0, index: num(r.index) ?? 0, kvs };
}

/**
 * An older run's window (its deliveries inside the completion, `batches`, `zk` or `consul`, timed on
 * the client's clock, `clock` its reading at completion) as the event records a run records now,
 * timed on the history's clock: so both forms are read by one reader ({@link deliveriesOf}).
 */
function legacyDeliveries(d: Rec, time: number): Delivery[] {
  const clock = num(d.clock);
  const move = (t: unknown): number => { const n = num(t) ?? 0; return clock !== undefined ? time - (clock - n) : n; };
  const out: Delivery[] = [];
  (Array.isArray(d.batches) ? d.batches : []).forEach((b, batch) => {
    const r = rec(b);
    const at = move(r.at);
    for (const e of Array.isArray(r.events) ? r.events.map(rec) : []) out.push({ time: at, value: { kind: e.type === 'delete' ? 'delete' : 'put', key: e.key, value: e.value, rev: e.rev, batch } });
    if (num(r.progress) !== undefined) out.push({ time: at, value: { kind: 'progress', rev: r.progress, batch } });
  });
  for (const x of Array.isArray(d.zk) ? d.zk : []) {
    const { k, at: t, sent, ...rest } = rec(x);
    const at = move(t);
    // (An older record of no known kind was read as a failed arm.)
    out.push({ time: at, value: { ...rest, kind: ZK_KIND_SET.has(k) ? k : 'arm-failed', ...(num(sent) !== undefined ? { sentAgo: at - move(sent) } : {}) } });
  }
  for (const x of Array.isArray(d.consul) ? d.consul : []) {
    const { at: t, sent, ...rest } = rec(x);
    const at = move(t);
    out.push({ time: at, value: { ...rest, kind: 'return', sentAgo: at - move(sent) } });
  }
  return out;
}

/** A watcher's deliveries (in arrival order) as the segment's batches, ZooKeeper records and Consul returns. */
function deliveriesOf(events: readonly Delivery[], seg: WatchSegment): void {
  const batches: WatchBatch[] = [];
  let lastBatch: unknown;
  const zk: ZkRecord[] = [];
  const consul: ConsulReturn[] = [];
  for (const op of events) {
    const r = rec(op.value);
    const kind = r.kind;
    if (kind === 'put' || kind === 'delete' || kind === 'progress') {
      // Events of one response share its `batch` number, and arrive together.
      let b = batches[batches.length - 1];
      if (b === undefined || r.batch === undefined || r.batch !== lastBatch) { b = { at: op.time, events: [] }; batches.push(b); }
      lastBatch = r.batch;
      if (kind === 'progress') { const p = num(r.rev); if (p !== undefined) b.progress = p; }
      else b.events.push(eventOf({ rev: r.rev, key: r.key, type: kind, value: r.value }));
    } else if (ZK_KIND_SET.has(kind)) zk.push(zkRecordOf(r, op.time));
    else if (kind === 'return') consul.push(consulReturnOf(r, op.time));
  }
  if (batches.length > 0) seg.batches = batches;
  if (zk.length > 0 || seg.store === 'zookeeper') seg.zk = zk;
  if (consul.length > 0 || seg.store === 'consul') seg.consul = consul;
}

/** The watch history of `history` (writes, watch segments, final state, faults, compactions). */
export function parseWatchHistory(history: readonly Op[]): WatchHistory {
  const invokes = new Map<number | string, Op>();
  const out: WatchHistory = { writes: [], segments: [], faults: faultIntervals(history), compactions: [] };
  /** Each watcher's event records since its last `watch` completion. */
  const pending = new Map<string, Op[]>();
  let eventRecords = 0;
  let legacy = false;
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'event') {
      // An event is no op: it neither opens nor closes one (op.ts); it waits for its watcher's window.
      eventRecords++;
      const w = String(rec(op.value).watcher ?? op.process);
      const l = pending.get(w);
      if (l) l.push(op); else pending.set(w, [op]);
      continue;
    }
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
      if (op.type === 'ok' && typeof done.created === 'boolean') w.created = done.created;
      out.writes.push(w);
    } else if (op.f === 'watch') {
      // The client fills in what only it knows (watcher, node, start, resume) in the completion.
      const d = rec(op.value);
      const v = { ...rec(inv.value), ...rec(d.watch) };
      const filter: KeyFilter = v.prefix !== undefined ? { prefix: String(v.prefix) } : { key: String(v.key) };
      const end = ENDS.includes(d.end as SegmentEnd) ? (d.end as SegmentEnd) : op.type === 'ok' ? 'window' : 'error';
      const seg: WatchSegment = {
        watcher: String(v.watcher ?? inv.process), filter, start: num(v.start) ?? 0, resume: v.resume === true,
        batches: [], end,
        invokeIndex: inv.index, completeIndex: op.index, invokeTime: inv.time, completeTime: op.time,
      };
      const node = str(v.node) ?? op.node ?? inv.node;
      if (node !== undefined) seg.node = node;
      if (v.store !== undefined) seg.store = String(v.store);
      const mine = pending.get(seg.watcher);
      if (mine) { pending.delete(seg.watcher); deliveriesOf(mine, seg); }
      if (Array.isArray(d.batches) || Array.isArray(d.zk) || Array.isArray(d.consul)) {
        // An older run's window: its deliveries in the completion, read as the records they are now.
        legacy = true;
        deliveriesOf(legacyDeliveries(d, op.time), seg);
        if (Array.isArray(d.zk)) seg.zk ??= [];
        if (Array.isArray(d.consul)) seg.consul ??= [];
      }
      const created = num(d.createdRev);
      if (created !== undefined) seg.createdRev = created;
      const compactRev = num(d.compactRev);
      if (compactRev !== undefined) seg.compactRev = compactRev;
      if (d.error !== undefined || op.error !== undefined) seg.error = String(d.error ?? op.error);
      // The client's own count of the window's deliveries, against the records the history holds.
      const counted = num(d.responses) ?? num(d.returns) ?? num(d.records);
      if (counted !== undefined) {
        const recorded = num(d.responses) !== undefined ? seg.batches.length : num(d.returns) !== undefined ? seg.consul?.length ?? 0 : seg.zk?.length ?? 0;
        if (recorded !== counted) {
          const m = (out.miscounted ??= { windows: 0, counted: 0, recorded: 0 });
          m.windows++; m.counted += counted; m.recorded += recorded;
        }
      }
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
      const pzxid = new Map(Object.entries(rec(d.pzxid)).map(([k, z]) => [k, num(z) ?? 0] as const));
      if (!out.final || rev >= out.final.rev) out.final = { rev, keys, ...(pzxid.size > 0 ? { pzxid } : {}), ...(op.node ? { node: op.node } : {}) };
    }
  }
  if (legacy && eventRecords > 0) {
    throw new Error('this history has watch deliveries both as event records and inside watch completions (an older run\'s form); record it again, or check the older run\'s history as it was written');
  }
  out.eventRecords = eventRecords;
  out.strayEvents = [...pending.values()].reduce((n, l) => n + l.length, 0);
  return out;
}
