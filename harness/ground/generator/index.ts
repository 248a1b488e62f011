/**
 * Pure, seeded generators of client and nemesis operations, after Jepsen's jepsen.generator.
 *
 * One generator drives a whole run: `clients(...)` and `nemesis(...)` route its parts, `phases(...)`
 * orders stages with barriers, and `Interpreter` (real runs) or `simulate` (tests, previews) turn it
 * into a history. The same seed and the same completions give the same schedule.
 *
 * ```ts
 * const gen = phases(
 *   timeLimit(60e9, clients(
 *     stagger(10e6, mix([() => ({ f: 'read' }), (ctx) => ({ f: 'write', value: ctx.rng.int(5) })])),
 *     repeat([sleep(5e9), { f: 'start-partition' }, sleep(5e9), { f: 'stop-partition' }]),
 *   )),
 *   nemesis({ f: 'stop-partition' }),
 *   clients(eachThread({ f: 'read' })),
 * );
 * ```
 */
export type { Context, Thread } from './context.js';
export { NEMESIS, isClientThread, nextProcess, threadOf } from './context.js';
export type { Rng, Seed } from './rng.js';
export { runSeed } from './rng.js';
export { createRng } from './rng.js';
export type {
  GenFn,
  GenLike,
  Generator,
  InvokeOp,
  LogOp,
  OpResult,
  OpSpec,
  PendingOp,
  WaitOp,
} from './types.js';
export { isInvoke } from './types.js';

export { EXHAUSTED, concat, lift } from './lift.js';
export { any, flipFlop, mix } from './choice.js';
export { clients, eachThread, nemesis, onThreads, reserve } from './threads.js';
export { delay, sleep, stagger, timeLimit } from './time.js';
export { limit, once, repeat, untilOk } from './counting.js';
export { phases, settled, synchronize } from './phases.js';
export type { OpRewrite } from './ops.js';
export { log, map } from './ops.js';
export { ownRng } from './own-rng.js';

export type { Completion, InterpreterOptions, Step } from './interpreter.js';
export { Interpreter } from './interpreter.js';
export type { SimulateOptions, SimulatedCompletion } from './simulate.js';
export { DEFAULT_LATENCY_NS, simulate } from './simulate.js';
export type { Clock, ClockTimer } from './clock.js';
export { realClock, SimClock } from './clock.js';
