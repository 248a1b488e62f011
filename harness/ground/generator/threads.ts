/**
 * Combinators that route ops to threads: `clients`/`nemesis` (which kind of worker), `eachThread`
 * (an independent copy per worker) and `reserve` (fixed groups of workers per generator).
 *
 * Each works by narrowing the context its children see, so a child can only pick threads it owns, and
 * by passing a child only the events of its own threads.
 */
import type { Op } from '../history/op.js';
import { any, soonest } from './choice.js';
import {
  compareThreads,
  isClientThread,
  NEMESIS,
  forkContext,
  narrowContext,
  restrictContext,
  threadContext,
  threadOf,
  workloadThread,
  type Context,
  type Thread,
} from './context.js';
import { EXHAUSTED, lift } from './lift.js';
import type { GenLike, Generator, OpResult, PendingOp } from './types.js';

class OnThreads implements Generator {
  constructor(
    private readonly keep: (thread: Thread) => boolean,
    private readonly gen: Generator,
  ) {}

  op(ctx: Context): OpResult {
    const r = this.gen.op(restrictContext(ctx, this.keep));
    if (r === null || r === 'pending') return r;
    return { op: r.op, gen: r.gen === EXHAUSTED ? EXHAUSTED : new OnThreads(this.keep, r.gen) };
  }

  update(ctx: Context, event: Op): Generator {
    const thread = threadOf(ctx, event.process);
    if (thread === undefined || !this.keep(thread)) return this;
    return new OnThreads(this.keep, this.gen.update(restrictContext(ctx, this.keep), event));
  }
}

/** Runs `gen` on just the threads `keep` accepts; it sees only their events. */
export function onThreads(keep: (thread: Thread) => boolean, gen: GenLike): Generator {
  const lifted = lift(gen);
  return lifted === EXHAUSTED ? EXHAUSTED : new OnThreads(keep, lifted);
}

/** `gen` on the client threads only; with `nemesisGen`, also that on the nemesis (Jepsen's 2-arity). */
export function clients(gen: GenLike, nemesisGen?: GenLike): Generator {
  const c = onThreads(isClientThread, gen);
  return nemesisGen === undefined ? c : any(c, nemesis(nemesisGen));
}

/** One long-lived filter, so `restrictContext` can cache narrowings across asks. */
const isNemesisThread = (thread: Thread): boolean => thread === NEMESIS;

/** `gen` on the nemesis thread only; with `clientGen`, also that on the clients (Jepsen's 2-arity). */
export function nemesis(gen: GenLike, clientGen?: GenLike): Generator {
  const n = onThreads(isNemesisThread, gen);
  return clientGen === undefined ? n : any(n, clients(clientGen));
}

/**
 * One copy of the template per thread. A copy stays the shared template value until its thread is
 * first asked or updated (generators are immutable, so sharing is safe); `null` marks a finished copy.
 */
class EachThread implements Generator {
  constructor(
    private readonly template: Generator,
    private readonly copies: ReadonlyMap<Thread, Generator | null>,
  ) {}

  private copyOf(thread: Thread): Generator | null {
    const g = this.copies.get(thread);
    return g === undefined ? this.template : g;
  }

  op(ctx: Context): OpResult {
    const copies = new Map(this.copies);
    const candidates: { thread: Thread; op: PendingOp; gen: Generator }[] = [];
    const childCtx = forkContext(ctx, 'each-thread');
    // Only idle threads are asked, as in Jepsen: a busy thread's copy cannot start anything anyway.
    for (const thread of ctx.free) {
      if (!workloadThread(ctx, thread)) continue;
      const g = this.copyOf(thread);
      if (g === null) continue;
      const r = g.op(threadContext(childCtx, thread));
      if (r === null) copies.set(thread, null);
      else if (r !== 'pending') candidates.push({ thread, op: r.op, gen: r.gen });
    }
    const best = soonest(candidates, ctx.rng);
    if (best === undefined) {
      for (const thread of ctx.workers.keys()) {
        if (workloadThread(ctx, thread) && copies.get(thread) !== null) return 'pending';
      }
      return null;
    }
    copies.set(best.thread, best.gen === EXHAUSTED ? null : best.gen);
    return { op: best.op, gen: new EachThread(this.template, copies) };
  }

