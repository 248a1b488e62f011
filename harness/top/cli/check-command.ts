import fs from 'node:fs';
import nodePath from 'node:path';
import {
  checkLinearizable, formatLinearizable, guessModel, makeModel, MODELS, type ModelSpec,
} from '../../../checkers/linearizable/index.js';
import type { LinearizableResult } from '../../../checkers/linearizable/result.js';
import { InputError } from '../../ground/history/errors.js';
import { HISTORY_FORMATS, readHistory, resolveHistory, type HistoryFormat } from '../../ground/history/formats.js';
import { readJsonl } from '../../ground/history/jsonl-reader.js';
import type { Op } from '../../ground/history/op.js';
import { Pairer, type Operation } from '../../ground/history/pair.js';
import { nothingCompleted } from '../../ground/history/nothing-completed.js';
import { parseArgs, parseDuration, parseValue } from './args.js';
import { chooseChecker, elleCheck } from './check-elle.js';
import type { ElleResult } from '../../../checkers/elle/index.js';
import { formatElle } from '../../../checkers/elle/text.js';
import { MODEL_NAMES as ELLE_MODELS } from '../../../checkers/elle/models.js';

export const CHECK_HELP = `faultline check <history-file|run-dir> [options]

Checks a history for linearizability, or a transactional history (txn ops) with Elle, and explains
any violation. The checker follows the history: txn ops of [r k v]/[w k v]/[append k v] micro-ops go to
Elle, of Knossos' [read k v]/[write k v] to the linearizable multi-register model.

  --checker elle|linearizable
                         force a checker (--model implies linearizable)
  --consistency-models M1,M2
                         Elle's models to check (default strict-serializable): ${ELLE_MODELS.join(', ')}

  --format auto|${HISTORY_FORMATS.join('|')}   history format (default: detected)
  --model ${Object.keys(MODELS).join('|')}
                         sequential model (default: from the run's test.json, the format, or the ops' f)
  --initial VALUE        initial register/kv value, JSON (default: null = absent; "" for porcupine kv)
  --failed-cas did-not-happen|compare-failed
                         what a failed cas means (default: did-not-happen; compare-failed for porcupine etcd logs)
  --timeout 60s          time limit for the verdict; past it the verdict is unknown
  --workers N            worker threads for independent keys (default: all cores for large histories)
  --no-explain           verdict only: no explanation or minimised counterexample
  --json                 print the result as JSON

Exit: 0 linearizable (or consistent), 1 not, 2 unknown, 254 bad usage or input. A Faultline history
(a run directory, JSONL) in which no client op completed ok is unknown, as its run said; imported
Jepsen EDN and porcupine histories keep their authors' verdict (linearizable). The last line says
how many ops the verdict judged.`;

/** Default model for a format: each format keeps its authors' semantics (docs/architecture.md, "Imported histories"). */
function defaultSpec(format: HistoryFormat, fs: ReadonlySet<string>, fromRun: ModelSpec | undefined, file: string): ModelSpec {
  if (fromRun) return fromRun;
  if (format === 'porcupine-etcd') return { name: 'cas-register', options: { failedCas: 'compare-failed' } };
  if (format === 'porcupine-kv') return { name: 'kv', options: { initial: '' } };
  const name = guessModel(fs);
  if (!name) {
    throw new InputError(`${file}: no model knows all of the ops ${[...fs].join(', ')}; choose one with --model (${Object.keys(MODELS).join(', ')})`);
  }
  // Knossos' convention for EDN: a read of nil did not learn the value.
  return format === 'edn' && name.endsWith('register') ? { name, options: { nilReadUnconstrained: true } } : { name };
}

/** The model a stored run recorded in its test.json, if any. */
function modelOfRun(path: string): ModelSpec | undefined {
  const testJson = nodePath.join(path, 'test.json');
  if (!fs.existsSync(testJson)) return undefined;
  try {
    const t = JSON.parse(fs.readFileSync(testJson, 'utf8')) as { model?: ModelSpec };
    return t.model && typeof t.model.name === 'string' ? t.model : undefined;
  } catch {
    throw new InputError(`${testJson} is not valid JSON; fix it or pass the history file itself`);
  }
}

