/**
 * Whether the system under test was still there to be tested: a history is evidence of correctness
 * only while a cluster answers. Three things make a run's verdict `unknown` (or leave it `invalid` when a
 * checker found a violation anyway): every node exited on its own (not killed by the nemesis) and none
 * came back within a bound, no client op completed ok after the last heal, or none after the first fault. Pure logic over the
 * history, the declared fault bands and the exits the target recorded, so it is unit-tested as such.
 */
import type { CheckResult } from '../../../checkers/contract.js';
import { isCompletion, type Op } from '../../ground/history/op.js';
import type { FaultBand } from '../../ground/contracts/roles.js';
import { faultEvents, faultSpansOf } from '../../middle/faults/nemesis/spans.js';

/** A node's server that exited without the run asking; times in ns since the run started. */
export interface OwnExit {
  node: string;
  at: number;
  /** When the node was started again (by a kill nemesis' restart), if it was. */
  back?: number;
}

/**
 * How long a dead cluster, or a healed one that serves nothing, is given before the run says it tested
 * nothing: max(5 s, 2 × the nemesis interval). 5 s is above any election or reconnect of the stores
 * Faultline runs (etcd, ZooKeeper, Consul settle in 1–3 s on this network); twice the interval because
 * a kill nemesis' next `start` brings back any server that is not running, including one that died on
 * its own, within one interval, and a fault the nemesis starts right after a heal lasts one interval.
 * After a heal the bound counts only time with no fault in force (noOkAfterHealReason).
 */
export function livenessBoundNs(faultIntervalS: number): number {
  return Math.max(5, 2 * faultIntervalS) * 1e9;
}

const fmtS = (ns: number): string => `${(ns / 1e9).toFixed(1)} s`;

/**
 * The first span in which every node was down on its own for at least `boundNs` (or until `endNs`, the
 * end of the run, when it never ended): a sentence, or undefined when the cluster never all died.
 */
export function deadClusterReason(nodes: readonly string[], exits: readonly OwnExit[], endNs: number, boundNs: number): string | undefined {
  if (nodes.length === 0) return undefined;
  const events: { t: number; node: string; down: boolean }[] = [];
  for (const e of exits) {
    if (e.at > endNs) continue; // exits during teardown are the run's own doing
    events.push({ t: e.at, node: e.node, down: true });
    if (e.back !== undefined) events.push({ t: e.back, node: e.node, down: false });
  }
  // A node back at the same instant another goes down was never down together with it.
  events.sort((a, b) => a.t - b.t || Number(a.down) - Number(b.down));
  const down = new Set<string>();
  let since: number | undefined;
  for (const ev of events) {
    if (ev.down) down.add(ev.node);
    else down.delete(ev.node);
    if (since === undefined && nodes.every((n) => down.has(n))) since = ev.t;
    else if (since !== undefined && !nodes.every((n) => down.has(n))) {
      if (ev.t - since >= boundNs) return `every node exited on its own (not by a fault) at ${fmtS(since)} and none came back for ${fmtS(ev.t - since)}: the cluster was not there to test`;
      since = undefined;
    }
  }
  if (since !== undefined) {
    return `every node exited on its own (not by a fault) at ${fmtS(since)} and none came back before the run ended ${fmtS(Math.max(0, endNs - since))} later: the cluster was not there to test`;
  }
  return undefined;
}

/** A span of the history's clock, in ns; `to` is Infinity for a fault never healed. */
interface Span { from: number; to: number }

/**
 * When the faults of `bands` were in force, by the history's fault records — the reading the report's
 * bands show (harness/middle/faults/nemesis/spans.ts), in ns, a fault never healed in force to the end.
 */
export function faultSpans(ops: readonly Op[], bands: readonly FaultBand[]): Span[] {
  return faultSpansOf(faultEvents(ops), bands, 1e6).map((s) => ({ from: s.from, to: s.to ?? Infinity }));
}

/** Nanoseconds of [from, to] in which no span of `spans` was in force. */
function calmNs(spans: readonly Span[], from: number, to: number): number {
  const cut = spans.map((s) => ({ from: Math.max(s.from, from), to: Math.min(s.to, to) })).filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  let busy = 0;
  let end = from;
  for (const s of cut) {
    if (s.to <= end) continue;
    busy += s.to - Math.max(s.from, end);
    end = s.to;
  }
  return Math.max(0, to - from - busy);
}

