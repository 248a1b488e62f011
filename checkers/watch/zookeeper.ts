/**
 * ZooKeeper's watch promises (its Programmer's Guide, "ZooKeeper Watches"), each watcher's log
 * (types.ts ZkRecord) checked against the writes' zxids:
 *
 * - event before data: "a client will see a watch event for a znode it is watching before seeing the
 *   new data that corresponds to that znode". The registration's read saw the state at its reply's
 *   zxid z; the firing was triggered by the first change under the watch with a zxid above z; the
 *   read right after the firing (the re-arm) must answer at a zxid at least the trigger's
 *   (`event-before-data`). A firing with no write after its read is `event-without-write`.
 * - once per registration: watches are one-shot; a registration that fires twice, or a notification
 *   that finds no registration armed, is `double-fire`.
 * - replies in order: within one session the replies' zxids never go down (`reorder`).
 * - the data read is the data written: a value read was written (`phantom-value`), not by a failed
 *   write (`failed-write-event`), at the mzxid the read gave (`kv-mismatch`).
 * - after the heal, each watcher's last registration answered at or above the last change under its
 *   watch, or it fired and re-armed (`not-converged`) — judged for a watcher whose session was
 *   connected (to a serving server: ZooKeeper refuses sessions otherwise) at the end of its last
 *   window; one cut off then is `unchecked`.
 *
 * Not violations: changes coalesced between a firing and the re-arm (no gap rule: ZooKeeper promises
 * none), and a session expiry, which loses the session's watches (counted as `lostToExpiry`).
 * A firing whose trigger may be an indeterminate write (zxid unknown) is not judged (`unchecked`).
 */
import { countAll, emptyCheck, healedAt, reporter, segmentsByWatcher } from './reporter.js';
import type { StreamCheck, StreamCheckOptions } from './etcd.js';
import type { WatchHistory, WatchSegment, WriteRecord, ZkRecord } from './types.js';

interface KnownChange { zxid: number; write: WriteRecord }

export interface ZkCheck extends StreamCheck {
  zk: { arms: number; fires: number; judged: number; unchecked: number; lostToExpiry: number; expiries: number; armFailures: number };
}

const parentOf = (key: string): string => key.slice(0, key.lastIndexOf('/'));
/** The znode a segment watches: its key (data watch) or its prefix's parent (child watch). */
const watchedPath = (s: WatchSegment): string => s.filter.key ?? (s.filter.prefix ?? '/').replace(/\/$/, '');
const isChildWatch = (s: WatchSegment): boolean => s.filter.key === undefined;

/** The first change in `list` (ascending) with a zxid above `z`. */
function firstAbove(list: readonly KnownChange[] | undefined, z: number): KnownChange | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (list[m].zxid <= z) lo = m + 1; else hi = m; }
  return list[lo];
}

