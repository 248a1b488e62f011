/**
 * The generator protocol, after Jepsen's jepsen.generator.
 *
 * A generator is an immutable value. Asking it for an op never changes it; it returns the op together
 * with the generator to use *if* that op is carried out. That is what lets the interpreter look ahead:
 * it may ask, see that the op is due in 3 s, and ask again from the old value when a completion arrives
 * first. Everything a generator decides must therefore come from its own state and the context
 * (including `ctx.rng`), never from outside, so the same seed and the same events give the same ops.
 */
import type { Op, Process } from '../history/op.js';
import type { Context } from './context.js';

/** An operation to start on the thread that runs `process`, no earlier than `time`. */
export interface InvokeOp {
  readonly type: 'invoke';
  readonly process: Process;
  readonly f: string;
  readonly value: unknown;
  /** Earliest time (ns since run start) to start it. */
  readonly time: number;
  readonly key?: string | number;
}

/**
 * Invokes nothing: at `time` the interpreter adopts the generator's new state. Generators use it to
 * wait for a time (sleep, the end of a time limit) and to fix state that must not depend on when the
 * next real op happens to be asked for (the start of a time limit, a passed barrier).
 */
export interface WaitOp {
  readonly type: 'wait';
  readonly time: number;
}

/** A message for the run log at `time`; not part of the history. */
export interface LogOp {
  readonly type: 'log';
  readonly time: number;
  readonly message: string;
}

export type PendingOp = InvokeOp | WaitOp | LogOp;

/**
 * What asking a generator gives: the next op and the generator after it; `'pending'` when nothing can
 * happen until an outstanding op completes (no free thread, a barrier); `null` when it is exhausted.
 */
export type OpResult = { readonly op: PendingOp; readonly gen: Generator } | 'pending' | null;

export interface Generator {
  /** The next op in this context, without changing this generator. */
  op(ctx: Context): OpResult;
  /** The generator after `event` (an invocation or a completion) happened in the run. */
  update(ctx: Context, event: Op): Generator;
}

/** Plain data for one op; `value` defaults to `null`. Lifted to a generator that emits it once. */
export interface OpSpec {
  readonly f: string;
  readonly value?: unknown;
  readonly key?: string | number;
}

/**
 * A function called every time it is asked (possibly several times per op, so keep it pure and draw
 * randomness from `ctx.rng`); what it returns is run, then it is asked again. `null` ends it.
 */
export type GenFn = (ctx: Context) => GenLike;

/** Anything that lifts to a generator: arrays run their elements in order; `null` is empty. */
export type GenLike = Generator | OpSpec | GenFn | readonly GenLike[] | null | undefined;

/** True for an op that starts a client or nemesis operation (not a wait or a log line). */
export function isInvoke(op: PendingOp): op is InvokeOp {
  return op.type === 'invoke';
}
