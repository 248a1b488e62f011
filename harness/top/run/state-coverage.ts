/**
 * results.json's `stateCoverage` (issue 33): the abstract states a run's faults began in, read from the
 * history alone, for every nemesis — so the adaptive nemesis and the standard package can be put side
 * by side on the same measure (`auto` holds what `--nemesis auto` saw at its own decision points, which
 * the standard package has none of).
 *
 * At each fault start that took effect, the state is how the clients fared since the previous start
 * (the same outcome word as the adaptive nemesis: idle, ok, slow, stuck) and which faults were in force
 * with the role each had hit; the fault then tried is a (state × family × role) triple. The role is read
 * from the fault record (effect.ts): the nodes a fault reached and their role at that moment. Pure.
 */
import type { Op } from '../../ground/history/op.js';
import { effectIn, type NodeHit } from '../../middle/faults/nemesis/effect.js';
import { outcomeWord, perMinute, type OutcomeCounts } from '../../middle/faults/nemesis/auto/abstract-state.js';
import type { FamilyBands } from './fault-summary.js';

export interface StateCoverage {
  /** Fault starts that took effect (the points a state is read at). */
  starts: number;
  /** Distinct states the faults began in. */
  states: number;
  /** Distinct (state × family × role) triples. */
  triples: number;
  /** New states first reached in each minute of the run (index 0: the first minute). */
  newStatesPerMinute: number[];
  /** The states themselves, sorted: a campaign's coverage is the union of its runs'. */
  stateKeys: string[];
}

/**
 * The role a fault hit, in one word: `holder` when a node it reached served a lock holder, `leader`
 * when it reached only leaders, `with-leader` when a leader and others, `followers` when only followers,
 * `down` when only stopped nodes, else `other`.
 */
export function roleHit(nodes: readonly NodeHit[]): string {
  if (nodes.some((h) => h.holder)) return 'holder';
  const roles = new Set(nodes.map((h) => h.role));
  if (roles.has('leader')) return roles.size === 1 ? 'leader' : 'with-leader';
  if (roles.size === 1 && roles.has('follower')) return 'followers';
  if (roles.size === 1 && roles.has('down')) return 'down';
  return 'other';
}

/** The coverage of a run's fault starts, or undefined when no fault took effect. */
export function stateCoverage(ops: readonly Op[], families: readonly FamilyBands[]): StateCoverage | undefined {
  const startOf = new Map<string, string>();
  const stopOf = new Map<string, string>();
  for (const fam of families) {
    for (const b of fam.bands) {
      startOf.set(b.start, fam.name);
      // A fault whose start is its stop (a kill that restarts) is never "in force" between ops.
      if (b.stop !== b.start) stopOf.set(b.stop, fam.name);
    }
  }
  const stoppable = new Set(stopOf.values());
  const counts: OutcomeCounts = { ok: 0, fail: 0, info: 0 };
  let last: OutcomeCounts = { ...counts };
  const active = new Map<string, string>();
  const firstSeen = new Map<string, number>();
  const triples = new Set<string>();
  let starts = 0;
  for (const op of ops) {
    if (typeof op.process === 'number') {
      if (op.type === 'ok' || op.type === 'fail' || op.type === 'info') counts[op.type]++;
      continue;
    }
    if (op.process !== 'nemesis' || op.type === 'invoke') continue;
    const started = startOf.get(op.f);
    if (started !== undefined) {
      const e = op.error === undefined ? effectIn(op.value) : undefined;
      if (!e?.took) continue;
      starts++;
      const window = { ok: counts.ok - last.ok, fail: counts.fail - last.fail, info: counts.info - last.info };
      last = { ...counts };
      const inForce = [...active].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([f, r]) => `${f}:${r}`);
      const state = `${outcomeWord(window)}|${inForce.length ? inForce.join('+') : '-'}`;
      if (!firstSeen.has(state)) firstSeen.set(state, op.time / 1e9);
      const role = roleHit(e.nodes);
      triples.add(`${state}×${started}×${role}`);
      if (stoppable.has(started)) active.set(started, role);
      continue;
    }
    const stopped = stopOf.get(op.f);
    if (stopped !== undefined) active.delete(stopped);
  }
  if (starts === 0) return undefined;
  return { starts, states: firstSeen.size, triples: triples.size, newStatesPerMinute: perMinute(firstSeen.values()), stateKeys: [...firstSeen.keys()].sort() };
}
