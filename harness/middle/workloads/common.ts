/**
 * Generator pieces the workloads share: pacing at the run's rate, numbered ops (unique elements,
 * messages) and the final reads after healing.
 */
import { finalRead } from '../../../checkers/common.js';
import {
  any,
  clients,
  lift,
  limit,
  sleep,
  stagger,
  timeLimit,
  untilOk,
  type Context,
  type GenLike,
  type Generator,
  type OpResult,
  type OpSpec,
} from '../../ground/generator/index.js';
import type { WorkloadOptions } from '../../ground/contracts/roles.js';

/** Final-read attempts per node at most (a failed or timed-out read is retried, a successful one is not). */
export const FINAL_READ_ATTEMPTS = 10;
/** Pause before retrying a final read, ns. */
export const FINAL_READ_RETRY_NS = 1_000_000_000;
/**
 * How long a node's final reads are retried, ns, from when the final reads begin. After a heal a store may
 * need to elect again (a cut-off Raft server without pre-vote deposes the leader when it returns), and
 * on a loaded machine that has been seen to outlast three one-second retries; Jepsen's final reads
 * likewise retry under a time limit rather than a small count. A node that never answers costs at
 * most this long.
 */
export const FINAL_READ_WINDOW_NS = 20_000_000_000;

/**
 * `gen` on the client threads, `rate` ops per second across all of them on average (Jepsen's
 * stagger); a rate that is not a positive finite number means as fast as the clients go.
 */
export function paced(opts: WorkloadOptions, gen: GenLike): Generator {
  const { rate } = opts;
  return clients(Number.isFinite(rate) && rate > 0 ? stagger(1e9 / rate, gen) : gen);
}

/**
 * An endless stream of ops numbered 0, 1, 2, ...: `make(i, ctx)` gives op i. The number lives in the
 * generator's state, not in a closure, so asking ahead and asking again give the same op and the
 * same seed replays the same numbers (Jepsen's `(map f (range))`).
 */
export function numbered(make: (i: number, ctx: Context) => OpSpec): Generator {
  return new Numbered(make, 0);
}

class Numbered implements Generator {
  constructor(
    private readonly make: (i: number, ctx: Context) => OpSpec,
    private readonly i: number,
  ) {}

  op(ctx: Context): OpResult {
    const r = lift(this.make(this.i, ctx)).op(ctx);
    if (r === null || r === 'pending') return r;
    return { op: r.op, gen: new Numbered(this.make, this.i + 1) };
  }

  update(): Generator {
    return this;
  }
}

/**
 * One final read of every node, concurrently on whichever client threads are free; a read that does
 * not succeed is retried, no sooner than FINAL_READ_RETRY_NS after the last attempt began, up to
 * FINAL_READ_ATTEMPTS in all and within FINAL_READ_WINDOW_NS of the start. Each read's value marks it
 * final and names its node, so the client sends it there and the checker knows whose state it is.
 */
export function finalReads(opts: WorkloadOptions, f = 'read'): Generator {
  const perNode = opts.nodes.map((node) =>
    timeLimit(FINAL_READ_WINDOW_NS, limit(FINAL_READ_ATTEMPTS, untilOk([{ f, value: finalRead(node) }, sleep(FINAL_READ_RETRY_NS)]))),
  );
  return clients(any(...perNode));
}

/** A uniform integer in `[lo, hi]`. */
export function randomInt(ctx: Context, lo: number, hi: number): number {
  return lo + ctx.rng.int(hi - lo + 1);
}
