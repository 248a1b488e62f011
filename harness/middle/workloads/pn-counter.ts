/**
 * Maelstrom's pn-counter workload: a counter with increments and decrements, deltas -5..4
 * (Maelstrom's `(- (rand-int 10) 5)`). Every final read must equal the acknowledged sum plus some of
 * the indeterminate deltas, negative ones included.
 */
import { counterWorkload } from './counters.js';

export const pnCounter = counterWorkload({
  name: 'pn-counter',
  description: 'pn-counter: add positive and negative deltas, read the total; final reads must converge to it',
  services: [],
  delta: [-5, 4],
});
