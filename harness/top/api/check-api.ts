/**
 * `check()` of the library: a history in memory (or a file, or a run directory) checked for
 * linearizability against a model, or by checkers of the caller's choosing; the result as plain data.
 */
import { composeResults, runChecker } from '../../../checkers/compose.js';
import type { CheckResult, Checker } from '../../../checkers/contract.js';
import { checkLinearizable, guessModel, makeModel, MODELS, type ModelSpec } from '../../../checkers/linearizable/index.js';
import type { LinearizableResult } from '../../../checkers/linearizable/result.js';
import { InputError } from '../../ground/history/errors.js';
import { readHistory, resolveHistory, type HistoryFormat } from '../../ground/history/formats.js';
import { nothingCompleted } from '../../ground/history/nothing-completed.js';
import type { Op } from '../../ground/history/op.js';
import { pairOps } from '../../ground/history/pair.js';

export interface CheckOptions {
  /** The sequential model (a name of `models`, or a spec with options); default: guessed from the ops' `f`s. */
  model?: string | ModelSpec;
  /** Check with these checkers instead of linearizability (e.g. `[checkers.set(), checkers.stats()]`). */
  checkers?: readonly Checker[];
  /** Time limit of the verdict, ms (default 60 000); past it the verdict is `unknown`. */
  timeoutMs?: number;
}

/** Linearizability's result, or with `checkers` each checker's result and the composed verdict. */
export type CheckOutcome = LinearizableResult | (CheckResult & { checkers: Record<string, CheckResult> });

/** Checks `history`: ops in memory, a history file (JSONL, Jepsen EDN, porcupine logs) or a run directory. */
export async function check(history: readonly Op[] | string, options: CheckOptions = {}): Promise<CheckOutcome> {
  const read = typeof history === 'string' ? await readHistory((await resolveHistory(history, 'auto')).file) : undefined;
  const ops = read ? read.ops : history as readonly Op[];
  // Ops in memory are Faultline's own: judged by its rule for "nothing completed".
  const format: HistoryFormat = read?.format ?? 'jsonl';
  if (!Array.isArray(ops)) throw new InputError('check() takes an array of ops or a path to a history');
  if (options.checkers) {
    const results: Record<string, CheckResult> = {};
    for (const c of options.checkers) results[c.name] = await runChecker(c, ops, { timeoutMs: options.timeoutMs });
    return { valid: composeResults(results).valid, checkers: results };
  }
  let spec: ModelSpec;
  if (options.model === undefined) {
    const fs = new Set(ops.filter((o) => typeof o.process === 'number' && o.type !== 'event').map((o) => o.f));
    const name = guessModel(fs);
    if (!name) throw new InputError(`no model knows all of the ops ${[...fs].join(', ')}; pass { model } (${Object.keys(MODELS).join(', ')})`);
    spec = { name };
  } else spec = typeof options.model === 'string' ? { name: options.model } : options.model;
  makeModel(spec); // an unknown model fails here, naming the models
  const paired = pairOps(ops);
  const result = await checkLinearizable(paired, { model: spec, timeoutMs: options.timeoutMs ?? 60_000 });
  const nothing = nothingCompleted(format, paired, result.ops);
  if (nothing && result.valid === true) return { ...result, valid: 'unknown', reason: nothing };
  return result;
}
