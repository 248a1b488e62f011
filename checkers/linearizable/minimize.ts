import type { Model, Operation } from './model.js';
import { searchLinearization } from './search.js';

export interface Minimized {
  ops: Operation[];
  /** True when removing any single op makes the rest linearizable (1-minimal). */
  minimal: boolean;
}

/**
 * Shrinks a non-linearizable history to a sub-history that is still not linearizable, greedily
 * (delta-debugging: drop halves, then quarters, … then single ops) until no single op can go.
 * `cut` is a position after which ops may be dropped first (the search's blocking return), which
 * usually removes most of a long history in one check. Stops at `deadline` with `minimal: false`.
 */
export function minimizeCounterexample(model: Model, ops: readonly Operation[], cut: number, deadline: number): Minimized {
  const bad = (sub: Operation[]): boolean | 'timeout' => {
    if (performance.now() > deadline) return 'timeout';
    const r = searchLinearization(model, sub, { deadline });
    return r.valid === 'unknown' ? 'timeout' : r.valid === false;
  };
  let cur = [...ops].sort((a, b) => a.call - b.call);
  const prefix = cur.filter((op) => op.call <= cut);
  if (prefix.length < cur.length && prefix.length > 0) {
    const r = bad(prefix);
    if (r === 'timeout') return { ops: cur, minimal: false };
    if (r) cur = prefix;
  }
  let chunk = Math.max(1, Math.ceil(cur.length / 2));
  for (;;) {
    let removed = false;
    for (let i = 0; i < cur.length && cur.length > 1;) {
      const cand = cur.slice(0, i).concat(cur.slice(i + chunk));
      const r = cand.length === 0 ? false : bad(cand);
      if (r === 'timeout') return { ops: cur, minimal: false };
      if (r) { cur = cand; removed = true; } else i += chunk;
    }
    if (chunk > 1) chunk = Math.ceil(chunk / 2);
    else if (!removed) return { ops: cur, minimal: true };
  }
}
