/**
 * Combinators that choose between several generators: `any` (whichever is due first), `mix` (a
 * random one per op) and `flipFlop` (strict alternation).
 */
import type { Op } from '../history/op.js';
import { forkContext, type Context } from './context.js';
import { EXHAUSTED, lift } from './lift.js';
import type { Rng } from './rng.js';
import { isInvoke, type GenLike, type Generator, type OpResult, type PendingOp } from './types.js';

/**
 * The candidate whose op is due first. Ties are broken at random rather than by position, so that
 * e.g. every thread of `eachThread` gets its turn instead of thread 0 always going first.
 */
export function soonest<T extends { readonly op: PendingOp }>(candidates: readonly T[], rng: Rng): T | undefined {
  let best: T[] = [];
  let bestTime = Infinity;
  for (const c of candidates) {
    if (c.op.time < bestTime) {
      best = [c];
      bestTime = c.op.time;
    } else if (c.op.time === bestTime) {
      best.push(c);
    }
  }
  if (best.length <= 1) return best[0];
  return best[rng.fork('tie').int(best.length)];
}

/** Runs all generators at once; each op comes from whichever is due soonest (Jepsen's `any`). */
class Any implements Generator {
  constructor(private readonly gens: readonly Generator[]) {}

  op(ctx: Context): OpResult {
    const candidates: { i: number; op: PendingOp; gen: Generator }[] = [];
    const gens = this.gens.slice();
    // One stream for all children is enough (only one child's op is taken), but it must differ from
    // ours, or an `any` nested in this one would break ties exactly as we do.
    const childCtx = forkContext(ctx, 'any');
    let pending = false;
    for (let i = 0; i < gens.length; i++) {
      if (gens[i] === EXHAUSTED) continue;
      const r = gens[i].op(childCtx);
      if (r === null) gens[i] = EXHAUSTED;
      else if (r === 'pending') pending = true;
      else candidates.push({ i, op: r.op, gen: r.gen });
    }
    const best = soonest(candidates, ctx.rng);
    if (best === undefined) return pending ? 'pending' : null;
    gens[best.i] = best.gen;
    return { op: best.op, gen: new Any(gens) };
  }

  update(ctx: Context, event: Op): Generator {
    return new Any(this.gens.map((g) => g.update(ctx, event)));
  }
}

/** All generators concurrently: each op comes from whichever one has an op due first. */
export function any(...gens: GenLike[]): Generator {
  const lifted = gens.map(lift).filter((g) => g !== EXHAUSTED);
  if (lifted.length === 0) return EXHAUSTED;
  return lifted.length === 1 ? lifted[0] : new Any(lifted);
}

/**
 * A uniformly random choice per op. The choice is drawn from the context's stream, so a look-ahead
 * and the later real ask agree, and a fresh choice is made after every event.
 */
class Mix implements Generator {
  constructor(private readonly gens: readonly Generator[]) {}

  op(ctx: Context): OpResult {
    let gens = this.gens;
    const rng = ctx.rng.fork('mix');
    const childCtx = forkContext(ctx, 'mix-child');
    while (gens.length > 0) {
      const i = rng.int(gens.length);
      const r = gens[i].op(childCtx);
      if (r === null) {
        gens = gens.filter((_, j) => j !== i);
        continue;
      }
      // A busy choice holds the mix, as in Jepsen: choosing another would skew the proportions.
      if (r === 'pending') return r;
      const next = gens.slice();
      next[i] = r.gen;
      return { op: r.op, gen: new Mix(next.filter((g) => g !== EXHAUSTED)) };
    }
    return null;
  }

  update(ctx: Context, event: Op): Generator {
    // Unlike Jepsen's mix, children do see events, so e.g. an `untilOk` inside a mix works.
    return new Mix(this.gens.map((g) => g.update(ctx, event)));
  }
}

/** Each op from a generator chosen uniformly at random; exhausted ones drop out. */
export function mix(gens: readonly GenLike[]): Generator {
  const lifted = gens.map(lift).filter((g) => g !== EXHAUSTED);
  if (lifted.length === 0) return EXHAUSTED;
  return lifted.length === 1 ? lifted[0] : new Mix(lifted);
}

class FlipFlop implements Generator {
  constructor(
    private readonly gens: readonly [Generator, Generator],
    private readonly turn: 0 | 1,
  ) {}

  op(ctx: Context): OpResult {
    const r = this.gens[this.turn].op(ctx);
    if (r === null || r === 'pending') return r;
    const gens: [Generator, Generator] = [this.gens[0], this.gens[1]];
    gens[this.turn] = r.gen;
    // Waits and log lines are not turns: a sleeping `a` must not hand its turn to `b`.
    const turn = isInvoke(r.op) ? ((1 - this.turn) as 0 | 1) : this.turn;
    return { op: r.op, gen: new FlipFlop(gens, turn) };
  }

  update(ctx: Context, event: Op): Generator {
    return new FlipFlop(
      [this.gens[0].update(ctx, event), this.gens[1].update(ctx, event)],
      this.turn,
    );
  }
}

/** One op from `a`, then one from `b`, then `a` again...; ends as soon as the one whose turn it is ends. */
export function flipFlop(a: GenLike, b: GenLike): Generator {
  return new FlipFlop([lift(a), lift(b)], 0);
}
