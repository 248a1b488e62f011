/**
 * The interpreter: the one stateful piece between a pure generator and the workers that run its ops.
 *
 * It owns the context (idle threads, each thread's process, the clock reading it is given) and the
 * history indices, and it is the only place that decides when an op becomes real. The run lifecycle
 * drives it with wall-clock nanoseconds; `simulate` drives it with a simulated clock. Both therefore
 * share every scheduling rule, and the tests of the simulator test what real runs do.
 *
 * Loop: `next(now)` → start the op it returns, or wait until `until` (or for a completion when
 * `until` is null) → report each completion with `complete(result, now)` → `next` again.
 */
import type { Op, OpType, Process } from '../history/op.js';
import { compareThreads, NEMESIS, nextProcess, threadOf, type Context, type Thread } from './context.js';
import { lift } from './lift.js';
import { createRng, type Rng, type Seed } from './rng.js';
import type { GenLike, Generator, InvokeOp } from './types.js';

export interface InterpreterOptions {
  /** Number of client threads; they are numbered `0..concurrency-1`. A nemesis thread always exists. */
  concurrency: number;
  /** Seed of every random choice the generator makes. */
  seed: Seed;
}

/** What the worker (or the nemesis) reports when an op finishes. */
export interface Completion {
  process: Process;
  type: Exclude<OpType, 'invoke' | 'event'>;
  /** The result; `undefined` keeps the invocation's value (e.g. an acknowledged write). */
  value?: unknown;
  error?: unknown;
  node?: string;
}

/** What to do next, as decided by `Interpreter.next`. */
export type Step =
  /** Start `op` on `thread` now; it is already recorded as the invocation. */
  | { kind: 'invoke'; thread: Thread; op: Op }
  | { kind: 'log'; time: number; message: string }
  /** Nothing to start before `until` unless a completion arrives first; `until: null`: wait for a completion. */
  | { kind: 'wait'; until: number | null }
  /** The generator waits for a completion but nothing is running: it can never continue. */
  | { kind: 'stalled' }
  /** The generator is exhausted and every op has completed. */
  | { kind: 'done' };

/**
 * Waits and log lines committed at one instant with no op started or completed in between; past this
 * a generator is surely looping (e.g. `repeat(log('x'))`) and would hang the run.
 */
const MAX_IDLE_COMMITS = 100_000;

export class Interpreter {
  private gen: Generator;
  private readonly root: Rng;
  private free: readonly Thread[];
  private workers: ReadonlyMap<Thread, Process>;
  private readonly running = new Map<Thread, Op>();
  /**
   * Counts committed state changes. Each ask draws from `root.fork(step)`, so asking again before
   * anything changed (the op was not due yet) gives the same answer.
   */
  private step = 0;
  private index = 0;
  private now = 0;
  /** Waits and logs committed since time last moved or an op started or completed. */
  private idle = 0;

  constructor(
    gen: GenLike,
    private readonly options: InterpreterOptions,
  ) {
    const { concurrency } = options;
    if (!Number.isInteger(concurrency) || concurrency < 0) {
      throw new RangeError(`concurrency must be a non-negative integer, got ${concurrency}`);
    }
    this.gen = lift(gen);
    this.root = createRng(options.seed);
    const threads: Thread[] = [...Array.from({ length: concurrency }, (_, i) => i), NEMESIS];
    this.free = threads;
    this.workers = new Map<Thread, Process>(threads.map((t) => [t, t]));
  }

  /** Number of ops started and not yet completed. */
  get outstanding(): number {
    return this.running.size;
  }

  /** The context the generator is asked in at time `now` (a snapshot). */
  context(now: number = this.now): Context {
    return { time: now, free: this.free, workers: this.workers, rng: this.root.fork(this.step) };
  }

