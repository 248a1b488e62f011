/**
 * Maelstrom's g-counter workload: a grow-only counter, deltas 0..4 (Maelstrom's `(rand-int 5)`).
 * Every final read must equal the acknowledged sum plus some of the indeterminate deltas.
 */
import { counterWorkload } from './counters.js';

/** Fly.io's Gossip Glomers builds this counter on seq-kv, so the runner must offer it. */
export const gCounter = counterWorkload({
  name: 'g-counter',
  description: 'g-counter: add non-negative deltas, read the total; final reads must converge to it',
  services: ['seq-kv'],
  delta: [0, 4],
});