/** "9 ops", and why fewer are checked: failed ops did not happen, indeterminate reads change nothing. */
function opsLine(ops: readonly Operation[], checked: number): string {
  if (checked >= ops.length) return `${ops.length} ops`;
  const failed = Math.min(ops.filter((o) => o.outcome === 'fail').length, ops.length - checked);
  const unknownReads = ops.length - checked - failed;
  const why = [
    failed > 0 && `${failed} failed (did not happen)`,
    unknownReads > 0 && `${unknownReads} indeterminate read(s), which change nothing`,
  ].filter(Boolean).join(' and ');
  return `${ops.length} ops, ${checked} checked: ${why || `${ops.length - checked} the model leaves out`}`;
}

/** Reads and pairs a history, streaming JSONL so large histories never sit in memory twice; `keep` collects the records (for a report). */
async function loadOperations(path: string, format: HistoryFormat | 'auto', note: (s: string) => void = () => undefined, keep?: Op[]): Promise<{ ops: Operation[]; format: HistoryFormat; file: string; fs: Set<string> }> {
  const r = await resolveHistory(path, format);
  const pairer = new Pairer(r.file, r.format === 'jsonl');
  const fs = new Set<string>();
  const add = (op: Op): void => {
    // An event record (a watch's delivery) pairs with nothing and names no operation of a model.
    if (op.type === 'event') return;
    keep?.push(op);
    pairer.add(op);
    if (typeof op.process === 'number') fs.add(op.f);
  };
  // A crashed run's torn last line is left out with a note, as the report does.
  if (r.format === 'jsonl') for await (const op of readJsonl(r.file, { onTornLastLine: note })) add(op);
  else for (const op of (await readHistory(r.file, r.format)).ops) add(op);
  return { ops: pairer.finish(), format: r.format, file: r.file, fs };
}

/** `faultline check`: returns the exit code. */
export async function checkCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['format', 'model', 'initial', 'failed-cas', 'timeout', 'workers', 'checker', 'consistency-models'], ['json', 'no-explain', 'help'], 'check');
  if (args.options.has('help')) {
    out(CHECK_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new InputError('faultline check needs exactly one history file or run directory; see faultline check --help');
  }
  const target = args.positionals[0];
  const format = (args.options.get('format') as string | undefined) ?? 'auto';
  if (format !== 'auto' && !HISTORY_FORMATS.includes(format as HistoryFormat)) {
    throw new InputError(`--format ${format} is not a format; choose auto, ${HISTORY_FORMATS.join(', ')}`);
  }
  const checked = await checkHistory(target, format as HistoryFormat | 'auto', args.options, !args.options.has('no-explain'));
  const { file, format: found, ops, notes, judged } = checked;
  if (checked.checker === 'elle') {
    const result = checked.result as ElleResult;
    if (args.options.has('json')) out(JSON.stringify({ file, format: found, ...(notes.length ? { notes } : {}), judged, ...result }, null, 2));
    else out(`${file} (${found}, ${ops.length} transactions)\n${notes.map((n) => `note: ${n}\n`).join('')}${formatElle(result, !args.options.has('no-explain'))}\n${judged} transactions judged`);
  } else {
    const result = checked.result as LinearizableResult;
    if (args.options.has('json')) out(JSON.stringify({ file, format: found, ...(notes.length ? { notes } : {}), judged, ...result }, null, 2));
    else out(`${file} (${found}, ${opsLine(ops, result.ops)})\n${notes.map((n) => `note: ${n}\n`).join('')}${formatLinearizable(result)}\n${judged} ops judged`);
  }
  const valid = checked.result.valid;
  return valid === true ? 0 : valid === false ? 1 : 2;
}

