/**
 * The fault summary of results.json: per fault family, how many faults were scheduled, how many took
 * effect, which nodes they reached in which role, and how long they were in force. Read from the
 * history's fault records (harness/middle/faults/nemesis/effect.ts) alone, so it says what happened, not what
 * was asked for.
 */
import type { Op } from '../../ground/history/op.js';
import type { FaultBand } from '../../ground/contracts/roles.js';
import { effectIn, inForceAt, type NodeRole } from '../../middle/faults/nemesis/effect.js';

/** One family's line of the summary. */
export interface FamilySummary {
  /** Start ops invoked (a fault the schedule began). */
  scheduled: number;
  /** Start ops whose completion says they reached at least one node. */
  tookEffect: number;
  /** The nodes reached, by their role at the moment of the fault (each node once per role). */
  nodesHitByRole: Partial<Record<NodeRole, string[]>>;
  /**
   * Seconds from when each effective start was in force (its record's inForceAfterMs after its
   * invocation, else its completion) to the next stop's completion (or the run's end).
   */
  secondsInForce: number;
  /** Effective faults that reached a node whose client held the lock then (present once one did). */
  holderHits?: number;
  /** Faults aimed at the holders that found nobody holding, and hit a random node instead (present once one did). */
  noHolder?: number;
}

/** A family as its package declares it: its name and its bands. */
export interface FamilyBands {
  name: string;
  bands: readonly FaultBand[];
}

const round3 = (x: number): number => Math.round(x * 1e3) / 1e3;

/** The summary of every family in `families`, from the run's history; `endNs` closes faults never healed. */
export function faultSummary(ops: readonly Op[], families: readonly FamilyBands[], endNs: number): Record<string, FamilySummary> {
  const out: Record<string, FamilySummary> = {};
  const nem = ops.filter((op) => op.process === 'nemesis');
  for (const fam of families) {
    const s: FamilySummary = { scheduled: 0, tookEffect: 0, nodesHitByRole: {}, secondsInForce: 0 };
    for (const band of fam.bands) {
      const own = band.start === band.stop;
      let inForceSince: number | undefined;
      let invokedAt: number | undefined;
      for (const op of nem) {
        if (op.f === band.start && op.type === 'invoke') {
          s.scheduled++;
          invokedAt = op.time;
          continue;
        }
        if (op.f === band.start && op.type !== 'invoke') {
          const e = op.error === undefined ? effectIn(op.value) : undefined;
          if (e?.noHolder) s.noHolder = (s.noHolder ?? 0) + 1;
          if (e?.took && e.nodes.some((h) => h.holder)) s.holderHits = (s.holderHits ?? 0) + 1;
          if (e?.took) {
            s.tookEffect++;
            for (const h of e.nodes) {
              for (const role of [h.role, ...(h.holder ? ['holder' as const] : [])]) {
                const list = (s.nodesHitByRole[role] ??= []);
                if (!list.includes(h.node)) list.push(h.node);
              }
            }
            if (own) s.secondsInForce += (op.time - (invokedAt ?? op.time)) / 1e9;
            // The fault was in force before its op completed (a health probe after it came last).
            else inForceSince ??= inForceAt(e, invokedAt, op.time, 1e6) ?? op.time;
          }
          continue;
        }
        if (!own && op.f === band.stop && op.type !== 'invoke' && inForceSince !== undefined) {
          s.secondsInForce += (op.time - inForceSince) / 1e9;
          inForceSince = undefined;
        }
      }
      if (inForceSince !== undefined) s.secondsInForce += Math.max(0, endNs - inForceSince) / 1e9;
    }
    s.secondsInForce = round3(s.secondsInForce);
    out[fam.name] = s;
  }
  return out;
}
