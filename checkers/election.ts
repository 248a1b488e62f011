/**
 * The election checker: who led, in which epoch, as the candidates and the observers saw it.
 *
 * A *sighting* says "leader L led in epoch E": a candidate's `campaign` ok (it was elected), its `lead`
 * ok (the store confirmed it still led while the op ran), an observer's `observe` ok naming the leader
 * it saw, and for the bundled Raft a node's own word that it leads (`self`) or led (`led`, the terms
 * it remembers leading). Four properties, each violation named by its class:
 *
 * - `two-leaders-one-epoch`: two different leaders sighted in one epoch, by anyone, at any time.
 * - `decreasing-epoch`: epochs strictly increase in real time. Among *confirmed* sightings
 *   (`campaign` and `lead` ok: the store vouched for them while the op ran), one of epoch E that
 *   completed before another of epoch E' < E was invoked. A Raft node's belief that it leads is not
 *   confirmed (a cut-off Raft leader believes until check-quorum deposes it), so it is not judged here.
 * - `observer-out-of-order`: each observer (process) sees leaders in epoch order: the epochs of its
 *   successive `observe` oks never decrease.
 * - `no-failover`: after a fault cut the current leader off, a leader of a higher epoch is sighted
 *   within TTL + `boundMs`. Cut off: a kill or pause that hit the leader's node, or a partition that
 *   left the leader's node without a majority. The deadline counts from the fault's start when the
 *   rest of the cluster keeps a majority, else from the fault's end (nobody can elect before).
 *   Another fault in force within the window moves the deadline to its end (it may take the rest's
 *   majority too). Faults whose deadline falls after the history's end are counted as not judged.
 *   The measured failover times are reported.
 *
 * Op values (see harness/middle/workloads/election.ts): `campaign`/`lead` ok `{node, leader, epoch,
 * ttlMs?}`; `resign` `{leader, epoch}`; `observe` ok `{epoch, leader, node?, led?: {by, terms}}` (`epoch:
 * null` when no leader was seen). Nemesis completions carry the fault record `effect` (nodes hit).
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import { AnomalyLog, type Anomaly } from './common.js';

export type ElectionViolationClass = 'two-leaders-one-epoch' | 'decreasing-epoch' | 'observer-out-of-order' | 'no-failover';

export interface Sighting {
  /** History index of the completion that sighted it. */
  index: number;
  /** History index of the op's invocation (the same as `index` when unknown). */
  invoked: number;
  process: number;
  f: string;
  epoch: number;
  leader: string;
  /** Node of the leader (its client's node, or the Raft node itself), when known. */
  node?: string;
  /** Vouched for by the store while the op ran (campaign, lead). */
  confirmed: boolean;
  timeNs: number;
}

export interface Failover {
  /** Index of the nemesis op that cut the leader off. */
  fault: number;
  f: string;
  leader: string;
  epoch: number;
  node?: string;
  /** From the fault's start to the first sighting of a higher epoch, ms; absent when none came. */
  failoverMs?: number;
  /** The deadline counted from the fault's `start` (the rest kept a majority) or its `end`. */
  from: 'start' | 'end';
  deadlineMs: number;
  /** The higher epoch first sighted. */
  nextEpoch?: number;
}

export interface ElectionOptions {
  /** Extra time beyond the TTL a new leader may take, ms (default 10 s). */
  boundMs?: number;
  /** The lease/session TTL, ms, when the ops do not record one (`ttlMs` in campaign values); default 0. */
  ttlMs?: number;
}