/** What checking one history gave: the result, the checker that gave it, and what a report shows beside it. */
export interface CheckedHistory {
  file: string;
  format: HistoryFormat;
  checker: 'elle' | 'linearizable';
  result: ElleResult | LinearizableResult;
  ops: Operation[];
  /** The history's records, when asked for (`keepRecords`). */
  records?: Op[];
  notes: string[];
  judged: number;
}

/**
 * Checks a history file or run directory as `faultline check` does, with its options (--checker,
 * --model, --consistency-models, --initial, --failed-cas, --timeout, --workers); `faultline report`
 * of an imported history calls it too, so the page shows the verdict check prints.
 */
export async function checkHistory(target: string, format: HistoryFormat | 'auto', options: ReadonlyMap<string, string | true | string[]>, explain: boolean, keepRecords = false): Promise<CheckedHistory> {
  const notes: string[] = [];
  const records: Op[] | undefined = keepRecords ? [] : undefined;
  const { ops, format: found, file, fs: used } = await loadOperations(target, format, (n) => notes.push(n), records);
  const isDir = fs.statSync(target).isDirectory();
  const choice = chooseChecker(options.get('checker') as string | undefined, options.get('model') as string | undefined,
    options.get('consistency-models') as string | undefined, used, ops);
  const timeoutMs = options.has('timeout') ? parseDuration(options.get('timeout') as string, 'timeout') : 60_000;
  const base = { file, format: found, ops, notes, ...(records ? { records } : {}) };
  if (choice.checker === 'elle') {
    const linOnly = ['initial', 'failed-cas', 'workers'].find((f) => options.has(f));
    if (linOnly) throw new InputError(`--${linOnly} is for the linearizability checker, and this history goes to Elle; drop it, or pass --checker linearizable with --model`);
    const { result, judged } = elleCheck(ops, { file, format: found, models: options.get('consistency-models') as string | undefined, timeoutMs });
    return { ...base, checker: 'elle', result, judged };
  }
  const modelName = (options.get('model') as string | undefined) ?? choice.model;
  // With --model the guess is skipped: an op the named model does not know is then reported by
  // validateOps with its line, instead of a vaguer "no model knows these ops".
  let spec = modelName ? { name: modelName } as ModelSpec : defaultSpec(found, used, isDir ? modelOfRun(target) : undefined, file);
  if (modelName) {
    try {
      const guessed = defaultSpec(found, used, isDir ? modelOfRun(target) : undefined, file);
      if (guessed.name === modelName) spec = guessed;
    } catch { /* no guess: the named model's defaults */ }
  }
  const modelOptions: Record<string, unknown> = { ...(spec.options ?? {}) };
  if (options.has('initial')) modelOptions.initial = parseValue(options.get('initial') as string);
  const failedCas = options.get('failed-cas') as string | undefined;
  if (failedCas !== undefined) {
    if (failedCas !== 'did-not-happen' && failedCas !== 'compare-failed') {
      throw new InputError(`--failed-cas ${failedCas} is not a meaning; choose did-not-happen or compare-failed`);
    }
    modelOptions.failedCas = failedCas;
  }
  spec = { name: spec.name, options: modelOptions };
  makeModel(spec); // an unknown --model fails here, with the list of models
  let workers: number | undefined;
  if (options.has('workers')) {
    workers = Number(options.get('workers'));
    if (!Number.isInteger(workers) || workers < 0) throw new InputError('--workers needs a whole number ≥ 0 (0 checks in the main thread)');
  }
  const result: LinearizableResult = await checkLinearizable(ops, { model: spec, timeoutMs, workers, explain, file });
  const nothing = nothingCompleted(found, ops, result.ops);
  // A verdict set aside for want of evidence judged nothing, whatever the search looked at.
  if (nothing && result.valid === true) {
    result.valid = 'unknown';
    result.reason = nothing;
  }
  return { ...base, checker: 'linearizable', result, judged: nothing ? 0 : result.ops };
}
