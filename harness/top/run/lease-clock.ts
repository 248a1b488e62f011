/**
 * Leases under clock faults (issue 28 part 4), said honestly. A lease — a lock's TTL, a session's
 * timeout, a leader's read lease — is only tested by a clock fault when the fault moves the clock the
 * lease is timed by. The target declares which is the case (RunPlan `leaseClock`):
 * - etcd and Consul are Go binaries, which read the clock through the vDSO: libfaketime cannot skew
 *   them, so a clock fault never reaches their leases;
 * - ZooKeeper's JVM can be skewed, but it times session expiry on a monotonic clock, which the
 *   skew leaves alone;
 * - the bundled Raft's `lease-read` bug times its read lease with the wall clock libfaketime moves.
 *
 * A run that asked for clock faults (or the standard package, which holds them where the target takes
 * them) gets a `leaseClock` record in results.json: tested or not, and
 * why; when tested, the largest skew the clock faults applied (bumps' offsets, strobes' offset + δ)
 * and, when the run stayed valid, that skew as the one the leases tolerated. When the workload relies
 * on the lease, named clock faults, and the clock cannot reach it, the `lease-clock` verdict is `unknown`: a green run
 * must not read as "the lease survived clock faults" when it never met one. Pure; unit-tested.
 */
import type { CheckResult } from '../../../checkers/contract.js';
import type { LeaseClock } from '../../ground/contracts/run-contract.js';
import type { Op } from '../../ground/history/op.js';

/** The clock fault ops that move clocks, and how much skew they left on any node. */
const SKEWING = new Set(['bump-clock', 'strobe-clock']);

/** What results.json says under `leaseClock`. */
export interface LeaseClockRecord {
  /** True when a clock fault moved the clock the lease is timed by. */
  tested: boolean;
  /** Why not, or what was tested. */
  note: string;
  /** Clock faults that took effect (bumps and strobes). */
  bumps?: number;
  strobes?: number;
  /** Largest |offset| a bump left on a node, ms. */
  maxBumpMs?: number;
  /** Largest |offset + δ| a strobe flipped a node to, ms. */
  maxStrobeMs?: number;
  /** With a valid run: the largest skew applied, which the leases tolerated, ms. */
  toleratedSkewMs?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The skew the clock faults of `history` applied (completions that took effect only). */
export function skewApplied(history: readonly Op[]): { bumps: number; strobes: number; maxBumpMs: number; maxStrobeMs: number } {
  let bumps = 0;
  let strobes = 0;
  let maxBumpMs = 0;
  let maxStrobeMs = 0;
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type !== 'info' || !SKEWING.has(op.f) || op.error !== undefined) continue;
    const v = op.value as { offsets?: Record<string, unknown>; deltaMs?: unknown; flips?: unknown } | null;
    const offsets = Object.values(v?.offsets ?? {}).map(num).filter((x): x is number => x !== undefined);
    if (op.f === 'bump-clock') {
      if (offsets.length === 0) continue;
      bumps++;
      maxBumpMs = Math.max(maxBumpMs, ...offsets.map(Math.abs));
    } else {
      const delta = num(v?.deltaMs);
      if (delta === undefined || offsets.length === 0 || (num(v?.flips) ?? 0) === 0) continue;
      strobes++;
      maxStrobeMs = Math.max(maxStrobeMs, ...offsets.map((o) => Math.abs(o + delta)), ...offsets.map(Math.abs));
    }
  }
  return { bumps, strobes, maxBumpMs, maxStrobeMs };
}

export interface LeaseClockInput {
  /** The faults the run asked for. */
  requested: readonly string[];
  /** The target's declaration for this run's workload; undefined when the workload has no lease. */
  leaseClock: LeaseClock | undefined;
  history: readonly Op[];
  /** The run's verdict from everything else. */
  valid: boolean | 'unknown';
}

/** The `leaseClock` record and, when the lease could not be tested, the `lease-clock` verdict. */
export function leaseClockOf(input: LeaseClockInput): { record?: LeaseClockRecord; check?: CheckResult } {
  // `standard` (the default package) holds clock faults where the target takes them: the record says
  // what they reached, but a run that never named clock faults is not made unknown for lacking them.
  const named = input.requested.includes('clock');
  if ((!named && !input.requested.includes('standard')) || input.leaseClock === undefined) return {};
  const lc = input.leaseClock;
  if (!lc.skewable) {
    const note = `the lease was NOT tested under clock faults: ${lc.why}`;
    return { record: { tested: false, note }, ...(named ? { check: { valid: 'unknown' as const, reason: `${note}; its verdict covers the other faults only` } } : {}) };
  }
  const s = skewApplied(input.history);
  if (s.bumps + s.strobes === 0) {
    // fault-coverage already says when no fault at all took effect; this says it of the clock.
    const note = `no clock fault took effect, so ${lc.lease} was not tested under clock faults`;
    return { record: { tested: false, note, bumps: 0, strobes: 0 }, ...(named ? { check: { valid: 'unknown' as const, reason: note } } : {}) };
  }
  const max = Math.max(s.maxBumpMs, s.maxStrobeMs);
  const record: LeaseClockRecord = { tested: true, note: `${lc.lease} under ${s.bumps} bump(s) and ${s.strobes} strobe(s), skew up to ${max} ms`, ...s };
  if (input.valid === true) record.toleratedSkewMs = max;
  return { record };
}

/** The CLI's line for the record. */
export function leaseClockLine(r: LeaseClockRecord): string {
  if (!r.tested) return `leases under clock faults: NOT tested — ${r.note}`;
  const tol = r.toleratedSkewMs !== undefined ? `tolerated skew up to ${r.toleratedSkewMs} ms (the run stayed valid under it)` : 'not shown tolerant (the run is not valid)';
  return `leases under clock faults: tested — ${r.note}; ${tol}`;
}
