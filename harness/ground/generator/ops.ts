/**
 * Generators that make or rewrite single ops: `log` (a line in the run log) and `map` (rewrite every
 * invocation, e.g. to tag ops with a key for independent-key workloads).
 */
import type { Op } from '../history/op.js';
import type { Context } from './context.js';
import { EXHAUSTED, lift } from './lift.js';
import { isInvoke, type GenLike, type Generator, type InvokeOp, type OpResult } from './types.js';

class Log implements Generator {
  constructor(private readonly message: string) {}

  op(ctx: Context): OpResult {
    return { op: { type: 'log', time: ctx.time, message: this.message }, gen: EXHAUSTED };
  }

  update(): Generator {
    return this;
  }
}

/** Writes `message` to the run log when reached; emits no invocation and takes no thread. */
export function log(message: string): Generator {
  return new Log(message);
}

/** What `map` may change about an invocation: its payload, not its scheduling. */
export type OpRewrite = Pick<InvokeOp, 'f' | 'value' | 'key'>;

class MapOps implements Generator {
  constructor(
    private readonly fn: (op: InvokeOp) => OpRewrite,
    private readonly gen: Generator,
  ) {}

  op(ctx: Context): OpResult {
    const r = this.gen.op(ctx);
    if (r === null || r === 'pending') return r;
    const gen = r.gen === EXHAUSTED ? EXHAUSTED : new MapOps(this.fn, r.gen);
    if (!isInvoke(r.op)) return { op: r.op, gen };
    const { f, value, key } = this.fn(r.op);
    const { process, time } = r.op;
    const op: InvokeOp = key === undefined
      ? { type: 'invoke', process, time, f, value }
      : { type: 'invoke', process, time, f, value, key };
    return { op, gen };
  }

  update(ctx: Context, event: Op): Generator {
    return new MapOps(this.fn, this.gen.update(ctx, event));
  }
}

/**
 * Rewrites each invocation of `gen` with `fn` (keep it pure). Process and time are kept: which thread
 * runs an op and when is the scheduler's business.
 */
export function map(fn: (op: InvokeOp) => OpRewrite, gen: GenLike): Generator {
  const lifted = lift(gen);
  return lifted === EXHAUSTED ? EXHAUSTED : new MapOps(fn, lifted);
}
