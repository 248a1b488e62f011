import type { Model, Operation } from './model.js';
import { searchLinearization } from './search.js';

export interface Minimized {
  ops: Operation[];
  /** True when dropping any single droppable op makes the rest linearizable (1-minimal). */
  minimal: boolean;
  /** Search steps spent. */
  steps: number;
}

/**
 * Shrinks a non-linearizable history to a sub-history that is still not linearizable, greedily
 * (delta-debugging: drop halves, then quarters, … then single ops) until no single op can go.
 * An op that supplied a value a remaining op observed (`model.supports`) is dropped only while another
 * supplier of it stays (transitively: a kept cas keeps a write its compare saw); without that rule the
 * shrink ends at "a read of a value nobody wrote" or "a cas from the initial state", true but useless.
 * `cut` is a position after which ops may be dropped first (the search's blocking return), which
 * usually removes most of a long history in one check. Stops with `minimal: false` once its searches
 * have taken `maxSteps` steps in all (a budget independent of the machine, so the same input always
 * shrinks to the same result), or at `deadline`, a wall-clock safety net.
 */
export function minimizeCounterexample(
  model: Model, ops: readonly Operation[], cut: number, deadline: number, maxSteps = Infinity,
): Minimized {
  let steps = 0;
  const bad = (sub: Operation[]): boolean | 'timeout' => {
    if (performance.now() > deadline || steps >= maxSteps) return 'timeout';
    const r = searchLinearization(model, sub, { deadline, maxSteps: maxSteps - steps });
    steps += r.steps;
    return r.valid === 'unknown' ? 'timeout' : r.valid === false;
  };
  const done = (minimal: boolean): Minimized => ({ ops: cur, minimal, steps });
  let cur = [...ops].sort((a, b) => a.call - b.call);
  // Ops of the chunk that a remaining op observed stay: the shrunk history keeps its reads' writes.
  // Only an op invoked before the observer returned can have supplied what it observed: keeping a
  // later write of the same value would explain nothing ("a read of a value written afterwards").
  const observed = model.supports;
  const supports = observed ? (w: Operation, r: Operation): boolean => w.call < r.ret && observed(w, r) : undefined;
  const without = (i: number, chunk: number): Operation[] => {
    const rest = cur.slice(0, i).concat(cur.slice(i + chunk));
    if (!supports) return rest;
    const chunkOps = cur.slice(i, i + chunk);
    if (chunk === 1) {
      // One op at a time: it may go if everything it supplied has another supplier left, so the
      // result keeps one write per observed value, not every write of that value.
      const w = chunkOps[0];
      const orphans = rest.some((r) => supports(w, r) && !rest.some((v) => v !== r && supports(v, r)));
      return orphans ? cur : rest;
    }
    // Transitively: a kept cas that a remaining read observed keeps the write its compare saw.
    const kept = new Set<Operation>();
    for (let grew = true; grew;) {
      grew = false;
      for (const w of chunkOps) {
        if (kept.has(w)) continue;
        if (rest.some((r) => supports(w, r)) || suppliesAny(w, kept, supports)) {
          kept.add(w);
          grew = true;
        }
      }
    }
    return kept.size === 0 ? rest : rest.concat([...kept]).sort((a, b) => a.call - b.call);
  };
  // Everything invoked after the blocking return goes first, in one check (keeping what the rest observed).
  const suffix = cur.findIndex((op) => op.call > cut);
  if (suffix > 0) {
    const prefix = without(suffix, cur.length - suffix);
    if (prefix.length < cur.length) {
      const r = bad(prefix);
      if (r === 'timeout') return done(false);
      if (r) cur = prefix;
    }
  }
  let chunk = Math.max(1, Math.ceil(cur.length / 2));
  for (;;) {
    let removed = false;
    for (let i = 0; i < cur.length && cur.length > 1;) {
      const cand = without(i, chunk);
      const r = cand.length === 0 || cand.length === cur.length ? false : bad(cand);
      if (r === 'timeout') return done(false);
      if (r) { cur = cand; removed = true; } else i += chunk;
    }
    if (chunk > 1) chunk = Math.ceil(chunk / 2);
    else if (!removed) return done(true);
  }
}

/** True when `w` supplied what some other op of `ops` observed (no array copy of the set). */
function suppliesAny(w: Operation, ops: ReadonlySet<Operation>, supports: (w: Operation, r: Operation) => boolean): boolean {
  for (const r of ops) if (r !== w && supports(w, r)) return true;
  return false;
}
