/**
 * Barriers: `synchronize` waits until every thread in scope is idle, `phases` puts one before each
 * stage. A run's final reads must not overlap the faults or the load that came before them, otherwise
 * "read after heal" is not what the checker sees.
 */
import type { Op } from '../history/op.js';
import { allFree, type Context } from './context.js';
import { concat, EXHAUSTED, lift } from './lift.js';
import type { GenLike, Generator, OpResult } from './types.js';

class Synchronize implements Generator {
  constructor(private readonly gen: Generator) {}

  op(ctx: Context): OpResult {
    if (!allFree(ctx)) return 'pending';
    // Passing the barrier is committed on its own (a wait due now), so a first op that is due later
    // cannot send the barrier back to waiting when another branch starts an op in between.
    return { op: { type: 'wait', time: ctx.time }, gen: this.gen };
  }

  update(ctx: Context, event: Op): Generator {
    return new Synchronize(this.gen.update(ctx, event));
  }
}

/** Waits until no thread in scope is running an op, then runs `gen`. */
export function synchronize(gen: GenLike): Generator {
  const lifted = lift(gen);
  return lifted === EXHAUSTED ? EXHAUSTED : new Synchronize(lifted);
}

/**
 * Runs each generator to exhaustion in turn, and between them waits until every op of the previous
 * one (and anything else running in scope, e.g. a nemesis op) has completed.
 */
export function phases(...gens: GenLike[]): Generator {
  return concat(...gens.map(synchronize));
}