export interface ElectionResult extends CheckResult {
  checker: 'election';
  sightings: number;
  /** Distinct epochs sighted, and how many leaders they had. */
  epochs: number;
  leaders: number;
  twoLeadersOneEpoch: Anomaly<{ epoch: number; leaders: string[]; indices: number[] }>;
  decreasingEpoch: Anomaly<{ earlier: { index: number; epoch: number; leader: string }; later: { index: number; epoch: number; leader: string } }>;
  observerOutOfOrder: Anomaly<{ process: number; before: { index: number; epoch: number; leader: string }; after: { index: number; epoch: number; leader: string } }>;
  noFailover: Anomaly<Failover>;
  failover: { ttlMs: number; boundMs: number; cutOff: number; judged: number; notJudged: number; maxMs?: number; meanMs?: number; timesMs: number[] };
  /** The classes found, in the order above. */
  classes: ElectionViolationClass[];
  reason?: string;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Every sighting of the history, in history order. */
export function sightings(history: readonly Op[]): Sighting[] {
  const invokedAt = new Map<number | string, number>();
  const out: Sighting[] = [];
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') { invokedAt.set(op.process, op.index); continue; }
    const invoked = invokedAt.get(op.process) ?? op.index;
    if (op.type !== 'ok' || typeof op.process !== 'number') continue;
    const v = obj(op.value);
    if (!v) continue;
    const epoch = num(v.epoch);
    const leader = str(v.leader);
    const base = { index: op.index, invoked, process: op.process, f: op.f, timeNs: op.time };
    if (op.f === 'campaign' || op.f === 'lead') {
      if (epoch !== undefined && leader !== undefined) out.push({ ...base, epoch, leader, node: str(v.node), confirmed: true });
    } else if (op.f === 'observe') {
      if (epoch !== undefined && leader !== undefined) out.push({ ...base, epoch, leader, node: str(v.node), confirmed: false });
      // A Raft node's remembered reigns: `led.by` led `led.terms` (no time attached: only epochs are judged).
      const led = obj(v.led);
      const by = str(led?.by);
      if (by !== undefined && Array.isArray(led?.terms)) {
        for (const t of led.terms as unknown[]) {
          const e = num(t);
          if (e !== undefined && !(e === epoch && by === leader)) out.push({ ...base, f: 'led', epoch: e, leader: by, node: by, confirmed: false });
        }
      }
    }
  }
  return out;
}

interface Fault { index: number; f: string; startNs: number; endNs?: number; hit: Set<string>; cutFrom?: Map<string, number>; partition: boolean }

/**
 * The faults that can cut a leader off, each with the op that ends it: a pause ends with `resume`, a
 * kill with `start` (the restart), a partition with `stop-partition`. Clock and network-quality
 * faults leave a leader reachable and are not judged for failover.
 */
const CUTTING: Readonly<Record<string, string>> = { pause: 'resume', kill: 'start', 'start-partition': 'stop-partition' };

/** Faults that took effect, with the nodes they reached and (partitions) how many nodes each was cut from. */
function faults(history: readonly Op[]): Fault[] {
  const out: Fault[] = [];
  const open = new Map<string, Fault[]>();
  const ends = new Map(Object.entries(CUTTING).map(([start, end]) => [end, start]));
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type === 'invoke') continue;
    const endOf = ends.get(op.f);
    if (endOf !== undefined) {
      for (const f of open.get(endOf) ?? []) f.endNs ??= op.time;
      open.delete(endOf);
      continue;
    }
    if (CUTTING[op.f] === undefined) continue;
    const v = obj(op.value);
    const effect = obj(v?.effect);
    if (!effect || effect.took !== true || !Array.isArray(effect.nodes)) continue;
    const hit = new Set<string>();
    for (const h of effect.nodes) { const n = str(obj(h)?.node); if (n !== undefined) hit.add(n); }
    const grudge = op.f === 'start-partition' ? obj(v?.grudge) ?? obj(obj(v?.result)?.grudge) : undefined;
    let cutFrom: Map<string, number> | undefined;
    if (grudge) {
      cutFrom = new Map();
      for (const [n, from] of Object.entries(grudge)) if (Array.isArray(from)) cutFrom.set(n, from.length);
    }
    const f: Fault = { index: op.index, f: op.f, startNs: op.time, hit, cutFrom, partition: op.f === 'start-partition' };
    out.push(f);
    open.set(op.f, [...(open.get(op.f) ?? []), f]);
  }
  return out;
}

/** The checker. */
export function electionChecker(opts: ElectionOptions = {}): Checker {
  return { name: 'election', check: (history) => checkElection(history, opts) };
}

