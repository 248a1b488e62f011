/**
 * No vacuous green: a run that asked for faults and injected none tested the system without faults,
 * so its verdict cannot be `valid`. Two pure rules, unit- and property-tested:
 * - before the run, a schedule in which no fault can start within the time limit is refused (and the
 *   default interval is chosen so that faults fit);
 * - after it, the `fault-coverage` result is `unknown` when the requested faults never took effect
 *   (every one unsupported, none scheduled in time, or every one reaching no node).
 */
import { DEFAULT_INTERVAL_NS } from '../../middle/faults/nemesis/build.js';
import type { CheckResult } from '../../../checkers/contract.js';
import { InputError } from '../../ground/history/errors.js';
import type { UnsupportedFault } from '../../ground/contracts/roles.js';
import type { FamilySummary } from './fault-summary.js';

/** The interval when none is given: 10 s, or a third of a shorter time limit so a fault starts and heals within it. */
export function defaultIntervalS(timeLimitS: number): number {
  return Math.min(DEFAULT_INTERVAL_NS / 1e9, Math.floor((timeLimitS / 3) * 1e3) / 1e3);
}

/**
 * The first fault of a schedule starts one interval into the run (buildFaults shifts the other
 * families later still), so an interval of at least the time limit starts nothing: refused in one
 * sentence naming both flags. `faults` empty (no faults asked for) always fits.
 */
export function checkScheduleFits(faults: readonly string[], timeLimitS: number, intervalS: number): void {
  if (faults.length === 0) return;
  if (intervalS < timeLimitS) return;
  const fit = defaultIntervalS(timeLimitS);
  throw new InputError(
    `--nemesis-interval ${intervalS}s is not shorter than --time-limit ${timeLimitS}s, so no fault (${faults.join(',')}) could start before the clients stop; `
    + `use a shorter interval (e.g. --nemesis-interval ${fit}s), a longer time limit, or --nemesis none`,
  );
}

/** What the run knows of its faults when it is over. */
export interface CoverageInput {
  /** The faults the run asked for (`--nemesis`, or the target's standard package); `none` means none. */
  requested: readonly string[];
  unsupported: readonly UnsupportedFault[];
  /** The fault summary (harness/top/run/fault-summary.ts) of the families that were built. */
  summary: Readonly<Record<string, FamilySummary>>;
  /** The run asked for faults aimed at the lock holders (`--node-targets holders`, `--partition-shapes holders`). */
  holdersRequested?: boolean;
}

/** The `fault-coverage` result when requested faults never took effect, else undefined. */
export function faultCoverage(input: CoverageInput): CheckResult | undefined {
  const requested = input.requested.filter((f) => f !== 'none');
  if (requested.length === 0) return undefined;
  const fams = Object.entries(input.summary);
  const took = fams.reduce((n, [, s]) => n + s.tookEffect, 0);
  if (took > 0) return holderCoverage(input, fams);
  const scheduled = fams.reduce((n, [, s]) => n + s.scheduled, 0);
  let reason: string;
  if (fams.length === 0) {
    const why = input.unsupported.map((u) => u.reason).join('; ');
    reason = `every requested fault (${requested.join(',')}) is unsupported${why ? ` (${why})` : ''}, so nothing was injected`;
  } else if (scheduled === 0) {
    reason = `no fault (${fams.map(([n]) => n).join(',')}) started before the time limit, so nothing was injected`;
  } else {
    reason = `none of the ${scheduled} fault(s) scheduled (${fams.map(([n]) => n).join(',')}) took effect: each reached no node or failed`;
  }
  return { valid: 'unknown', reason: `${reason}: the run tested the system without faults; fix the faults or pass --nemesis none`, requested, scheduled, tookEffect: 0 };
}

/**
 * Faults asked to aim at the lock holders that never found one holding: each fell on a random node
 * instead (`noHolder`), so what was asked — a holder's node paused, killed, cut off or skewed — never
 * happened, and the run cannot be green for it.
 */
function holderCoverage(input: CoverageInput, fams: readonly [string, FamilySummary][]): CheckResult | undefined {
  if (!input.holdersRequested) return undefined;
  const hits = fams.reduce((n, [, s]) => n + (s.holderHits ?? 0), 0);
  if (hits > 0) return undefined;
  const missed = fams.reduce((n, [, s]) => n + (s.noHolder ?? 0), 0);
  return {
    valid: 'unknown', holderHits: 0, noHolder: missed,
    reason: `faults were aimed at the lock holders, but none hit a node whose client held the lock (${missed} found no holder and fell on a random node): the run did not test what --node-targets/--partition-shapes holders asked; run longer or with a shorter --nemesis-interval`,
  };
}
