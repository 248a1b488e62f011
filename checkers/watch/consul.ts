/**
 * Consul's blocking queries (its HTTP API docs, "Blocking Queries"), each watcher's returns
 * (types.ts ConsulReturn) checked against the writes:
 *
 * - every value observed was written (`phantom-value`), by a write that did not fail
 *   (`failed-write-event`), with the ModifyIndex its write committed at (`kv-mismatch`); a return's
 *   X-Consul-Index is at least every ModifyIndex it returns (`kv-mismatch`);
 * - values appear in write order per key: a key's ModifyIndex never goes down in a watcher's
 *   returns (`reorder`);
 * - after the heal, the watcher's last return shows the final state of its keys (`not-converged`).
 *
 * Not violations: a return with nothing new (spurious returns are allowed: the docs say so), and an
 * X-Consul-Index lower than the one before — the docs tell clients to reset their index then; it is
 * counted (`indexResets`), and the client resets.
 */
import { matches } from './commits.js';
import { countAll, emptyCheck, healedAt, reporter, segmentsByWatcher } from './reporter.js';
import type { StreamCheck, StreamCheckOptions } from './etcd.js';
import type { ViolationClass, WatchHistory, WatchSegment, WriteRecord } from './types.js';

export interface ConsulCheck extends StreamCheck {
  consul: { returns: number; spurious: number; indexResets: number };
}

export function checkConsul(h: WatchHistory, segments: readonly WatchSegment[], opts: StreamCheckOptions = {}): ConsulCheck {
  const out: ConsulCheck = { ...emptyCheck(), consul: { returns: 0, spurious: 0, indexResets: 0 } };
  const report = reporter(out, h.faults, opts.maxViolations);
  const byValue = new Map<string, WriteRecord>();
  for (const w of h.writes) for (const c of w.changes) if (c.type === 'put' && c.value !== undefined) byValue.set(c.value, w);
  const byWatcher = segmentsByWatcher(segments);
  const healed = healedAt(h.faults);
  for (const [watcher, segs] of byWatcher) {
    const first = segs[0];
    const summary = { watcher, node: first.node, segments: segs.length, events: 0, bookmarks: 0, resumes: 0, compacted: 0, violations: 0 };
    const before = countAll(out);
    const where = (revs: [number, number], at: number, cls: ViolationClass, detail: string, seg: WatchSegment): void => {
      report({ class: cls, watcher, node: seg.node, store: 'consul', revs, positions: [seg.invokeIndex, seg.completeIndex], at, detail });
    };
    /** Per key: the highest ModifyIndex seen, and what the last return showed (-1: absent). */
    const maxIndex = new Map<string, number>();
    let shown = new Map<string, number>();
    let shownValue = new Map<string, string>();
    let lastIndex = 0;
    let lastReturn: { at: number; seg: WatchSegment } | undefined;
    for (const seg of segs) {
      for (const r of seg.consul ?? []) {
        out.consul.returns++;
        if (r.index < lastIndex) out.consul.indexResets++;
        lastIndex = r.index;
        const now = new Map<string, number>();
        const nowValue = new Map<string, string>();
        let news = 0;
        for (const kv of r.kvs) {
          if (!matches(seg.filter, kv.key)) continue;
          now.set(kv.key, kv.modifyIndex);
          nowValue.set(kv.key, kv.value);
          if (shown.get(kv.key) === kv.modifyIndex && shownValue.get(kv.key) === kv.value) continue; // shown already: nothing new
          news++;
          out.eventsChecked++;
          summary.events++;
          const mi: [number, number] = [kv.modifyIndex, kv.modifyIndex];
          const w = byValue.get(kv.value);
          if (!w) where(mi, r.at, 'phantom-value', `${kv.key} = ${kv.value} (ModifyIndex ${kv.modifyIndex}): no write wrote it`, seg);
          else if (w.status === 'fail') where(mi, r.at, 'failed-write-event', `${kv.key} = ${kv.value} (ModifyIndex ${kv.modifyIndex}): its write failed (history index ${w.index})`, seg);
          else if (w.rev !== undefined && w.rev !== kv.modifyIndex) where([kv.modifyIndex, w.rev], r.at, 'kv-mismatch', `${kv.key} = ${kv.value} returned with ModifyIndex ${kv.modifyIndex}; its write committed at ${w.rev}`, seg);
          else {
            if (!opts.noLags) out.lagsNs.push(r.at - w.invokeTime);
            if (opts.lagPoints) (out.lagPoints ??= []).push({ at: r.at, lagNs: r.at - w.invokeTime, watcher });
          }
          if (kv.modifyIndex > r.index) where([r.index, kv.modifyIndex], r.at, 'kv-mismatch', `X-Consul-Index ${r.index} is below the ModifyIndex ${kv.modifyIndex} of ${kv.key} it returned`, seg);
          const prev = maxIndex.get(kv.key) ?? 0;
          if (kv.modifyIndex < prev) where([kv.modifyIndex, prev], r.at, 'reorder', `${kv.key} = ${kv.value} (ModifyIndex ${kv.modifyIndex}) returned after a value with ModifyIndex ${prev}`, seg);
          else maxIndex.set(kv.key, kv.modifyIndex);
        }
        // A key shown before and absent now was deleted: that is news too.
        for (const k of shown.keys()) {
          if (now.has(k)) continue;
          if (shown.get(k)! >= 0) news++;
          now.set(k, -1);
        }
        if (news === 0) out.consul.spurious++;
        shown = now;
        shownValue = nowValue;
        lastReturn = { at: r.at, seg };
      }
    }
    // After the heal: the last return shows every key's final value (and no key the final read lacks).
    const lastSeg = segs[segs.length - 1];
    const lastWrite = h.writes.reduce((m, w) => Math.max(m, w.completeTime), 0);
    if (h.final === undefined || lastSeg.completeTime <= healed || !lastReturn || lastReturn.at <= Math.max(healed, lastWrite)) out.convergence.unchecked.push(watcher);
    else {
      out.convergence.checked.push(watcher);
      const keys = new Set<string>([...shown.keys()].filter((k) => shown.get(k)! >= 0));
      for (const k of h.final.keys.keys()) if (matches(first.filter, k)) keys.add(k);
      for (const k of keys) {
        const want = h.final.keys.get(k)?.modRev ?? -1;
        const got = shown.get(k) ?? -1;
        if (want !== got) {
          where([got, want], lastReturn.at, 'not-converged', `after the heal the watcher's last return shows ${k} at ModifyIndex ${got < 0 ? 'absent' : got}; the final read ${want < 0 ? 'has it absent' : `at ${want}`}`, lastReturn.seg);
        }
      }
    }
    summary.violations = countAll(out) - before;
    out.watchers.push(summary);
  }
  return out;
}