export function checkElection(history: readonly Op[], opts: ElectionOptions = {}): ElectionResult {
  const boundMs = opts.boundMs ?? 10_000;
  const seen = sightings(history);
  let ttlMs = opts.ttlMs ?? 0;
  for (const op of history) {
    const t = op.type === 'ok' && op.f === 'campaign' ? num(obj(op.value)?.ttlMs) : undefined;
    if (t !== undefined) ttlMs = Math.max(ttlMs, t);
  }

  // 1. One leader per epoch.
  const byEpoch = new Map<number, Map<string, number>>();
  for (const s of seen) {
    let m = byEpoch.get(s.epoch);
    if (!m) byEpoch.set(s.epoch, (m = new Map()));
    if (!m.has(s.leader)) m.set(s.leader, s.index);
  }
  const two = new AnomalyLog<{ epoch: number; leaders: string[]; indices: number[] }>();
  for (const [epoch, m] of [...byEpoch].sort((a, b) => a[0] - b[0])) {
    if (m.size > 1) two.add({ epoch, leaders: [...m.keys()], indices: [...m.values()] });
  }

  // 2. Epochs strictly increase in real time, among confirmed sightings: sweep invocations in order,
  //    knowing the highest epoch completed before each.
  const confirmed = seen.filter((s) => s.confirmed);
  const byInvoke = [...confirmed].sort((a, b) => a.invoked - b.invoked);
  const byDone = [...confirmed].sort((a, b) => a.index - b.index);
  const decreasing = new AnomalyLog<ElectionResult['decreasingEpoch']['examples'][number]>();
  let best: Sighting | undefined;
  let d = 0;
  for (const s of byInvoke) {
    while (d < byDone.length && byDone[d].index < s.invoked) {
      if (!best || byDone[d].epoch > best.epoch) best = byDone[d];
      d++;
    }
    if (best && s.epoch < best.epoch) {
      decreasing.add({ earlier: { index: best.index, epoch: best.epoch, leader: best.leader }, later: { index: s.index, epoch: s.epoch, leader: s.leader } });
    }
  }

  // 3. Each observer sees epochs in order.
  const outOfOrder = new AnomalyLog<ElectionResult['observerOutOfOrder']['examples'][number]>();
  const lastSeen = new Map<number, Sighting>();
  for (const s of seen) {
    if (s.f !== 'observe') continue;
    const before = lastSeen.get(s.process);
    if (before && s.epoch < before.epoch) {
      outOfOrder.add({ process: s.process, before: { index: before.index, epoch: before.epoch, leader: before.leader }, after: { index: s.index, epoch: s.epoch, leader: s.leader } });
    }
    if (!before || s.epoch >= before.epoch) lastSeen.set(s.process, s);
  }

  // 4. Failover after a fault cut the leader off.
  const timed = seen.filter((s) => s.f !== 'led');
  const nodes = new Set<string>();
  for (const s of seen) if (s.node !== undefined) nodes.add(s.node);
  const fs = faults(history);
  for (const f of fs) { for (const n of f.hit) nodes.add(n); for (const n of f.cutFrom?.keys() ?? []) nodes.add(n); }
  const majority = Math.floor(nodes.size / 2) + 1;
  // A leader's tenure ends when its `resign` completes ok or a `lead` finds it no longer leads (a
  // resign still under way when the fault hits has not given anything up yet); the leader is its
  // process' latest confirmed sighting (those ops' values need not name it).
  const resigned = new Map<string, number>();
  const latestOf = new Map<number, Sighting>();
  let si = 0;
  for (const op of history) {
    while (si < seen.length && seen[si].index < op.index) { if (seen[si].confirmed) latestOf.set(seen[si].process, seen[si]); si++; }
    if (typeof op.process !== 'number') continue;
    const ends = (op.type === 'ok' && op.f === 'resign') || (op.type === 'fail' && op.f === 'lead');
    const l = ends ? latestOf.get(op.process) : undefined;
    if (l && !resigned.has(l.leader)) resigned.set(l.leader, op.time);
  }
  const endNs = history.length > 0 ? history[history.length - 1].time : 0;
  const noFailover = new AnomalyLog<Failover>();
  const times: number[] = [];
  let cutOff = 0, judged = 0, notJudged = 0;
  for (const f of fs) {
    let current: Sighting | undefined;
    for (const s of timed) if (s.timeNs <= f.startNs && (!current || s.epoch > current.epoch)) current = s;
    if (!current || current.node === undefined) continue;
    const r = resigned.get(current.leader);
    if (r !== undefined && r <= f.startNs) continue;
    let cut: boolean;
    let restKeepsMajority: boolean;
    if (f.partition) {
      const cutFrom = f.cutFrom ?? new Map<string, number>();
      cut = nodes.size - (cutFrom.get(current.node) ?? 0) < majority;
      // Some other node still reaches a majority (itself included): it can be elected.
      restKeepsMajority = [...nodes].some((n) => n !== current!.node && nodes.size - (cutFrom.get(n) ?? 0) >= majority);
    } else {
      cut = f.hit.has(current.node);
      restKeepsMajority = nodes.size - f.hit.size >= majority;
    }
    if (!cut) continue;
    cutOff++;
    const from: 'start' | 'end' = restKeepsMajority ? 'start' : 'end';
    // Other faults in force within the window may take the rest's majority too: the deadline then
    // counts from when the last of them ended (never judged while one never ends).
    let baseNs: number | undefined = from === 'start' ? f.startNs : f.endNs;
    for (let changed = true; changed && baseNs !== undefined;) {
      changed = false;
      for (const g of fs) {
        if (g === f || g.startNs >= baseNs + (ttlMs + boundMs) * 1e6 || (g.endNs !== undefined && g.endNs <= f.startNs)) continue;
        if (g.endNs === undefined) { baseNs = undefined; break; }
        if (g.endNs > baseNs) { baseNs = g.endNs; changed = true; }
      }
    }
    const next = timed.find((s) => s.timeNs > f.startNs && s.epoch > current!.epoch);
    const failoverMs = next ? (next.timeNs - f.startNs) / 1e6 : undefined;
    const rec: Failover = { fault: f.index, f: f.f, leader: current.leader, epoch: current.epoch, node: current.node, from, deadlineMs: ttlMs + boundMs, ...(failoverMs !== undefined ? { failoverMs: Math.round(failoverMs), nextEpoch: next!.epoch } : {}) };
    if (baseNs === undefined) { notJudged++; if (failoverMs !== undefined) times.push(failoverMs); continue; }
    const deadlineNs = baseNs + (ttlMs + boundMs) * 1e6;
    if (next && next.timeNs <= deadlineNs) { judged++; times.push(failoverMs!); continue; }
    if (endNs < deadlineNs) { notJudged++; continue; }
    judged++;
    noFailover.add(rec);
  }

  const classes: ElectionViolationClass[] = [];
  if (two.count > 0) classes.push('two-leaders-one-epoch');
  if (decreasing.count > 0) classes.push('decreasing-epoch');
  if (outOfOrder.count > 0) classes.push('observer-out-of-order');
  if (noFailover.count > 0) classes.push('no-failover');
  const leaders = new Set(seen.map((s) => s.leader)).size;
  const valid = classes.length > 0 ? false : seen.length === 0 ? 'unknown' : true;
  const rounded = times.map((t) => Math.round(t));
  return {
    checker: 'election', valid, sightings: seen.length, epochs: byEpoch.size, leaders,
    twoLeadersOneEpoch: two.toJSON(), decreasingEpoch: decreasing.toJSON(), observerOutOfOrder: outOfOrder.toJSON(), noFailover: noFailover.toJSON(),
    failover: {
      ttlMs, boundMs, cutOff, judged, notJudged, timesMs: rounded,
      ...(rounded.length > 0 ? { maxMs: Math.max(...rounded), meanMs: Math.round(rounded.reduce((a, b) => a + b, 0) / rounded.length) } : {}),
    },
    classes,
    ...(classes.length > 0 ? { reason: `election broken: ${classes.join(', ')}` } : seen.length === 0 ? { reason: 'no leader was ever sighted' } : {}),
  };
}