  /** Decides what happens at time `now`: an op to start, a log line, or how long to wait. */
  next(now: number): Step {
    this.advance(now);
    for (;;) {
      const r = this.gen.op(this.context(now));
      if (r === null) return this.running.size > 0 ? { kind: 'wait', until: null } : { kind: 'done' };
      if (r === 'pending') return this.running.size > 0 ? { kind: 'wait', until: null } : { kind: 'stalled' };
      const { op } = r;
      if (!Number.isFinite(op.time)) throw new TypeError(`the generator emitted an op with time ${op.time}`);
      if (op.time > now) return { kind: 'wait', until: op.time };
      if (op.type === 'invoke') return this.start(op, now, r.gen);
      if (++this.idle > MAX_IDLE_COMMITS) {
        throw new Error(
          `the generator made no progress at time ${now}: ${MAX_IDLE_COMMITS} waits or log lines in a row ` +
            'without an op; does it repeat something that never invokes?',
        );
      }
      this.gen = r.gen;
      this.step++;
      if (op.type === 'log') return { kind: 'log', time: now, message: op.message };
    }
  }

  private start(pending: InvokeOp, now: number, gen: Generator): Step {
    const thread = threadOf({ workers: this.workers }, pending.process);
    if (thread === undefined || !this.free.includes(thread)) {
      throw new Error(
        `the generator emitted ${pending.f} for process ${String(pending.process)}, which is not an idle ` +
          'worker; a generator must pick the process of a free thread of its context',
      );
    }
    this.gen = gen;
    this.step++;
    this.idle = 0;
    const op: Op = {
      index: this.index++,
      time: now,
      process: pending.process,
      type: 'invoke',
      f: pending.f,
      value: pending.value,
      ...(pending.key === undefined ? {} : { key: pending.key }),
    };
    this.free = this.free.filter((t) => t !== thread);
    this.running.set(thread, op);
    this.gen = this.gen.update(this.context(now), op);
    this.step++;
    return { kind: 'invoke', thread, op };
  }

  /** Records the completion of a running op at time `now`; returns the history record for it. */
  complete(completion: Completion, now: number): Op {
    this.advance(now);
    const { process, type } = completion;
    if (type !== 'ok' && type !== 'fail' && type !== 'info') {
      throw new TypeError(`a completion must be ok, fail or info, got ${String(type)}`);
    }
    const thread = threadOf({ workers: this.workers }, process);
    const invocation = thread === undefined ? undefined : this.running.get(thread);
    if (thread === undefined || invocation === undefined) {
      throw new Error(`process ${String(process)} has no operation running, so it cannot complete one`);
    }
    const op: Op = {
      index: this.index++,
      time: now,
      process,
      type,
      f: invocation.f,
      value: completion.value === undefined ? invocation.value : completion.value,
      ...(invocation.key === undefined ? {} : { key: invocation.key }),
      ...(completion.node === undefined ? {} : { node: completion.node }),
      ...(completion.error === undefined ? {} : { error: completion.error }),
    };
    this.running.delete(thread);
    this.idle = 0;
    this.free = [...this.free, thread].sort(compareThreads);
    // The generator learns of the completion while the thread still runs as the old process, so it
    // can match the event to the op it emitted; only then is the process retired.
    this.gen = this.gen.update(this.context(now), op);
    this.step++;
    if (type === 'info' && thread !== NEMESIS) {
      this.workers = new Map(this.workers).set(thread, nextProcess(process, this.options.concurrency));
    }
    return op;
  }

  /**
   * Records an event a client of `process` received at time `now` (a watch's delivery): the next
   * index of the history, and nothing else — an event opens no op, completes none, retires no process
   * and is not shown to the generator.
   */
  event(process: Process, value: unknown, now: number, node?: string): Op {
    this.advance(now);
    return { index: this.index++, time: now, process, type: 'event', f: 'event', value, ...(node === undefined ? {} : { node }) };
  }

  private advance(now: number): void {
    if (!Number.isFinite(now) || now < this.now) {
      throw new RangeError(`the clock must not go backwards: got ${now} after ${this.now}`);
    }
    if (now > this.now) this.idle = 0;
    this.now = now;
  }
}
