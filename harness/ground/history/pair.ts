import { HistoryError } from './errors.js';
import type { Op } from './op.js';

/** What we know of an operation's effect: it happened, it definitely did not, or nobody knows. */
export type Outcome = 'ok' | 'fail' | 'unknown';

/**
 * One client operation: an invoke paired with its completion. This is what checkers reason about.
 * `call`/`ret` are positions in the history's real-time order; `ret` is Infinity when the outcome is
 * unknown, because an indeterminate op may take effect at any later point (or never).
 */
export interface Operation {
  /** Dense id, the op's position among the paired operations. */
  id: number;
  process: number;
  f: string;
  key?: string | number;
  /** The invoke's value (the argument). */
  input: unknown;
  /**
   * The completion's value (the result); undefined when the op never completed. When it equals the
   * invoke's value (primitives, or arrays of primitives) it is the same value as `input`.
   */
  output: unknown;
  outcome: Outcome;
  call: number;
  ret: number;
  /** History index of the invoke and of the completion (undefined if it never completed). */
  index: number;
  completionIndex?: number;
  error?: unknown;
}

/**
 * Pairs invokes with completions as they stream in. `file` names the source in errors; the line of
 * an error is the record's position in the file (1-based), which is the line for JSONL and the
 * porcupine formats.
 */
export class Pairer {
  private readonly open = new Map<number, Operation>();
  /** The open invokes' times, kept beside them so an Operation keeps its shape. */
  private readonly openTimes = new Map<number, number>();
  private readonly out: Operation[] = [];
  private position = 0;

  /**
   * `monotonicTimes`: the records' times are Faultline's monotonic clock (its own JSONL), so a
   * completion timed before its invoke is a damaged record. Imported Jepsen histories' `:time` may be
   * absent or not monotonic (file order is their real-time order), so they are not held to it.
   */
  constructor(private readonly file = 'history', private readonly monotonicTimes = false) {}

  /** Adds the next record of the history, in file order. */
  add(op: Op, line = this.position + 1): void {
    const pos = this.position++;
    if (typeof op.process !== 'number') return; // nemesis ops are not client operations
    // An event (a watch's delivery) is an observation, not an op: it neither opens nor closes one,
    // whether it comes between its process' invoke and completion or after the process' info.
    if (op.type === 'event') return;
    const open = this.open.get(op.process);
    if (op.type === 'invoke') {
      if (open) {
        throw new HistoryError(this.file, line,
          `process ${op.process} invokes ${op.f} while its ${open.f} invoked at index ${open.index} has not completed; ` +
          'each process runs one op at a time, so complete it (ok, fail or info) first');
      }
      // Every field the op will have is in the literal, `undefined` until known: fields added later
      // go to a separate property array (about 40 bytes more per op, a tenth of a large history's
      // heap), and ops of one shape keep the checker's property loads monomorphic.
      const operation: Operation = {
        id: this.out.length, process: op.process, f: op.f, key: op.key, input: op.value, output: undefined,
        outcome: 'unknown', call: pos, ret: Infinity, index: op.index, completionIndex: undefined,
      };
      this.out.push(operation);
      this.open.set(op.process, operation);
      this.openTimes.set(op.process, op.time);
      return;
    }
    if (!open) {
      throw new HistoryError(this.file, line,
        `${op.type} ${op.f} of process ${op.process} completes an op that was never invoked; ` +
        'every completion needs an earlier invoke by the same process');
    }
    if (open.f !== op.f) {
      throw new HistoryError(this.file, line,
        `${op.type} ${op.f} of process ${op.process} completes an invoke of ${open.f} (index ${open.index}); ` +
        'a completion must repeat the f of its invoke');
    }
    // A pair the checker would trust but that cannot be one op: it would judge an op that never was.
    if (op.key !== undefined && open.key !== undefined && op.key !== open.key) {
      throw new HistoryError(this.file, line,
        `${op.type} ${op.f} of process ${op.process} is on key ${JSON.stringify(op.key)}, but its invoke (index ${open.index}) is on key ${JSON.stringify(open.key)}; ` +
        'a completion must repeat the key of its invoke');
    }
    const invokedAt = this.openTimes.get(op.process);
    if (this.monotonicTimes && typeof invokedAt === 'number' && typeof op.time === 'number' && op.time < invokedAt) {
      throw new HistoryError(this.file, line,
        `${op.type} ${op.f} of process ${op.process} is timed ${op.time}, before its invoke at ${invokedAt} (index ${open.index}); ` +
        'a completion cannot come before its invoke — fix the times or the order of the records');
    }
    this.open.delete(op.process);
    this.openTimes.delete(op.process);
    open.completionIndex = op.index;
    if (op.error !== undefined) open.error = op.error;
    // A completion that repeats the invoke's value (a write's or a cas's ok, an append's) shares it:
    // the two are equal JSON, and a large history keeps one copy (100k ops: 2-3 MB less at the peak).
    open.output = sameValue(op.value, open.input) ? open.input : op.value;
    if (op.type === 'info') return; // outcome stays unknown, ret stays Infinity
    open.outcome = op.type;
    open.ret = pos;
  }

  /** The paired operations; invokes never completed stay indeterminate. */
  finish(): Operation[] {
    this.open.clear();
    this.openTimes.clear();
    return this.out;
  }
}

/** The same primitive, or arrays of the same primitives (a cas's [from, to]). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) || (typeof a[i] === 'object' && a[i] !== null)) return false;
  }
  return true;
}

/** Pairs a whole history. */
export function pairOps(ops: Iterable<Op>, file = 'history'): Operation[] {
  const p = new Pairer(file);
  for (const op of ops) p.add(op);
  return p.finish();
}
