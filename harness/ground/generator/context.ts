/**
 * The context a generator is asked in: what time it is, which threads are idle, which process each
 * thread currently runs as, and a random stream.
 *
 * Threads are the fixed workers of a run (client threads `0..concurrency-1` plus the nemesis);
 * processes are the logical single-threaded clients of the history. A thread keeps its process until
 * an op of it completes `info`, then continues as a new process (see `nextProcess`).
 *
 * Contexts are immutable snapshots. Combinators narrow them (`clients`, `eachThread`, `reserve`) so
 * that a child only ever sees, and can only ever pick, the threads it was given.
 */
import type { Process } from '../history/op.js';
import type { Rng } from './rng.js';

/** A worker of the run: a client thread number or the nemesis. */
export type Thread = number | 'nemesis';

/** The nemesis thread; it always runs as process `"nemesis"`. */
export const NEMESIS = 'nemesis' as const;

export interface Context {
  /** Nanoseconds since the run started, simulated or real. */
  readonly time: number;
  /** Idle threads in scope, clients ascending then the nemesis. */
  readonly free: readonly Thread[];
  /** Every thread in scope (busy or not) → the process it currently runs as. */
  readonly workers: ReadonlyMap<Thread, Process>;
  /**
   * Randomness for this ask; it changes after every event, so asking twice in between gives the same
   * answer. A function generator gets a stream of its own and may draw from it directly. A Generator
   * you implement should draw from `ctx.rng.fork(label)` with a label of its own and hand its children
   * a forked context, so that draws along one path from the root to an op never coincide (a mix inside
   * a mix must not make the same choice as its parent).
   */
  readonly rng: Rng;
}

/** True for a client thread (a number), false for the nemesis. */
export function isClientThread(thread: Thread): thread is number {
  return typeof thread === 'number';
}

/**
 * Whether `thread` may run workload ops in this scope. The nemesis is reached only through
 * `nemesis(...)`, i.e. a scope without client threads: a plain op, `eachThread` or `reserve` that was
 * not wrapped in `clients(...)` still never hands a read to the nemesis (a classic Jepsen slip).
 */
export function workloadThread(ctx: Context, thread: Thread): boolean {
  if (isClientThread(thread)) return true;
  for (const t of ctx.workers.keys()) {
    if (isClientThread(t)) return false;
  }
  return true;
}

/** Orders threads as contexts list them: clients ascending, then the nemesis. */
export function compareThreads(a: Thread, b: Thread): number {
  if (a === b) return 0;
  if (a === NEMESIS) return 1;
  if (b === NEMESIS) return -1;
  return a - b;
}

/** The thread in scope that currently runs `process`, if any. */
export function threadOf(ctx: Pick<Context, 'workers'>, process: Process): Thread | undefined {
  for (const [thread, p] of ctx.workers) {
    if (p === process) return thread;
  }
  return undefined;
}

/** The process a client thread continues as after an `info` completion (Jepsen's rule). */
export function nextProcess(process: Process, concurrency: number): Process {
  return process === NEMESIS ? process : process + concurrency;
}

/** True when no thread in scope is busy: the condition a `phases` barrier waits for. */
export function allFree(ctx: Context): boolean {
  return ctx.free.length === ctx.workers.size;
}

/** The same context with an independent random stream labelled `label`. */
export function forkContext(ctx: Context, label: string | number): Context {
  return { time: ctx.time, free: ctx.free, workers: ctx.workers, rng: ctx.rng.fork(label) };
}

/**
 * Narrowings already computed, by filter and by the snapshot they narrow. The interpreter replaces its
 * thread lists only when they change, so `clients(...)`, asked several times per op, narrows each
 * snapshot once instead of allocating on every ask.
 */
const narrowedWorkers = new WeakMap<object, WeakMap<object, ReadonlyMap<Thread, Process>>>();
const narrowedFree = new WeakMap<object, WeakMap<object, readonly Thread[]>>();

function memo<K extends object, V>(cache: WeakMap<object, WeakMap<object, V>>, keep: object, key: K, make: () => V): V {
  let byKey = cache.get(keep);
  if (byKey === undefined) cache.set(keep, (byKey = new WeakMap()));
  let value = byKey.get(key);
  if (value === undefined) byKey.set(key, (value = make()));
  return value;
}

function narrowWorkers(workers: ReadonlyMap<Thread, Process>, keep: (thread: Thread) => boolean): Map<Thread, Process> {
  const narrowed = new Map<Thread, Process>();
  for (const [thread, process] of workers) {
    if (keep(thread)) narrowed.set(thread, process);
  }
  return narrowed;
}

/** The context narrowed to the threads a long-lived `keep` accepts; narrowings are cached per snapshot. */
export function restrictContext(ctx: Context, keep: (thread: Thread) => boolean): Context {
  const workers = memo(narrowedWorkers, keep, ctx.workers, () => narrowWorkers(ctx.workers, keep));
  const free = memo(narrowedFree, keep, ctx.free, () => ctx.free.filter(keep));
  return { time: ctx.time, free, workers, rng: ctx.rng };
}

/** The context narrowed to the threads `keep` accepts, uncached (for filters made per ask). */
export function narrowContext(ctx: Context, keep: (thread: Thread) => boolean): Context {
  return { time: ctx.time, free: ctx.free.filter(keep), workers: narrowWorkers(ctx.workers, keep), rng: ctx.rng };
}

/** The context of a single thread, as `eachThread` gives each thread's own generator. */
export function threadContext(ctx: Context, thread: Thread): Context {
  const process = ctx.workers.get(thread);
  const workers = new Map<Thread, Process>(process === undefined ? [] : [[thread, process]]);
  return { time: ctx.time, free: ctx.free.includes(thread) ? [thread] : [], workers, rng: ctx.rng };
}
