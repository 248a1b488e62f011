/**
 * Lifting plain data into generators, and sequences.
 *
 * Workloads are mostly written as data: `{f: 'read'}` is one op, `(ctx) => ({f: 'write', value: ...})`
 * is an endless stream of ops, `[a, b, c]` runs a, then b, then c. Everything else builds on these.
 */
import type { Op } from '../history/op.js';
import { forkContext, workloadThread, type Context, type Thread } from './context.js';
import type { GenFn, GenLike, Generator, OpResult, OpSpec } from './types.js';

/** The generator with nothing left; combinators compare against it to drop finished children. */
export const EXHAUSTED: Generator = Object.freeze({
  op: (): OpResult => null,
  update(): Generator {
    return EXHAUSTED;
  },
});

function isGenerator(x: object): x is Generator {
  const g = x as Partial<Generator>;
  return typeof g.op === 'function' && typeof g.update === 'function';
}

function isOpSpec(x: object): x is OpSpec {
  return typeof (x as Partial<OpSpec>).f === 'string';
}

/** Turns an op spec, a function, an array, `null` or a generator into a generator. */
export function lift(x: GenLike): Generator {
  if (x === null || x === undefined) return EXHAUSTED;
  if (typeof x === 'function') return new FnGen(x);
  if (Array.isArray(x)) return concat(...(x as readonly GenLike[]));
  if (typeof x === 'object') {
    if (isGenerator(x)) return x;
    if (isOpSpec(x)) return new OneShot(x);
  }
  throw new TypeError(
    `not a generator: expected a Generator, an op {f, value}, a function or an array, got ${describe(x)}`,
  );
}

function describe(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/**
 * The idle thread a plain op goes to (never the nemesis unless in `nemesis(...)`, see
 * `workloadThread`). Picking at random rather than the lowest idle thread spreads ops over workers the
 * way Jepsen does.
 */
function pickThread(ctx: Context): Thread | undefined {
  const candidates = ctx.free.filter((t) => workloadThread(ctx, t));
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0];
  return candidates[ctx.rng.fork('thread').int(candidates.length)];
}

/** One op, on whichever eligible thread is idle when asked. */
class OneShot implements Generator {
  constructor(private readonly spec: OpSpec) {}

  op(ctx: Context): OpResult {
    const thread = pickThread(ctx);
    if (thread === undefined) return 'pending';
    const { f, value = null, key } = this.spec;
    const process = ctx.workers.get(thread)!;
    const op = key === undefined
      ? { type: 'invoke' as const, process, f, value, time: ctx.time }
      : { type: 'invoke' as const, process, f, value, time: ctx.time, key };
    return { op, gen: EXHAUSTED };
  }

  update(): Generator {
    return this;
  }
}

/** Jepsen's function generator: run what the function returns, then call it again. */
class FnGen implements Generator {
  constructor(private readonly fn: GenFn) {}

  op(ctx: Context): OpResult {
    // The result is asked with the function's own context: its stream may have been drawn from, but
    // every further draw forks it by another label, so none repeats a draw the function made.
    const fnCtx = forkContext(ctx, 'fn');
    const produced = this.fn(fnCtx);
    if (produced === null || produced === undefined) return null;
    const r = lift(produced).op(fnCtx);
    // An empty result ends the function too: asking again at once would spin forever.
    if (r === null || r === 'pending') return r;
    return { op: r.op, gen: r.gen === EXHAUSTED ? this : new Seq([r.gen, this], 0) };
  }

  update(): Generator {
    return this;
  }
}

/** Runs generators one after another; only the running one sees updates (Jepsen's seq). */
class Seq implements Generator {
  constructor(
    private readonly gens: readonly Generator[],
    private readonly pos: number,
  ) {}

  op(ctx: Context): OpResult {
    for (let i = this.pos; i < this.gens.length; i++) {
      // No fork: only the first element with an op contributes to this ask, so draws cannot collide.
      const r = this.gens[i].op(ctx);
      if (r === null) continue;
      if (r === 'pending') return r;
      if (r.gen === EXHAUSTED) {
        // Step past a finished element now, so updates reach the element that runs next.
        return { op: r.op, gen: i === this.gens.length - 1 ? EXHAUSTED : new Seq(this.gens, i + 1) };
      }
      const gens = this.gens.slice();
      gens[i] = r.gen;
      return { op: r.op, gen: new Seq(gens, i) };
    }
    return null;
  }

  update(ctx: Context, event: Op): Generator {
    if (this.pos >= this.gens.length) return this;
    const gens = this.gens.slice();
    gens[this.pos] = gens[this.pos].update(ctx, event);
    return new Seq(gens, this.pos);
  }
}

/** Runs each generator to exhaustion, in order, without waiting between them (see `phases`). */
export function concat(...gens: GenLike[]): Generator {
  const lifted = gens.map(lift).filter((g) => g !== EXHAUSTED);
  if (lifted.length === 0) return EXHAUSTED;
  if (lifted.length === 1) return lifted[0];
  return new Seq(lifted, 0);
}
