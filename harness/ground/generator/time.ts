/**
 * Combinators about time: spacing ops out (`stagger`, `delay`), bounding a generator in time
 * (`timeLimit`) and doing nothing for a while (`sleep`). All times are nanoseconds on the run's clock,
 * which the interpreter supplies, so the same code runs under the simulator and in a real run.
 */
import type { Op } from '../history/op.js';
import { forkContext, type Context } from './context.js';
import { EXHAUSTED, lift } from './lift.js';
import { isInvoke, type GenLike, type Generator, type OpResult, type WaitOp } from './types.js';

function checkDuration(name: string, ns: number): void {
  if (!Number.isFinite(ns) || ns < 0) {
    throw new RangeError(`${name}: the duration must be a finite number of nanoseconds >= 0, got ${ns}`);
  }
}

function waitOp(time: number): WaitOp {
  return { type: 'wait', time };
}

/**
 * Spaces invocations out on one schedule shared by all threads (as Jepsen's stagger does: the rate is
 * for the whole generator, not per thread). An op due later than the schedule keeps its time and the
 * schedule restarts from it, so a stall is not followed by a burst of catch-up ops.
 */
class Spaced implements Generator {
  constructor(
    private readonly gap: (ctx: Context) => number,
    private readonly gen: Generator,
    private readonly nextTime: number | undefined,
  ) {}

  op(ctx: Context): OpResult {
    const r = this.gen.op(forkContext(ctx, 'spaced'));
    if (r === null || r === 'pending') return r;
    if (r.gen === EXHAUSTED && !isInvoke(r.op)) return r;
    if (!isInvoke(r.op)) return { op: r.op, gen: new Spaced(this.gap, r.gen, this.nextTime) };
    const due = this.nextTime === undefined ? r.op.time : Math.max(this.nextTime, r.op.time);
    const op = due === r.op.time ? r.op : { ...r.op, time: due };
    return { op, gen: new Spaced(this.gap, r.gen, due + this.gap(ctx)) };
  }

  update(ctx: Context, event: Op): Generator {
    return new Spaced(this.gap, this.gen.update(forkContext(ctx, 'spaced'), event), this.nextTime);
  }
}

/** Invocations of `gen` at uniformly random intervals in `[0, 2·dtNs)`, so `dtNs` apart on average. */
export function stagger(dtNs: number, gen: GenLike): Generator {
  checkDuration('stagger', dtNs);
  // Whole nanoseconds keep history times integral.
  return new Spaced((ctx) => Math.floor(ctx.rng.fork('stagger').float() * 2 * dtNs), lift(gen), undefined);
}

/** Invocations of `gen` at least `dtNs` apart (exactly, while a thread is free when each is due). */
export function delay(dtNs: number, gen: GenLike): Generator {
  checkDuration('delay', dtNs);
  return new Spaced(() => dtNs, lift(gen), undefined);
}

/** A time limit whose clock has started: it ends at `cutoff`, or earlier if `gen` ends. */
class Until implements Generator {
  constructor(
    private readonly cutoff: number,
    private readonly gen: Generator,
  ) {}

  op(ctx: Context): OpResult {
    if (ctx.time >= this.cutoff) return null;
    const r = this.gen.op(ctx);
    if (r === null) return null;
    // Waking at the cutoff (rather than ending now, or staying pending) makes the limit end exactly on
    // time: an enclosing `phases` moves on at the cutoff even if no op completes to wake it.
    if (r === 'pending' || r.op.time >= this.cutoff) return { op: waitOp(this.cutoff), gen: this };
    return { op: r.op, gen: new Until(this.cutoff, r.gen) };
  }

  update(ctx: Context, event: Op): Generator {
    return new Until(this.cutoff, this.gen.update(ctx, event));
  }
}

/** A time limit whose clock starts when it is first asked. */
class TimeLimit implements Generator {
  constructor(
    private readonly ns: number,
    private readonly gen: Generator,
  ) {}

  op(ctx: Context): OpResult {
    // Fix the start with a wait due now; deriving it from the first real op would move the cutoff
    // every time the interpreter asks ahead and then asks again later.
    return { op: waitOp(ctx.time), gen: new Until(ctx.time + this.ns, this.gen) };
  }

  update(ctx: Context, event: Op): Generator {
    return new TimeLimit(this.ns, this.gen.update(ctx, event));
  }
}

/**
 * `gen` for `ns` nanoseconds from when it is first asked: no op is invoked at or after the cutoff, and
 * it ends at the cutoff even if `gen` is waiting. Ops already running are not cut short.
 */
export function timeLimit(ns: number, gen: GenLike): Generator {
  checkDuration('timeLimit', ns);
  const lifted = lift(gen);
  return ns === 0 || lifted === EXHAUSTED ? EXHAUSTED : new TimeLimit(ns, lifted);
}

class Sleep implements Generator {
  constructor(
    private readonly ns: number,
    private readonly until: number | undefined,
  ) {}

  op(ctx: Context): OpResult {
    if (this.until === undefined) return { op: waitOp(ctx.time), gen: new Sleep(this.ns, ctx.time + this.ns) };
    if (ctx.time >= this.until) return null;
    return { op: waitOp(this.until), gen: EXHAUSTED };
  }

  update(): Generator {
    return this;
  }
}

/**
 * Nothing for `ns` nanoseconds from when it is first asked, occupying no thread: in
 * `[a, sleep(5e9), b]`, `b` starts 5 s after `a` is exhausted.
 */
export function sleep(ns: number): Generator {
  checkDuration('sleep', ns);
  return ns === 0 ? EXHAUSTED : new Sleep(ns, undefined);
}
