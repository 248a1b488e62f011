/**
 * etcd's watch guarantees (etcd's "API guarantees" page; its robustness suite checks the same), each
 * watcher's stream checked against the committed sequence of changes (commits.ts):
 *
 * - ordered: revisions never go down within a watcher (`reorder`);
 * - unique: no (revision, key) delivered twice to a watcher, across resumes too (`duplicate`);
 * - atomic: the events of one revision come in one response, all of those under the watch
 *   (`split-revision`);
 * - reliable: no committed revision under the watch is skipped between what a segment delivered
 *   (`gap`), nor across a resume from last-seen + 1 (`missed-resume`);
 * - bookmarkable: a progress notification at r comes after every event ≤ r (`false-bookmark`);
 * - the events match the key-value history: a put's value was written (`phantom-value`), by a write
 *   that did not fail (`failed-write-event`), at the revision its acknowledgement gave
 *   (`kv-mismatch`).
 *
 * A segment that ended with ErrCompacted is recorded, not judged: its watcher restarts fresh. The
 * checker is written for 1M events per second: arrays in arrival order, binary searches, no per-event
 * allocation on the path of a correct stream.
 */
import { buildCommits, lowerBound, matches, type Commits } from './commits.js';
import { faultsAt } from './faults.js';
import type { ViolationClass, WriteRecord, WatchEvent, WatchHistory, WatchSegment, WatchViolation, WatcherSummary } from './types.js';

export interface StreamCheck {
  violations: WatchViolation[];
  counts: Partial<Record<ViolationClass, number>>;
  watchers: WatcherSummary[];
  eventsChecked: number;
  bookmarksChecked: number;
  /** Lag from a write's invocation to each delivery of its event, ns (for the chart and percentiles). */
  lagsNs: number[];
  /**
   * With `lagPoints`: per lag sample, when it was delivered and by which watcher (the report's chart
   * plots ZooKeeper's and Consul's lags from these: only the checker knows their triggering writes).
   */
  lagPoints?: { at: number; lagNs: number; watcher: string }[];
  /** Watchers that ran after the heal and were checked for convergence / that were not. */
  convergence: { checked: string[]; unchecked: string[] };
  compactedSegments: number;
}

export interface StreamCheckOptions {
  /** Violations kept in full (all are counted); default 50. */
  maxViolations?: number;
  /** Skip the lag samples (the throughput benchmark times the checks alone). */
  noLags?: boolean;
  /** Keep each lag sample's delivery time and watcher too (`lagPoints`, for the report). */
  lagPoints?: boolean;
}

interface WatcherState {
  summary: WatcherSummary;
  /** Delivered revisions and keys, in order of first delivery (non-decreasing unless reordered). */
  revs: number[];
  keys: string[];
  maxRev: number;
  /** The highest revision the watcher's current chain covers (events and bookmarks); undefined after a break. */
  chainHi: number | undefined;
  hi: number;
}

/** Checks every watcher's stream in `h` against the etcd guarantees. */
export function checkStreams(h: WatchHistory, opts: StreamCheckOptions = {}, commits: Commits = buildCommits(h)): StreamCheck {
  const maxViolations = opts.maxViolations ?? 50;
  const out: StreamCheck = { violations: [], counts: {}, watchers: [], eventsChecked: 0, bookmarksChecked: 0, lagsNs: [], convergence: { checked: [], unchecked: [] }, compactedSegments: 0 };
  const report = (v: Omit<WatchViolation, 'faults'>): void => {
    out.counts[v.class] = (out.counts[v.class] ?? 0) + 1;
    if (out.violations.length < maxViolations) out.violations.push({ ...v, faults: faultsAt(h.faults, v.at) });
  };
  const states = new Map<string, WatcherState>();
  const segments = [...h.segments].sort((a, b) => a.invokeIndex - b.invokeIndex);
  for (const seg of segments) {
    let st = states.get(seg.watcher);
    if (!st) {
      st = { summary: { watcher: seg.watcher, node: seg.node, segments: 0, events: 0, bookmarks: 0, resumes: 0, compacted: 0, violations: 0 }, revs: [], keys: [], maxRev: 0, chainHi: undefined, hi: 0 };
      states.set(seg.watcher, st);
    }
    const before = countAll(out);
    checkSegment(seg, st, commits, out, report, opts);
    st.summary.violations += countAll(out) - before;
  }
  for (const st of states.values()) out.watchers.push(st.summary);
  checkConvergence(h, commits, states, segments, out, report);
  return out;
}

function countAll(out: StreamCheck): number {
  let n = 0;
  for (const c of Object.values(out.counts)) n += c ?? 0;
  return n;
}

type Report = (v: Omit<WatchViolation, 'faults'>) => void;

