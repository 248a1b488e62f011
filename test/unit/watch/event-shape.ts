/**
 * The two shapes of a watch history: an older run's, with each window's deliveries inside its `watch`
 * completion (`batches`, `zk`, `consul`, times on the client's clock), and the current one, each
 * delivery an `event` record of its own (op.ts) timed when it arrived. The generators build the
 * older shape (their windows are easier to write that way); `toEventShape` turns it into what the
 * workload's clients record now, so every generated history exists in both shapes and the checker's
 * verdicts can be compared across them.
 */
import type { Op } from '../../../harness/ground/history/op.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' ? (v as Rec) : {});

/** The event records a legacy completion's deliveries become, with their history times. */
function eventsOf(done: Op, watcher: string, node: string | undefined, nextBatch: () => number): { time: number; value: Rec; node?: string }[] {
  const d = rec(done.value);
  const clock = typeof d.clock === 'number' ? d.clock : undefined;
  const move = (t: number): number => (clock === undefined ? t : done.time - (clock - t));
  const out: { time: number; value: Rec; node?: string }[] = [];
  const push = (time: number, value: Rec): void => { out.push({ time, value: { watcher, ...value }, ...(node ? { node } : {}) }); };
  for (const b of Array.isArray(d.batches) ? d.batches.map(rec) : []) {
    const at = move(Number(b.at));
    const batch = nextBatch();
    for (const e of Array.isArray(b.events) ? b.events.map(rec) : []) {
      push(at, { kind: e.type === 'delete' ? 'delete' : 'put', key: e.key, ...(e.type === 'delete' ? {} : { value: e.value }), rev: e.rev, batch });
    }
    if (b.progress !== undefined) push(at, { kind: 'progress', rev: b.progress, batch });
  }
  for (const r of Array.isArray(d.zk) ? d.zk.map(rec) : []) {
    const { k, at, sent, ...rest } = r;
    const t = move(Number(at));
    push(t, { kind: k, ...rest, ...(sent !== undefined ? { sentAgo: t - move(Number(sent)) } : {}) });
  }
  for (const r of Array.isArray(d.consul) ? d.consul.map(rec) : []) {
    const { at, sent, ...rest } = r;
    const t = move(Number(at));
    push(t, { kind: 'return', ...rest, sentAgo: t - move(Number(sent)) });
  }
  return out;
}

/**
 * The same history with every delivery an `event` record: placed just before its window's completion
 * (so between the window's invoke and completion), then — for a history in time order — moved to its
 * time by a stable sort (an event never passes its own window's completion, nor the one before).
 */
export function toEventShape(legacy: readonly Op[]): Op[] {
  const timeOrdered = legacy.every((o, i) => i === 0 || legacy[i - 1].time <= o.time);
  const invokes = new Map<number | string, Op>();
  const batches = new Map<string, number>();
  const out: Omit<Op, 'index'>[] = [];
  for (const op of legacy) {
    if (op.type === 'invoke') invokes.set(op.process, op);
    const d = rec(op.value);
    if (op.f !== 'watch' || op.type === 'invoke' || !(Array.isArray(d.batches) || Array.isArray(d.zk) || Array.isArray(d.consul))) { out.push(op); continue; }
    const inv = invokes.get(op.process);
    const info = { ...rec(inv?.value), ...rec(d.watch) };
    const watcher = String(info.watcher ?? op.process);
    const node = typeof info.node === 'string' ? info.node : op.node;
    const nextBatch = (): number => { const n = (batches.get(watcher) ?? 0) + 1; batches.set(watcher, n); return n; };
    for (const e of eventsOf(op, watcher, node, nextBatch)) out.push({ time: e.time, process: op.process, type: 'event', f: 'event', value: e.value, ...(e.node ? { node: e.node } : {}) });
    const { batches: _b, zk: _z, consul: _c, clock: _k, ...summary } = d;
    out.push({ ...op, value: summary });
  }
  const ordered = timeOrdered ? out.map((o, i) => ({ o, i })).sort((a, b) => a.o.time - b.o.time || a.i - b.i).map((x) => x.o) : out;
  return ordered.map((o, index) => ({ ...o, index }));
}
