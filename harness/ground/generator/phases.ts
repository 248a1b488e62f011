/**
 * Barriers: `synchronize` waits until every thread in scope is idle, `phases` puts one before each
 * stage, and `settled` waits only for a generator's own ops. A run's final reads must not overlap the
 * faults or the load that came before them, otherwise "read after heal" is not what the checker sees.
 */
import type { Op, Process } from '../history/op.js';
import { allFree, type Context } from './context.js';
import { concat, EXHAUSTED, lift } from './lift.js';
import { isInvoke, type GenLike, type Generator, type OpResult } from './types.js';

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

class Settled implements Generator {
  constructor(
    private readonly gen: Generator,
    /** Processes running an op this generator emitted. */
    private readonly active: ReadonlySet<Process>,
  ) {}

  op(ctx: Context): OpResult {
    const r = this.gen.op(ctx);
    if (r === null) return this.active.size > 0 ? 'pending' : null;
    if (r === 'pending') return r;
    if (!isInvoke(r.op)) return { op: r.op, gen: new Settled(r.gen, this.active) };
    return { op: r.op, gen: new Settled(r.gen, new Set(this.active).add(r.op.process)) };
  }

  update(ctx: Context, event: Op): Generator {
    const gen = this.gen.update(ctx, event);
    if (event.type === 'invoke' || !this.active.has(event.process)) return new Settled(gen, this.active);
    const active = new Set(this.active);
    active.delete(event.process);
    return new Settled(gen, active);
  }
}

/**
 * `gen`, not exhausted until every op it invoked has completed: in `[settled(a), sleep(5e9), b]` the
 * five seconds count from `a`'s completion, not from its invocation. Unlike `synchronize`, ops of other
 * generators on the same threads are not waited for.
 */
export function settled(gen: GenLike): Generator {
  const lifted = lift(gen);
  return lifted === EXHAUSTED ? EXHAUSTED : new Settled(lifted, new Set());
}
