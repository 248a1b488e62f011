/**
 * The history record (docs/architecture.md, "Core records"): one line of `history.jsonl`.
 *
 * `type` says what the op means: `invoke` opens it, `ok` says it happened, `fail` says it definitely
 * did not happen, `info` says nobody knows. After an `info` the process id is retired; the worker goes
 * on as a new process, so the indeterminate op stays concurrent with everything after it.
 *
 * `event` is an observation of its own, not an op: something a client received from the system (a
 * watch's change notification, issue 27), recorded when it arrived, with the receiving client's
 * process, its node and what it carried (`value`: the change and the store's position — revision,
 * zxid, index). It has no invoke and no completion: it never opens or closes an op and never retires
 * its process, so it may come between an invoke and its completion, or after an `info` of its
 * process. Every reader that pairs invocations with completions skips it ({@link isEvent}).
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info' | 'event';

/** Process of a client (a number) or the nemesis. */
export type Process = number | 'nemesis';

export interface Op {
  /** Position in the history, 0-based, dense. */
  index: number;
  /** Nanoseconds since the run started (monotonic). Imported histories without times use the index. */
  time: number;
  process: Process;
  type: OpType;
  /** Operation name, e.g. `read`, `write`, `cas`, `get`, `put`, `append`, `acquire`. */
  f: string;
  /**
   * Argument on invoke, result on completion. An integer beyond 2^53 is held as its exact decimal
   * string, never as a rounded double (exact-int.ts); every reader gives it that one form.
   */
  value: unknown;
  /**
   * Key for independent-key workloads (Jepsen's `independent` tuples, porcupine's kv `:key`).
   * Absent for single-object histories.
   */
  key?: string | number;
  node?: string;
  error?: unknown;
}

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info', 'event'];

/** True for a completion (`ok`, `fail`, `info`); neither an invoke nor an event. */
export function isCompletion(op: Op): op is Op & { type: 'ok' | 'fail' | 'info' } {
  return op.type === 'ok' || op.type === 'fail' || op.type === 'info';
}

/** True for an event record (an observation, not part of any invoke/completion pair). */
export function isEvent(op: Op): boolean {
  return op.type === 'event';
}

/** Each history's view without events, kept while the history is: see {@link withoutEvents}. */
const eventFree = new WeakMap<readonly Op[], { length: number; ops: readonly Op[] }>();

/**
 * The ops without event records: what a reader of invoke/completion pairs reads. Made once per
 * history however many readers ask (runChecker hands it to every checker but the watch checker, and
 * the run's extra results read it too): a history that grew since is filtered again.
 */
export function withoutEvents(ops: readonly Op[]): readonly Op[] {
  const seen = eventFree.get(ops);
  if (seen !== undefined && seen.length === ops.length) return seen.ops;
  const kept = ops.some(isEvent) ? ops.filter((o) => o.type !== 'event') : ops;
  eventFree.set(ops, { length: ops.length, ops: kept });
  return kept;
}

/** True for an op of a client process (not the nemesis). */
export function isClientOp(op: Op): boolean {
  return typeof op.process === 'number';
}
