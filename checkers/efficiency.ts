/**
 * Efficiency targets, as the Gossip Glomers efficiency challenges state them (3d: under 30 server
 * messages per op, median stable latency under 400 ms, maximum under 600 ms; 3e: 20, 1 s, 2 s), each
 * reported as met or not against a run's net statistics and broadcast stable latency. A target the
 * run has no figure for (no client op, no stable value) is `unknown`, never met.
 */
import type { NetStats } from './net-stats.js';
import type { StableLatency } from './stable-latency.js';

/** The targets of one challenge; each is an upper bound, exclusive as the challenges word it ("below"). */
export interface EfficiencyTargets {
  /** Server messages per client op (Maelstrom's `:servers :msgs-per-op`). */
  msgsPerOp?: number;
  /** Median stable latency (ms). */
  medianLatencyMs?: number;
  /** Maximum stable latency (ms). */
  maxLatencyMs?: number;
}

export interface TargetOutcome {
  name: 'msgs-per-op' | 'median-latency' | 'max-latency';
  target: number;
  actual: number | null;
  met: boolean | 'unknown';
}

export interface EfficiencyResult {
  valid: boolean | 'unknown';
  targets: TargetOutcome[];
}

const judge = (name: TargetOutcome['name'], target: number, actual: number | null | undefined): TargetOutcome =>
  ({ name, target, actual: actual ?? null, met: actual === null || actual === undefined ? 'unknown' : actual < target });

/** Each target met or not; valid when all are met, false when one is missed, else unknown. */
export function judgeEfficiency(targets: EfficiencyTargets, net: NetStats | undefined, latency: StableLatency | undefined): EfficiencyResult {
  const out: TargetOutcome[] = [];
  if (targets.msgsPerOp !== undefined) out.push(judge('msgs-per-op', targets.msgsPerOp, net?.servers.msgsPerOp));
  if (targets.medianLatencyMs !== undefined) out.push(judge('median-latency', targets.medianLatencyMs, latency?.quantilesMs['0.5']));
  if (targets.maxLatencyMs !== undefined) out.push(judge('max-latency', targets.maxLatencyMs, latency?.quantilesMs['1']));
  const valid = out.some((t) => t.met === false) ? false : out.length > 0 && out.every((t) => t.met === true) ? true : 'unknown';
  return { valid, targets: out };
}

/** `msgs-per-op 12.18 < 30 met; median latency 452 ms < 400 ms missed`: the summary's line. */
export function efficiencyText(r: EfficiencyResult): string {
  return r.targets.map((t) => {
    const unit = t.name === 'msgs-per-op' ? '' : ' ms';
    const actual = t.actual === null ? 'no figure' : `${t.actual.toFixed(t.name === 'msgs-per-op' ? 2 : 0)}${unit}`;
    return `${t.name.replace('-', ' ')} ${actual} < ${t.target}${unit} ${t.met === 'unknown' ? 'unknown' : t.met ? 'met' : 'missed'}`;
  }).join('; ');
}
