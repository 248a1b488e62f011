/**
 * Combinators that count: `limit`/`once` (at most n invocations), `repeat` (run a generator again and
 * again) and `untilOk` (run again until an op succeeds).
 *
 * Only invocations count. Waits and log lines are bookkeeping, so `limit(1, [sleep(1e9), {f: 'x'}])`
 * still emits its one op.
 */
import type { Op, Process } from '../history/op.js';
import type { Context } from './context.js';
import { EXHAUSTED, lift } from './lift.js';
import { isInvoke, type GenLike, type Generator, type OpResult, type PendingOp } from './types.js';

class Limit implements Generator {
  constructor(
    private readonly remaining: number,
    private readonly gen: Generator,
  ) {}

  op(ctx: Context): OpResult {
    if (this.remaining <= 0) return null;
    const r = this.gen.op(ctx);
    if (r === null || r === 'pending') return r;
    const remaining = isInvoke(r.op) ? this.remaining - 1 : this.remaining;
    return { op: r.op, gen: r.gen === EXHAUSTED || remaining === 0 ? EXHAUSTED : new Limit(remaining, r.gen) };
  }

  update(ctx: Context, event: Op): Generator {
    return new Limit(this.remaining, this.gen.update(ctx, event));
  }
}

function checkCount(name: string, n: number): void {
  if (!(Number.isInteger(n) || n === Infinity) || n < 0) {
    throw new RangeError(`${name}: the count must be a non-negative integer, got ${n}`);
  }
}

/** At most `n` invocations from `gen`. */
export function limit(n: number, gen: GenLike): Generator {
  checkCount('limit', n);
  const lifted = lift(gen);
  return n === 0 || lifted === EXHAUSTED ? EXHAUSTED : new Limit(n, lifted);
}

/** At most one invocation from `gen`. */
export function once(gen: GenLike): Generator {
  return limit(1, gen);
}

/**
 * `current` is the running copy of `template`; `fresh` says it has not emitted anything yet, which is
 * how an empty template is told apart from a finished run (restarting an empty one would spin).
 */
class Repeat implements Generator {
  constructor(
    private readonly template: Generator,
    private readonly remaining: number,
    private readonly current: Generator,
    private readonly fresh: boolean,
  ) {}

  op(ctx: Context): OpResult {
    let { remaining, current, fresh } = this;
    while (remaining > 0) {
      // No fork per run: only one run is asked to contribute an op, so their draws cannot collide.
      const r = current.op(ctx);
      if (r === 'pending') return r;
      if (r !== null) return { op: r.op, gen: new Repeat(this.template, remaining, r.gen, false) };
      if (fresh) return null;
      remaining--;
      current = this.template;
      fresh = true;
    }
    return null;
  }

  update(ctx: Context, event: Op): Generator {
    const current = this.current.update(ctx, event);
    return new Repeat(this.template, this.remaining, current, this.fresh);
  }
}

/**
 * Runs `gen` to exhaustion again and again, forever or `times` times in all. Unlike Jepsen's `repeat`
 * (which repeats the first op), a sequence repeats whole, like Jepsen's `cycle`:
 * `repeat([sleep(5e9), {f: 'start'}, sleep(5e9), {f: 'stop'}])`.
 */
export function repeat(gen: GenLike): Generator;
export function repeat(times: number, gen: GenLike): Generator;
export function repeat(a: GenLike | number, b?: GenLike): Generator {
  const [times, gen] = typeof a === 'number' ? [a, b] : [Infinity, a];
  checkCount('repeat', times);
  const template = lift(gen);
  if (times === 0 || template === EXHAUSTED) return EXHAUSTED;
  return new Repeat(template, times, template, true);
}

class UntilOk implements Generator {
  constructor(
    private readonly template: Generator,
    private readonly current: Generator,
    /** Processes running an op this generator emitted. */
    private readonly active: ReadonlySet<Process>,
    /** Whether the current round has invoked anything; a round that did not cannot succeed by rerunning. */
    private readonly invoked: boolean,
  ) {}

  op(ctx: Context): OpResult {
    const r = this.current.op(ctx);
    if (r === 'pending') return r;
    if (r !== null) return this.emit(r.op, r.gen, this.invoked);
    // A round is over only when its ops are: one of them may still come back ok.
    if (this.active.size > 0) return 'pending';
    // Without this check `untilOk(sleep(1))` would spin through a billion empty rounds per second.
    if (!this.invoked) return null;
    const again = this.template.op(ctx);
    if (again === null || again === 'pending') return again;
    return this.emit(again.op, again.gen, false);
  }

  private emit(op: PendingOp, gen: Generator, invoked: boolean): OpResult {
    if (!isInvoke(op)) return { op, gen: new UntilOk(this.template, gen, this.active, invoked) };
    return { op, gen: new UntilOk(this.template, gen, new Set(this.active).add(op.process), true) };
  }

  update(ctx: Context, event: Op): Generator {
    const current = this.current.update(ctx, event);
    if (event.type === 'invoke' || !this.active.has(event.process)) {
      return new UntilOk(this.template, current, this.active, this.invoked);
    }
    if (event.type === 'ok') return EXHAUSTED;
    const active = new Set(this.active);
    active.delete(event.process);
    return new UntilOk(this.template, current, active, this.invoked);
  }
}

/**
 * Runs `gen` until one of its ops completes `ok`: each time it is exhausted and its ops have completed
 * without an `ok`, it runs again (a run that invoked nothing ends it). `untilOk({f: 'read'})` retries one read at a time; an endless `gen`
 * keeps every free thread busy until the first `ok`, as Jepsen's `until-ok` does.
 */
export function untilOk(gen: GenLike): Generator {
  const template = lift(gen);
  return template === EXHAUSTED ? EXHAUSTED : new UntilOk(template, template, new Set(), false);
}