  update(ctx: Context, event: Op): Generator {
    const thread = threadOf(ctx, event.process);
    if (thread === undefined || !workloadThread(ctx, thread)) return this;
    const g = this.copyOf(thread);
    if (g === null) return this;
    const copies = new Map(this.copies);
    copies.set(thread, g.update(threadContext(ctx, thread), event));
    return new EachThread(this.template, copies);
  }
}

/**
 * An independent copy of `gen` for every thread in scope (client threads only, unless inside
 * `nemesis(...)`), each seeing only its own thread and its events.
 */
export function eachThread(gen: GenLike): Generator {
  const lifted = lift(gen);
  return lifted === EXHAUSTED ? EXHAUSTED : new EachThread(lifted, new Map());
}

/**
 * Fixed groups of threads. Groups are cut from the client threads in scope in ascending order, so the
 * assignment is the same on every ask; the default generator gets the remaining client threads (or the
 * nemesis, inside `nemesis(...)`; a thread it may not use is owned by nobody).
 */
class Reserve implements Generator {
  constructor(
    private readonly counts: readonly number[],
    /** One per group, then the default; `EXHAUSTED` once finished. */
    private readonly gens: readonly Generator[],
  ) {}

  /** Index into `gens` of the group that owns each thread in scope. */
  private groups(ctx: Context): Map<Thread, number> {
    const owners = new Map<Thread, number>();
    const threads = [...ctx.workers.keys()].sort(compareThreads);
    const clientCount = threads.filter(isClientThread).length;
    const wanted = this.counts.reduce((a, b) => a + b, 0);
    if (wanted > clientCount) {
      throw new RangeError(
        `reserve: the groups need ${wanted} client threads but only ${clientCount} are in scope; ` +
          'raise the concurrency or shrink the groups',
      );
    }
    let group = 0;
    let left = this.counts[0] ?? 0;
    for (const thread of threads) {
      while (group < this.counts.length && left === 0) left = this.counts[++group] ?? 0;
      if (group < this.counts.length && isClientThread(thread)) {
        owners.set(thread, group);
        left--;
      } else if (workloadThread(ctx, thread)) {
        owners.set(thread, this.counts.length);
      }
    }
    return owners;
  }

  op(ctx: Context): OpResult {
    const owners = this.groups(ctx);
    const gens = this.gens.slice();
    const candidates: { i: number; op: PendingOp; gen: Generator }[] = [];
    const childCtx = forkContext(ctx, 'reserve');
    const staffed = new Set(owners.values());
    let pending = false;
    for (let i = 0; i < gens.length; i++) {
      // A group without threads (a count of 0, or no threads left for the default) could only ever be
      // pending, which would keep the whole reserve from ending.
      if (gens[i] === EXHAUSTED || !staffed.has(i)) continue;
      const r = gens[i].op(narrowContext(childCtx, (t) => owners.get(t) === i));
      if (r === null) gens[i] = EXHAUSTED;
      else if (r === 'pending') pending = true;
      else candidates.push({ i, op: r.op, gen: r.gen });
    }
    const best = soonest(candidates, ctx.rng);
    if (best === undefined) return pending ? 'pending' : null;
    gens[best.i] = best.gen;
    return { op: best.op, gen: new Reserve(this.counts, gens) };
  }

  update(ctx: Context, event: Op): Generator {
    const thread = threadOf(ctx, event.process);
    if (thread === undefined) return this;
    const owners = this.groups(ctx);
    const i = owners.get(thread);
    if (i === undefined) return this;
    const gens = this.gens.slice();
    gens[i] = gens[i].update(narrowContext(ctx, (t) => owners.get(t) === i), event);
    return new Reserve(this.counts, gens);
  }
}

/**
 * Dedicated client threads per generator: `reserve([[2, writes], [1, cas]], reads)` runs writes on
 * client threads 0–1, cas on thread 2 and reads on the rest.
 */
export function reserve(groups: ReadonlyArray<readonly [number, GenLike]>, defaultGen: GenLike): Generator {
  for (const [count] of groups) {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`reserve: a group's thread count must be a non-negative integer, got ${count}`);
    }
  }
  return new Reserve(
    groups.map(([count]) => count),
    [...groups.map(([, gen]) => lift(gen)), lift(defaultGen)],
  );
}