function checkSegment(seg: WatchSegment, st: WatcherState, commits: Commits, out: StreamCheck, report: Report, opts: StreamCheckOptions): void {
  const s = st.summary;
  s.segments++;
  if (seg.resume) s.resumes++;
  if (seg.node !== undefined) s.node = seg.node;
  const where = (revs: [number, number], at: number, cls: ViolationClass, detail: string): void => {
    report({ class: cls, watcher: seg.watcher, node: seg.node, ...(seg.store !== undefined ? { store: seg.store } : {}), revs, positions: [seg.invokeIndex, seg.completeIndex], at, detail });
  };
  if (!seg.resume) st.chainHi = undefined; // A fresh watch starts a new chain.
  if (seg.end === 'compacted') {
    s.compacted++;
    out.compactedSegments++;
    st.chainHi = undefined; // ErrCompacted: the watcher cannot resume, it starts over.
    return;
  }
  // Segment-local: the revision being delivered, the batch it came in, how many of its events came.
  let curRev = -1;
  let curBatch = -1;
  let curCount = 0;
  let firstRev = Infinity;
  let lastRev = -Infinity;
  let sorted = true;
  let maxBookmark = -Infinity;
  let hi = -Infinity;
  const delivered: number[] = [];
  const closeRev = (at: number): void => {
    if (curRev < 0) return;
    const list = commits.byRev.get(curRev);
    if (list && list.length > 1) {
      let want = 0;
      for (const c of list) if (matches(seg.filter, c.key)) want++;
      if (curCount < want) where([curRev, curRev], at, 'split-revision', `revision ${curRev} changed ${want} watched keys; the watch delivered ${curCount}`);
    }
  };
  for (let bi = 0; bi < seg.batches.length; bi++) {
    const b = seg.batches[bi];
    for (const e of b.events) {
      out.eventsChecked++;
      s.events++;
      const r = e.rev;
      const w = checkKv(e, seg, b.at, commits, where);
      if (w !== undefined && !opts.noLags) out.lagsNs.push(b.at - w.invokeTime);
      if (r <= maxBookmark) where([r, maxBookmark], b.at, 'false-bookmark', `event at revision ${r} came after a progress notification at ${maxBookmark}`);
      // Ordered and unique, across the watcher's whole stream.
      if (r > st.maxRev) {
        st.maxRev = r;
        st.revs.push(r);
        st.keys.push(e.key);
      } else if (r === st.maxRev) {
        let dup = false;
        for (let i = st.revs.length - 1; i >= 0 && st.revs[i] === r; i--) if (st.keys[i] === e.key) { dup = true; break; }
        if (dup) where([r, r], b.at, 'duplicate', `revision ${r} key ${e.key} delivered twice`);
        else { st.revs.push(r); st.keys.push(e.key); }
      } else {
        let dup = false;
        for (let i = lowerBound(st.revs, r); i < st.revs.length && st.revs[i] === r; i++) if (st.keys[i] === e.key) { dup = true; break; }
        if (dup) where([r, r], b.at, 'duplicate', `revision ${r} key ${e.key} delivered again after revision ${st.maxRev}`);
        else where([r, st.maxRev], b.at, 'reorder', `revision ${r} key ${e.key} delivered after revision ${st.maxRev}`);
      }
      // Atomic: one revision's events in one response.
      if (r === curRev) {
        if (bi !== curBatch) where([r, r], b.at, 'split-revision', `revision ${r} delivered in two responses`);
        curCount++;
      } else {
        closeRev(b.at);
        curRev = r;
        curBatch = bi;
        curCount = 1;
      }
      if (r < lastRev) sorted = false;
      if (r !== lastRev) delivered.push(r);
      lastRev = Math.max(lastRev, r);
      if (r < firstRev) firstRev = r;
      if (r > hi) hi = r;
    }
    if (b.progress !== undefined) {
      out.bookmarksChecked++;
      s.bookmarks++;
      if (b.progress > maxBookmark) maxBookmark = b.progress;
      if (b.progress > hi) hi = b.progress;
    }
  }
  closeRev(seg.completeTime);
  // Reliable: every known revision under the watch in [lo, hi] was delivered.
  let lo = seg.start > 0 ? seg.start : seg.createdRev !== undefined ? seg.createdRev + 1 : firstRev;
  const resumedFrom = seg.resume && st.chainHi !== undefined ? st.chainHi + 1 : undefined;
  if (resumedFrom !== undefined && resumedFrom < lo) lo = resumedFrom;
  if (hi >= lo) {
    const want = commits.revsFor(seg.filter);
    const got = sorted ? delivered : [...new Set(delivered)].sort((a, b) => a - b);
    let gi = lowerBound(got, lo);
    let run: { cls: ViolationClass; from: number; to: number } | undefined;
    const flush = (): void => {
      if (!run) return;
      const at = arrivalAfter(seg, run.from);
      const detail = run.cls === 'missed-resume'
        ? `resumed from ${seg.start} (last seen ${resumedFrom !== undefined ? resumedFrom - 1 : '?'}) but revisions ${run.from}..${run.to} never came`
        : run.cls === 'false-bookmark' ? `a progress notification promised revisions ${run.from}..${run.to}, which never came`
          : `revisions ${run.from}..${run.to} skipped`;
      where([run.from, run.to], at, run.cls, detail);
      run = undefined;
    };
    for (let wi = lowerBound(want, lo); wi < want.length && want[wi] <= hi; wi++) {
      const r = want[wi];
      while (gi < got.length && got[gi] < r) gi++;
      if (gi < got.length && got[gi] === r) { flush(); continue; }
      const cls = classifyMissing(r, firstRev, lastRev, resumedFrom);
      if (run && run.cls === cls) run.to = r;
      else { flush(); run = { cls, from: r, to: r }; }
    }
    flush();
  }
  if (hi > st.hi) st.hi = hi;
  // A fresh watch (the first, or after ErrCompacted) starts at its creation revision: a client re-lists
  // there, so for convergence it is caught up to that revision.
  if (!seg.resume && seg.createdRev !== undefined && seg.createdRev > st.hi) st.hi = seg.createdRev;
  // The chain goes on from what this segment covered (or what the previous one did, if it covered nothing).
  const chain = hi >= lo ? Math.max(st.chainHi ?? -Infinity, hi) : st.chainHi ?? lo - 1;
  st.chainHi = Number.isFinite(chain) ? chain : undefined;
}