export function checkZooKeeper(h: WatchHistory, segments: readonly WatchSegment[], opts: StreamCheckOptions = {}): ZkCheck {
  const out: ZkCheck = { ...emptyCheck(), zk: { arms: 0, fires: 0, judged: 0, unchecked: 0, lostToExpiry: 0, expiries: 0, armFailures: 0 } };
  const report = reporter(out, h.faults, opts.maxViolations);
  // The known changes: per znode its data changes, per parent its child changes (a create or a delete).
  const data = new Map<string, KnownChange[]>();
  const child = new Map<string, KnownChange[]>();
  const byValue = new Map<string, WriteRecord>();
  const located = new Set<WriteRecord>();
  const add = (m: Map<string, KnownChange[]>, k: string, c: KnownChange): void => { const l = m.get(k); if (l) l.push(c); else m.set(k, [c]); };
  for (const w of h.writes) {
    for (const c of w.changes) if (c.type === 'put' && c.value !== undefined) byValue.set(c.value, w);
    if (w.status !== 'ok' || w.rev === undefined) continue;
    for (const c of w.changes) {
      add(data, c.key, { zxid: w.rev, write: w });
      if (c.type === 'delete' || w.created === true) add(child, parentOf(c.key), { zxid: w.rev, write: w });
    }
  }
  // A value read with its mzxid locates an indeterminate put (values are unique).
  for (const s of segments) {
    for (const r of s.zk ?? []) {
      if (r.k !== 'arm' || r.value === undefined || r.mzxid === undefined) continue;
      const w = byValue.get(r.value);
      if (w && w.rev === undefined && w.status !== 'fail' && !located.has(w)) {
        located.add(w);
        // All of a multi's changes committed at that one zxid.
        for (const c of w.changes) add(data, c.key, { zxid: r.mzxid, write: w });
      }
    }
  }
  for (const m of [data, child]) for (const l of m.values()) l.sort((a, b) => a.zxid - b.zxid);
  /** Writes under the watch whose zxid is unknown and that may have landed within [from, to] (ns). */
  const unknownWrites = (seg: WatchSegment, from: number, to: number): boolean => {
    const path = watchedPath(seg);
    for (const w of h.writes) {
      if (w.status === 'fail' || w.invokeTime >= to || w.completeTime <= from) continue;
      const touches = w.changes.some((c) => (isChildWatch(seg) ? parentOf(c.key) === path : c.key === path));
      if (!touches) continue;
      // Data: only an unlocated write is unknown. Children: any indeterminate put or delete (whether a
      // put created its znode is not known); a multi of setData changes no child list.
      if (isChildWatch(seg) ? w.status === 'info' && w.changes.length === 1 : w.rev === undefined && !located.has(w)) return true;
    }
    return false;
  };

  const byWatcher = segmentsByWatcher(segments);
  const healed = healedAt(h.faults);
  for (const [watcher, segs] of byWatcher) {
    const first = segs[0];
    const last = segs[segs.length - 1];
    const path = watchedPath(first);
    const changes = (isChildWatch(first) ? child : data).get(path);
    const summary = { watcher, node: first.node, segments: segs.length, events: 0, bookmarks: 0, resumes: 0, compacted: 0, violations: 0 };
    const before = countAll(out);
    const where = (revs: [number, number], at: number, cls: Parameters<typeof report>[0]['class'], detail: string, seg: WatchSegment): void => {
      report({ class: cls, watcher, node: seg.node, store: 'zookeeper', revs, positions: [seg.invokeIndex, seg.completeIndex], at, detail });
    };
    // Records with the segment they came in; arms by (session, registration).
    const recs: { r: ZkRecord; seg: WatchSegment }[] = [];
    for (const seg of segs) for (const r of seg.zk ?? []) recs.push({ r, seg });
    const arms = new Map<string, ZkRecord>();
    const fires = new Map<string, number>();
    const armsOfSid = new Map<number, ZkRecord[]>();
    for (const { r, seg } of recs) {
      if (r.k !== 'arm') continue;
      out.zk.arms++;
      arms.set(`${r.sid}:${r.reg}`, r);
      const l = armsOfSid.get(r.sid);
      if (l) l.push(r); else armsOfSid.set(r.sid, [r]);
      if (r.value !== undefined) {
        const w = byValue.get(r.value);
        const z: [number, number] = [r.mzxid ?? 0, r.mzxid ?? 0];
        if (!w) where(z, r.at, 'phantom-value', `${path} = ${r.value} read at zxid ${r.zxid}: no write wrote it`, seg);
        else if (w.status === 'fail') where(z, r.at, 'failed-write-event', `${path} = ${r.value} read at zxid ${r.zxid}: its write failed (history index ${w.index})`, seg);
        else if (w.rev !== undefined && r.mzxid !== undefined && w.rev !== r.mzxid) where([r.mzxid, w.rev], r.at, 'kv-mismatch', `${path} = ${r.value} read with mzxid ${r.mzxid}; its write committed at zxid ${w.rev}`, seg);
      }
    }
    // Replies in order: within a session, registrations (sent one at a time) answer at non-decreasing zxids.
    for (const l of armsOfSid.values()) {
      l.sort((a, b) => (a.reg ?? 0) - (b.reg ?? 0));
      for (let i = 1; i < l.length; i++) {
        if ((l[i].zxid ?? 0) < (l[i - 1].zxid ?? 0)) {
          const seg = recs.find((x) => x.r === l[i])!.seg;
          where([l[i].zxid ?? 0, l[i - 1].zxid ?? 0], l[i].at, 'reorder', `registration ${l[i].reg} answered at zxid ${l[i].zxid}, below the session's earlier reply at ${l[i - 1].zxid}`, seg);
        }
      }
    }
    for (const { r, seg } of recs) {
      if (r.k === 'expired') { out.zk.expiries++; if (r.lost !== undefined) out.zk.lostToExpiry++; continue; }
      if (r.k === 'arm-failed') { out.zk.armFailures++; continue; }
      if (r.k === 'orphan') {
        summary.events++;
        out.eventsChecked++;
        where([0, 0], r.at, 'double-fire', `a ${String(r.type)} notification for ${path} came with no registration armed (session ${r.sid})`, seg);
        continue;
      }
      if (r.k !== 'fire') continue;
      out.zk.fires++;
      out.eventsChecked++;
      summary.events++;
      const id = `${r.sid}:${r.reg}`;
      const n = (fires.get(id) ?? 0) + 1;
      fires.set(id, n);
      const arm = arms.get(id);
      if (n > 1) { where([arm?.zxid ?? 0, arm?.zxid ?? 0], r.at, 'double-fire', `registration ${r.reg} (armed at zxid ${arm?.zxid ?? '?'}) fired ${n} times`, seg); continue; }
      if (!arm || arm.zxid === undefined) { out.zk.unchecked++; continue; }
      if (unknownWrites(seg, arm.sent ?? arm.at, r.at)) { out.zk.unchecked++; continue; }
      const trigger = firstAbove(changes, arm.zxid);
      if (!trigger || trigger.write.invokeTime >= r.at) {
        where([arm.zxid, arm.zxid], r.at, 'event-without-write', `registration ${r.reg} armed at zxid ${arm.zxid} fired (${String(r.type)}) with no write to ${path} after it`, seg);
        continue;
      }
      out.zk.judged++;
      if (!opts.noLags) out.lagsNs.push(r.at - trigger.write.invokeTime);
      if (opts.lagPoints) (out.lagPoints ??= []).push({ at: r.at, lagNs: r.at - trigger.write.invokeTime, watcher });
      // The read right after the event: the session's next registration.
      const next = (armsOfSid.get(r.sid) ?? []).find((a) => (a.reg ?? 0) > (r.reg ?? 0));
      if (next && next.zxid !== undefined && next.zxid < trigger.zxid) {
        where([next.zxid, trigger.zxid], next.at, 'event-before-data', `registration ${r.reg} fired for the write at zxid ${trigger.zxid}; the read right after it answered at zxid ${next.zxid}`, seg);
      }
    }
    // Convergence: the last registration after the heal answered at or above the last change, or fired.
    if (h.final === undefined || last.completeTime <= healed) out.convergence.unchecked.push(watcher);
    else {
      const lastSid = Math.max(-1, ...armsOfSid.keys());
      const lastArm = (armsOfSid.get(lastSid) ?? []).at(-1);
      const expiredAfter = recs.some(({ r }) => r.k === 'expired' && r.sid >= lastSid);
      const fired = lastArm !== undefined && fires.has(`${lastArm.sid}:${lastArm.reg}`);
      // Connected to a serving server at the end (for a second at least, for SET_WATCHES to be answered):
      // the last connect or disconnect is a connect, or there was none (connected throughout).
      const states = recs.filter(({ r }) => r.k === 'connected' || r.k === 'disconnected');
      const lastState = states.at(-1)?.r;
      const connected = lastState === undefined || (lastState.k === 'connected' && lastState.at <= last.completeTime - 1e9);
      if (!lastArm || lastArm.zxid === undefined || expiredAfter || fired || !connected) out.convergence.unchecked.push(watcher);
      else {
        out.convergence.checked.push(watcher);
        const target = isChildWatch(first) ? h.final.pzxid?.get(path) ?? changes?.at(-1)?.zxid ?? 0
          : h.final.keys.get(path)?.modRev ?? changes?.at(-1)?.zxid ?? 0;
        if (lastArm.zxid < target) {
          where([lastArm.zxid, target], last.completeTime, 'not-converged', `after the heal the last registration answered at zxid ${lastArm.zxid} and never fired; the last change under ${path} was at ${target}`, last);
        }
      }
    }
    summary.violations = countAll(out) - before;
    out.watchers.push(summary);
  }
  return out;
}
