import { describeOp, type Model, type Operation } from './model.js';
import { minimizeCounterexample } from './minimize.js';
import type { Deepest } from './search.js';

/** An op as explanations show it: enough to find it in the history and to draw it. */
export interface OpRef {
  index: number;
  completionIndex?: number;
  process: number;
  f: string;
  key?: string | number;
  input: unknown;
  output: unknown;
  outcome: Operation['outcome'];
  description: string;
}

export interface Candidate {
  op: OpRef;
  /** Why it cannot go next: illegal in the state, or legal but a dead end. */
  why: string;
  stateAfter?: string;
}

/** Why one partition (key) is not linearizable. */
export interface PartitionFailure {
  key?: string | number;
  ops: number;
  /** The longest linearizable prefix found, in linearization order, with the state after each op. */
  linearized: { op: OpRef; stateAfter: string }[];
  /** Model state after that prefix. */
  state: string;
  /** Ops that could have gone next, and why none could. */
  candidates: Candidate[];
  /** The op that completed before it could be linearized. */
  blocking?: OpRef;
  /** A sub-history that is still not linearizable, shrunk greedily. */
  counterexample: OpRef[];
  /** True when removing any one op of the counterexample makes it linearizable. */
  minimal: boolean;
}

/** One op, as explanations show it. */
export function opRef(model: Model, op: Operation): OpRef {
  const ref: OpRef = {
    index: op.index, process: op.process, f: op.f, input: op.input, output: op.output,
    outcome: op.outcome, description: (model.describeOperation ?? describeOp)(op),
  };
  if (op.completionIndex !== undefined) ref.completionIndex = op.completionIndex;
  if (op.key !== undefined) ref.key = op.key;
  return ref;
}

/**
 * Builds the explanation of a failed partition from the search's deepest point; the counterexample
 * is shrunk within `minimizeSteps` search steps (and before `minimizeDeadline`, a safety net).
 * `spent` receives the steps the shrinking took.
 */
export function explainFailure(
  model: Model, ops: readonly Operation[], deepest: Deepest, key: string | number | undefined, minimizeDeadline: number,
  minimizeSteps = Infinity, spent?: { steps: number },
): PartitionFailure {
  const show = (s: unknown): string => (model.describeState ? model.describeState(s) : JSON.stringify(s));
  let state = model.init();
  const linearized = deepest.order.map((id) => {
    const op = ops[id];
    state = (model.stepAll?.(state, op)?.[0] ?? model.step(state, op)) as unknown;
    return { op: opRef(model, op), stateAfter: show(state) };
  });
  // Nondeterministic steps (stepAll) may have taken another branch; the search's own state is exact.
  const at = deepest.state;
  if (linearized.length > 0) linearized[linearized.length - 1].stateAfter = show(at);
  const candidates: Candidate[] = deepest.candidates.map((id) => {
    const op = ops[id];
    const after = model.step(at, op);
    return after === undefined
      ? { op: opRef(model, op), why: `illegal in state ${show(at)}` }
      : { op: opRef(model, op), why: 'legal, but the rest of the history cannot be linearized after it', stateAfter: show(after) };
  });
  const blockingOp = deepest.blocking === undefined ? undefined : ops[deepest.blocking];
  const cut = blockingOp ? blockingOp.ret : Infinity;
  const min = minimizeCounterexample(model, ops, cut, minimizeDeadline, minimizeSteps);
  if (spent) spent.steps += min.steps;
  const failure: PartitionFailure = {
    ops: ops.length, linearized, state: show(at), candidates,
    counterexample: min.ops.map((op) => opRef(model, op)), minimal: min.minimal,
  };
  if (key !== undefined) failure.key = key;
  if (blockingOp) failure.blocking = opRef(model, blockingOp);
  return failure;
}
