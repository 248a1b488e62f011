/**
 * The history record (docs/architecture.md, "Core records"): one line of `history.jsonl`.
 *
 * `type` says what the op means: `invoke` opens it, `ok` says it happened, `fail` says it definitely
 * did not happen, `info` says nobody knows. After an `info` the process id is retired; the worker goes
 * on as a new process, so the indeterminate op stays concurrent with everything after it.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

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

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];

/** True for a completion (`ok`, `fail`, `info`). */
export function isCompletion(op: Op): boolean {
  return op.type !== 'invoke';
}

/** True for an op of a client process (not the nemesis). */
export function isClientOp(op: Op): boolean {
  return typeof op.process === 'number';
}