/** When the watcher could have noticed revision `r` missing: the first response past it, else the segment's end. */
function arrivalAfter(seg: WatchSegment, r: number): number {
  for (const b of seg.batches) {
    if ((b.progress !== undefined && b.progress >= r)) return b.at;
    for (const e of b.events) if (e.rev > r) return b.at;
  }
  return seg.completeTime;
}

/**
 * A missing revision: before the first event of a resumed segment it was lost at the resume; between
 * two delivered events, a gap; past the last delivered event only a progress notification covered it,
 * so the notification was false.
 */
function classifyMissing(r: number, firstRev: number, lastRev: number, resumedFrom: number | undefined): ViolationClass {
  if (resumedFrom !== undefined && r < firstRev) return 'missed-resume';
  if (r < lastRev) return 'gap';
  return 'false-bookmark';
}

/**
 * An event against the key-value history: written, not by a failed write, at the acknowledged
 * revision. Returns the write of a put's value (for the lag), when it is a correct event.
 */
function checkKv(e: WatchEvent, seg: WatchSegment, at: number, commits: Commits, where: (revs: [number, number], at: number, cls: ViolationClass, detail: string) => void): WriteRecord | undefined {
  // The common case first: the revision's acknowledged write made exactly this change.
  const list = commits.byRev.get(e.rev);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (c.key === e.key && c.source === 'ack' && c.type === e.type && c.value === e.value) return c.write;
    }
  }
  let w: WriteRecord | undefined;
  if (e.type === 'put') {
    w = e.value === undefined ? undefined : commits.byValue.get(e.value);
    if (!w) { where([e.rev, e.rev], at, 'phantom-value', `key ${e.key} = ${String(e.value)} at revision ${e.rev}: no write wrote it`); return undefined; }
    if (w.status === 'fail') { where([e.rev, e.rev], at, 'failed-write-event', `key ${e.key} = ${e.value} at revision ${e.rev}: its write failed (history index ${w.index})`); return undefined; }
    if (w.rev !== undefined && w.rev !== e.rev) { where([e.rev, w.rev], at, 'kv-mismatch', `key ${e.key} = ${e.value} delivered at revision ${e.rev}; its write was acknowledged at revision ${w.rev}`); return undefined; }
  }
  if (!list) return w;
  for (const c of list) {
    if (c.key !== e.key) continue;
    if (c.type !== e.type || (e.type === 'put' && c.value !== e.value)) {
      where([e.rev, e.rev], at, 'kv-mismatch', `key ${e.key} at revision ${e.rev}: the watch says ${e.type} ${e.value ?? ''}, the history ${c.type} ${c.value ?? ''}`.trim());
      return undefined;
    }
    return w;
  }
  if (list[0].source === 'ack' && seg.filter !== undefined) {
    where([e.rev, e.rev], at, 'kv-mismatch', `key ${e.key} at revision ${e.rev}: the write acknowledged at that revision did not touch it`);
    return undefined;
  }
  return w;
}

/** After the heal, every watcher that ran on delivered (or bookmarked) the last known change under its keys. */
function checkConvergence(h: WatchHistory, commits: Commits, states: Map<string, WatcherState>, segments: readonly WatchSegment[], out: StreamCheck, report: Report): void {
  const healed = h.faults.reduce((m, f) => Math.max(m, f.end), 0);
  const lastSeg = new Map<string, WatchSegment>();
  for (const s of segments) lastSeg.set(s.watcher, s);
  for (const [watcher, st] of states) {
    const seg = lastSeg.get(watcher)!;
    if (h.final === undefined || seg.completeTime <= healed) { out.convergence.unchecked.push(watcher); continue; }
    out.convergence.checked.push(watcher);
    const want = commits.revsFor(seg.filter);
    const i = lowerBound(want, h.final.rev + 1) - 1;
    const last = i >= 0 ? want[i] : 0;
    if (st.hi < last) {
      st.summary.violations++;
      report({ class: 'not-converged', watcher, node: seg.node, ...(seg.store !== undefined ? { store: seg.store } : {}), revs: [st.hi, last], positions: [seg.invokeIndex, seg.completeIndex], at: seg.completeTime,
        detail: `after the heal the watcher reached revision ${st.hi}; the last change under its keys was at ${last}` });
    }
  }
}
