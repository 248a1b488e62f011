/**
 * `ownRng`: gives a part of the generator randomness of its own, advanced only by the events it
 * counts. The interpreter's `ctx.rng` changes after every event of the whole run, so in a real run a
 * draw depends on how client completions happened to interleave with it; that makes the fault
 * schedule differ between two runs with the same seed. Under `ownRng`, the k-th draw of the nemesis
 * depends only on the seed and k, so the same seed gives the same faults (and the same sequence of
 * client ops in invocation order), however fast the system under test answers.
 */
import type { Context } from './context.js';
import { lift } from './lift.js';
import type { Rng } from './rng.js';
import type { GenLike, Generator, OpResult } from './types.js';
import type { Op } from '../history/op.js';

class OwnRng implements Generator {
  constructor(
    private readonly rng: Rng,
    private readonly counts: (event: Op) => boolean,
    private readonly inner: Generator,
    private readonly n: number,
  ) {}

  // A fresh fork on every ask, never a cached one: generators draw from ctx.rng directly, and asking
  // twice between two events must give the same op (the interpreter looks ahead).
  private ctxFor(ctx: Context): Context {
    return { time: ctx.time, free: ctx.free, workers: ctx.workers, rng: this.rng.fork(this.n) };
  }

  op(ctx: Context): OpResult {
    const r = this.inner.op(this.ctxFor(ctx));
    if (r === null || r === 'pending') return r;
    return { op: r.op, gen: new OwnRng(this.rng, this.counts, r.gen, this.n) };
  }

  update(ctx: Context, event: Op): Generator {
    const n = this.counts(event) ? this.n + 1 : this.n;
    return new OwnRng(this.rng, this.counts, this.inner.update(this.ctxFor(ctx), event), n);
  }
}

/** `gen` drawing from `rng`, forked by the number of events so far for which `counts` is true. */
export function ownRng(rng: Rng, counts: (event: Op) => boolean, gen: GenLike): Generator {
  return new OwnRng(rng, counts, lift(gen), 0);
}
