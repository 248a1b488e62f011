/**
 * Runs a generator against pretend workers on a simulated clock: no sleeping, no timers, the same seed
 * gives the same history. Tests use it to pin down combinator behaviour; users can use it to preview
 * the schedule a generator will produce before pointing it at a cluster.
 */
import type { Op } from '../history/op.js';
import { Interpreter, type Completion } from './interpreter.js';
import { createRng, type Rng, type Seed } from './rng.js';
import type { GenLike } from './types.js';

/** How a pretend worker answers an invocation. */
export interface SimulatedCompletion {
  type: Completion['type'];
  /** The result; omitted keeps the invocation's value. */
  value?: unknown;
  error?: unknown;
  /** Time from invocation to completion; default 1 ms. */
  latencyNs?: number;
}

export interface SimulateOptions {
  /** Client threads (the nemesis thread is always there). */
  concurrency: number;
  /** Default 0. */
  seed?: Seed;
  /** Answers each invocation (client and nemesis alike); default: `ok` with the same value after 1 ms. */
  completer?: (invocation: Op, time: number, rng: Rng) => SimulatedCompletion;
  /** No invocation after this many; running ops still complete. Default 10 000, a guard against endless generators. */
  maxOps?: number;
  /** No invocation at or after this simulated time; running ops still complete. Default: no limit. */
  maxTimeNs?: number;
  /** Receives `log(...)` lines. */
  onLog?: (message: string, time: number) => void;
}

export const DEFAULT_LATENCY_NS = 1_000_000;

const okAfterDefaultLatency = (): SimulatedCompletion => ({ type: 'ok' });

interface Scheduled {
  time: number;
  completion: Completion;
}

/** The history `gen` produces against simulated workers (completions due at an instant go before new ops). */
export function simulate(gen: GenLike, options: SimulateOptions): Op[] {
  const { concurrency, seed = 0, completer = okAfterDefaultLatency, maxOps = 10_000 } = options;
  const maxTimeNs = options.maxTimeNs ?? Infinity;
  const interpreter = new Interpreter(gen, { concurrency, seed });
  const rng = createRng(seed).fork('completer');
  const history: Op[] = [];
  const queue: Scheduled[] = [];
  let now = 0;
  let invocations = 0;
  let stopped = false;

  for (;;) {
    const due = queue[0];
    if (due !== undefined && (stopped || due.time <= now)) {
      queue.shift();
      now = Math.max(now, due.time);
      history.push(interpreter.complete(due.completion, now));
      continue;
    }
    if (stopped) break;
    if (invocations >= maxOps || now >= maxTimeNs) {
      stopped = true;
      continue;
    }
    const step = interpreter.next(now);
    switch (step.kind) {
      case 'invoke': {
        history.push(step.op);
        invocations++;
        const answer = completer(step.op, now, rng);
        const latency = answer.latencyNs ?? DEFAULT_LATENCY_NS;
        if (!Number.isFinite(latency) || latency < 0) {
          throw new RangeError(`simulate: the completer returned latencyNs ${latency}; it must be finite and >= 0`);
        }
        const { type, value, error } = answer;
        const completion = { process: step.op.process, type, value, error };
        insert(queue, { time: now + latency, completion });
        break;
      }
      case 'log':
        options.onLog?.(step.message, step.time);
        break;
      case 'wait': {
        const until = Math.min(step.until ?? Infinity, maxTimeNs);
        // A completion due first wins; the loop head delivers it.
        now = queue.length > 0 && queue[0].time <= until ? queue[0].time : until;
        break;
      }
      case 'stalled':
        throw new Error(
          `simulate: at ${now} ns the generator waits for an op to complete, but none is running, so it can ` +
            'never continue (is it routed to threads that do not exist, e.g. clients() with concurrency 0?)',
        );
      case 'done':
        return history;
    }
  }
  return history;
}

/** Keeps the queue ordered by time; equal times stay in start order (first started, first completed). */
function insert(queue: Scheduled[], item: Scheduled): void {
  let i = queue.length;
  while (i > 0 && queue[i - 1].time > item.time) i--;
  queue.splice(i, 0, item);
}
