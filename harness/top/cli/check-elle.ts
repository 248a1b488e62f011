/**
 * `faultline check` for transactional histories: which checker a history gets (`--checker`, `--model`
 * or its micro-ops), and the Elle run with its output. Kept apart from check-command.ts so the
 * linearizability path stays as it was.
 */
import { checkElle, MODEL_NAMES, TxnShapeError, type ElleResult } from '../../../checkers/elle/index.js';
import { InputError } from '../../ground/history/errors.js';
import type { Operation } from '../../ground/history/pair.js';
import { nothingCompleted } from '../../ground/history/nothing-completed.js';
import type { HistoryFormat } from '../../ground/history/formats.js';

export type CheckerChoice = 'elle' | 'linearizable';

/**
 * The checker for a history: `--model` implies linearizable; otherwise a history of only `txn` ops
 * goes by its micro-ops — `read`/`write` (Knossos' multi-register) to the linearizability checker,
 * `r`/`w`/`append` to Elle. Returns the model the micro-ops call for, if any.
 */
export function chooseChecker(flag: string | undefined, model: string | undefined, models: string | undefined, fs: ReadonlySet<string>, ops: readonly Operation[]): { checker: CheckerChoice; model?: string } {
  if (flag !== undefined && flag !== 'elle' && flag !== 'linearizable') throw new InputError(`--checker ${flag} is not a checker; choose elle or linearizable`);
  if (model !== undefined && flag === 'elle') throw new InputError(`--model ${model} is for the linearizability checker; drop it or drop --checker elle`);
  if (models !== undefined && (flag === 'linearizable' || model !== undefined)) throw new InputError('--consistency-models is for Elle (--checker elle); the linearizability checker takes --model');
  if (model !== undefined) return { checker: 'linearizable' };
  const micro = fs.size === 1 && fs.has('txn') ? microOpKind(ops) : undefined;
  if (flag === 'linearizable') return { checker: 'linearizable', ...(micro === 'read-write' ? { model: 'multi-register' } : {}) };
  if (flag === 'elle' || models !== undefined || micro === 'elle') return { checker: 'elle' };
  if (micro === 'read-write') return { checker: 'linearizable', model: 'multi-register' };
  return { checker: 'linearizable' };
}

/** `read-write` for Knossos' [:read k v]/[:write k v] micro-ops, `elle` for [:r ...]/[:w ...]/[:append ...]. */
function microOpKind(ops: readonly Operation[]): 'read-write' | 'elle' | undefined {
  for (const o of ops) {
    if (!Array.isArray(o.input)) continue;
    for (const m of o.input) {
      if (!Array.isArray(m)) continue;
      if (m[0] === 'read' || m[0] === 'write') return 'read-write';
      if (m[0] === 'r' || m[0] === 'w' || m[0] === 'append') return 'elle';
    }
  }
  return undefined;
}

/** Elle's result for `faultline check` and for the report of an imported history, with the ops it judged. */
export function elleCheck(ops: readonly Operation[], o: { file: string; format: HistoryFormat; models?: string; timeoutMs: number }): { result: ElleResult; judged: number } {
  const models = o.models === undefined ? ['strict-serializable'] : o.models.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = models.filter((m) => !MODEL_NAMES.includes(m));
  if (models.length === 0 || bad.length > 0) {
    throw new InputError(`--consistency-models ${o.models ?? ''} names ${bad.length > 0 ? `the unknown model ${bad.join(', ')}` : 'no model'}; choose from ${MODEL_NAMES.join(', ')}`);
  }
  let result;
  try {
    result = checkElle(ops, { consistencyModels: models, budgetMs: o.timeoutMs });
  } catch (err) {
    if (err instanceof TxnShapeError || err instanceof Error) throw new InputError(`${o.file}: ${err.message}; Elle checks histories of txn ops only (or pass --checker linearizable with --model)`);
    throw err;
  }
  const nothing = nothingCompleted(o.format, ops, ops.length);
  if (nothing && result.valid === true) {
    result.valid = 'unknown';
    result.reason = nothing;
  }
  return { result, judged: nothing ? 0 : result.txnCounts.ok + result.txnCounts.info };
}