/**
 * "No client op completed ok after the last heal": the last heal that clients had at least `boundNs`
 * of calm to use. A heal is the completion of a band's stop op that leaves no fault in force — the end
 * of one fault while another still holds (two of three nodes killed, every node paused) heals nothing;
 * calm is the time, up to the clients' last invocation, in which no fault was in force, so a heal
 * followed by new faults counts only its calm between them. Measured on the bundled Raft in containers
 * with partition, kill and pause every 2 s: a partition's end at 9.5 s while two nodes were killed and
 * the third paused, then kill, pause and ring partitions overlapping until the clients stopped, was
 * taken for a heal the cluster ignored — no two nodes were up and connected for more than 30 ms after it.
 * A final heal after which clients only read finally counts when those reads span the bound; a final
 * heal with no client op after it (workloads without final reads) cannot be judged and the heal before
 * it is used. Runs with no such heal are covered by the no-op-completed rule of run.ts, not here.
 */
export function noOkAfterHealReason(ops: readonly Op[], bands: readonly FaultBand[], boundNs: number): string | undefined {
  const stops = new Set(bands.map((b) => b.stop));
  const spans = faultSpans(ops, bands);
  let lastInvoke = -Infinity;
  for (const op of ops) if (op.process !== 'nemesis' && op.type === 'invoke') lastInvoke = Math.max(lastInvoke, op.time);
  let heal: number | undefined;
  let calm = 0;
  for (const op of ops) {
    if (op.process !== 'nemesis' || op.type === 'invoke' || !stops.has(op.f)) continue;
    if (heal !== undefined && op.time <= heal) continue;
    if (spans.some((s) => s.from <= op.time && op.time < s.to)) continue;
    const c = lastInvoke > op.time ? calmNs(spans, op.time, lastInvoke) : 0;
    if (c >= boundNs) { heal = op.time; calm = c; }
  }
  if (heal === undefined) return undefined;
  const h = heal;
  if (ops.some((op) => op.process !== 'nemesis' && op.type === 'ok' && op.time >= h)) return undefined;
  // Completions only: an event record (a watch's delivery) completes nothing.
  const tried = ops.filter((op) => op.process !== 'nemesis' && isCompletion(op) && op.time >= h).length;
  const calmSaid = calm < lastInvoke - h - 1e8 ? `, ${fmtS(calm)} of it with no fault in force` : '';
  return `no client operation completed ok after the last heal at ${fmtS(h)} (${tried} completed otherwise over ${fmtS(lastInvoke - h)}${calmSaid}): the system stopped serving, so the history after it tests nothing`;
}

/**
 * "No client op completed ok after the first fault took effect": clients went on for at least
 * `boundNs` after it (final reads included) and not one op succeeded, so nothing observed what any
 * fault did — the history judges only the time before the faults. This is the case the heal rule
 * cannot see when the heals themselves fail: a disk fault whose restarts refuse leaves a cluster with
 * no quorum (one node up, the rest refusing), so no band ever ends in a cluster that serves.
 */
export function noOkAfterFirstFaultReason(ops: readonly Op[], bands: readonly FaultBand[], boundNs: number): string | undefined {
  const starts = new Set(bands.map((b) => b.start));
  let first: number | undefined;
  for (const op of ops) {
    if (op.process === 'nemesis' && op.type !== 'invoke' && starts.has(op.f)) { first = op.time; break; }
  }
  if (first === undefined) return undefined;
  const f = first;
  let lastInvoke = -Infinity;
  let tried = 0;
  for (const op of ops) {
    if (op.process === 'nemesis' || op.time < f) continue;
    if (op.type === 'invoke') lastInvoke = Math.max(lastInvoke, op.time);
    else if (op.type === 'ok') return undefined;
    else if (isCompletion(op)) tried++; // an event record completes nothing
  }
  if (lastInvoke - f < boundNs) return undefined;
  return `no client operation completed ok after the first fault took effect at ${fmtS(f)} (${tried} completed otherwise over ${fmtS(lastInvoke - f)}): nothing observed what the faults did, so the history tests only the time before them`;
}

/** The run's `cluster-liveness` result when the system was not there to test, else undefined. */
export function livenessCheck(input: {
  ops: readonly Op[]; bands: readonly FaultBand[]; nodes: readonly string[]; exits: readonly OwnExit[]; endNs: number; faultIntervalS: number;
}): CheckResult | undefined {
  const bound = livenessBoundNs(input.faultIntervalS);
  const reasons = [
    deadClusterReason(input.nodes, input.exits, input.endNs, bound),
    noOkAfterHealReason(input.ops, input.bands, bound),
    noOkAfterFirstFaultReason(input.ops, input.bands, bound),
  ].filter((r): r is string => r !== undefined);
  if (reasons.length === 0) return undefined;
  return { valid: 'unknown', reason: reasons.join('; '), boundS: bound / 1e9, ownExits: input.exits.length };
}
