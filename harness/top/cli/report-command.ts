import fs from 'node:fs';
import nodePath from 'node:path';
import { writeRunReports, writeStoreIndex } from '../../../reports/index.js';
import { InputError } from '../../ground/history/errors.js';
import { TOO_DEEP, tooDeep } from '../../ground/history/depth.js';
import { parseArgs } from './args.js';
import { unmarkedNote, unmarkedReason } from '../../../reports/store-marker.js';
import { checkStore } from './run-checks.js';
import { HISTORY_ONLY_OPTIONS, reportHistory } from './report-history.js';

export const REPORT_HELP = `faultline report <run-dir> [--store DIR] [--no-index]
faultline report <history-file> [--out FILE] [check's options]

Re-renders report.html and junit.xml of a stored run from its files (test.json, history.jsonl,
results.json, logs, messages.jsonl), then rewrites the store's index.html.

  --store DIR    the store whose index.html to rewrite (default: the run's store, i.e. <run-dir>/../..)
  --no-index     do not touch the store index

Given a history file instead (an imported Jepsen EDN or a JSONL history), checks it as faultline check
does (--checker, --consistency-models, --model, --initial, --failed-cas, --format, --timeout, --workers)
and writes one self-contained page: Elle's view for a transactional history (each anomaly's cycle
drawn, its ops and steps, the consistency models table), the linearizability view otherwise.

  --out FILE     the page to write (default: beside the history, <name>.report.html); no index is written

The index is only written into a folder that carries the store's marker (.faultline-store, which
faultline run writes); for any other folder the report says so and leaves it alone.

Exit: 0 when the report was written (for a history file, whatever its verdict), 254 bad usage or input.`;

/** Refuses, in one sentence, anything that is not a readable run directory. */
function validateRunDir(dir: string, given: string): void {
  if (!fs.existsSync(dir)) throw new InputError(`${given} does not exist; pass a run directory such as store/<test>/<timestamp>`);
  if (!fs.statSync(dir).isDirectory()) throw new InputError(`${given} is neither a run directory nor a history file; pass the folder store/<test>/<timestamp> that holds results.json, or a history file`);
  const has = (f: string): boolean => fs.existsSync(nodePath.join(dir, f));
  if (!has('results.json') && !has('test.json') && !has('history.jsonl')) {
    throw new InputError(`${given} is not a run directory (it holds no results.json, test.json or history.jsonl); pass store/<test>/<timestamp>`);
  }
  if (has('results.json')) {
    let text: string;
    try {
      text = fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8');
    } catch (err) {
      throw new InputError(`${nodePath.join(given, 'results.json')} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix its permissions or re-check the run with faultline check`);
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new InputError(`${nodePath.join(given, 'results.json')} is not valid JSON; restore it, or delete it to render the report from the history alone`);
    }
    if (tooDeep(v)) throw new InputError(`${nodePath.join(given, 'results.json')}: ${TOO_DEEP}`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new InputError(`${nodePath.join(given, 'results.json')} does not hold a results object; restore it, or delete it to render the report from the history alone`);
    }
  }
}

/** `faultline report`: returns the exit code. */
export async function reportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['store', ...HISTORY_ONLY_OPTIONS], ['no-index', 'help'], 'report');
  if (args.options.has('help')) {
    out(REPORT_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) throw new InputError('faultline report needs exactly one run directory or history file; see faultline report --help');
  const given = args.positionals[0];
  if (fs.existsSync(given) && fs.statSync(given).isFile()) {
    const runOnly = ['store', 'no-index'].find((o) => args.options.has(o));
    if (runOnly) throw new InputError(`--${runOnly} is for a run directory, and ${given} is a history file (its report has no store index); drop --${runOnly}`);
    const r = await reportHistory(given, args.options);
    for (const n of r.notes) out(`note: ${n}`);
    out(`report: ${r.file}`);
    return 0;
  }
  const historyOnly = HISTORY_ONLY_OPTIONS.find((o) => args.options.has(o));
  if (historyOnly) throw new InputError(`--${historyOnly} is for a history file, and ${given} is not one; a run directory's report is written into it, checked as the run was`);
  validateRunDir(given, given);
  const storeOpt = args.options.get('store');
  if (typeof storeOpt === 'string' && !args.options.has('no-index')) {
    // Checked before anything is written: a file or /proc there crashed the index write (exit 3).
    if (!fs.existsSync(storeOpt)) throw new InputError(`--store ${storeOpt} does not exist; pass the store folder that holds the run`);
    checkStore(storeOpt);
  }
  // Through `store/latest` the real path is what counts: its grandparent is the store.
  const dir = fs.realpathSync(given);
  const written = await writeRunReports(dir);
  out(`report: ${written.report}`);
  out(`junit:  ${written.junit}`);
  for (const w of written.warnings) out(`note: ${w}`);
  if (!args.options.has('no-index')) {
    const store = typeof storeOpt === 'string' ? storeOpt : nodePath.dirname(nodePath.dirname(dir));
    // Never into a folder chosen by path alone: a run copied to /tmp/r1 has / as its "store".
    const why = unmarkedReason(store);
    if (why) out(`note: ${unmarkedNote(store, why)}`);
    else out(`index:  ${writeStoreIndex(store).file}`);
  }
  return 0;
}
