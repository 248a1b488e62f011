/**
 * The linearizability checker as a `Checker` for workloads: pairs the history and hands it to
 * `checkers/linearizable` with a model spec. Ops with a `key` are checked per key (independent
 * registers, Jepsen's `independent`), which is what keeps lin-kv histories tractable.
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps } from '../harness/ground/history/pair.js';
import type { Checker } from './contract.js';
import { checkLinearizable, type ModelSpec } from './linearizable/index.js';

/**
 * A linearizability checker for `model` (default `cas-register`: initial value null = absent, a
 * failed cas did not happen, a read that did not succeed constrains nothing).
 */
export function linearizableChecker(model: ModelSpec = { name: 'cas-register' }): Checker {
  return {
    name: 'linearizable',
    async check(history: readonly Op[], ctx) {
      const res = await checkLinearizable(pairOps(history), { model, timeoutMs: ctx.timeoutMs });
      return { ...res };
    },
  };
}
