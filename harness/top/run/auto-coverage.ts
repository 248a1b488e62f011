/**
 * results.json's `auto` (issue 33, part 4): what the adaptive nemesis reached, read back from its
 * `auto-decide` completions in the history — decisions, distinct abstract states, distinct
 * (state × fault × role) triples, and new abstract states per minute of the run. Pure.
 */
import type { Op } from '../../ground/history/op.js';
import { perMinute } from '../../middle/faults/nemesis/auto/abstract-state.js';

export interface AutoCoverage {
  decisions: number;
  /** Distinct abstract states seen at decision points. */
  states: number;
  /** Distinct (abstract state × fault × target role) triples tried. */
  triples: number;
  /** New abstract states first seen in each minute of the run (index 0: the first minute). */
  newStatesPerMinute: number[];
  /** Decisions per kind of choice: untried, best Q, explore, forced heal, replayed. */
  reasons: Record<string, number>;
}

const reasonKind = (r: string): string => {
  if (r.startsWith('replayed')) return 'replayed';
  if (r.startsWith('untried')) return 'untried';
  if (r.startsWith('best Q')) return 'best';
  if (r.startsWith('explore')) return 'explore';
  return 'forced heal';
};

/** The coverage of an auto run's history, or undefined when it has no auto-decide completion. */
export function autoCoverage(ops: readonly Op[]): AutoCoverage | undefined {
  const seen = new Map<string, number>();
  const reasons: Record<string, number> = {};
  let decisions = 0;
  let triples = 0;
  for (const o of ops) {
    if (o.process !== 'nemesis' || o.f !== 'auto-decide' || o.type === 'invoke') continue;
    const v = o.value as { state?: unknown; reason?: unknown; triples?: unknown } | null;
    if (v === null || typeof v !== 'object' || typeof v.state !== 'string') continue;
    decisions++;
    if (!seen.has(v.state)) seen.set(v.state, o.time / 1e9);
    if (typeof v.triples === 'number') triples = Math.max(triples, v.triples);
    const k = reasonKind(String(v.reason ?? ''));
    reasons[k] = (reasons[k] ?? 0) + 1;
  }
  if (decisions === 0) return undefined;
  return { decisions, states: seen.size, triples, newStatesPerMinute: perMinute(seen.values()), reasons };
}
