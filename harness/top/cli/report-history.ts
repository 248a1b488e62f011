/**
 * `faultline report <history-file>`: a report.html for an imported (or any single-file) history — an
 * EDN or JSONL history with no run around it. The history is checked as `faultline check` checks it
 * (same options, same checker choice), and the normal renderer draws the page: Elle's view (cycles as
 * SVG, ops, steps, the models table) for a transactional history, the linearizability view for the
 * rest. One file is written, where the user said (--out) or beside the history; no store index.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { CheckResult } from '../../../checkers/contract.js';
import { renderReport } from '../../../reports/html-report.js';
import type { RunData } from '../../../reports/run-data.js';
import { InputError } from '../../ground/history/errors.js';
import { HISTORY_FORMATS, type HistoryFormat } from '../../ground/history/formats.js';
import { writeAtomic } from '../../middle/hosts/safe-files.js';
import { checkHistory } from './check-command.js';

/** The options `faultline report` takes for a history file only (the rest are check's, passed on). */
export const HISTORY_ONLY_OPTIONS = ['out', 'format', 'checker', 'consistency-models', 'model', 'initial', 'failed-cas', 'timeout', 'workers'];

/** The default page for `history`: beside it, its extension replaced by `.report.html`. */
export function defaultReportFile(history: string): string {
  const ext = nodePath.extname(history);
  return (ext ? history.slice(0, -ext.length) : history) + '.report.html';
}

/** Checks `history` and writes its report; returns the page's path and the verdict's exit code. */
export async function reportHistory(history: string, options: ReadonlyMap<string, string | true | string[]>): Promise<{ file: string; code: number; notes: string[] }> {
  const format = (options.get('format') as string | undefined) ?? 'auto';
  if (format !== 'auto' && !HISTORY_FORMATS.includes(format as HistoryFormat)) {
    throw new InputError(`--format ${format} is not a format; choose auto, ${HISTORY_FORMATS.join(', ')}`);
  }
  const outOpt = options.get('out');
  if (outOpt !== undefined && (typeof outOpt !== 'string' || outOpt === '')) throw new InputError('--out needs a file name, such as --out report.html');
  const out = nodePath.resolve(typeof outOpt === 'string' ? outOpt : defaultReportFile(history));
  // Checked before the (possibly long) check: the page must not replace the history or a folder.
  if (out === nodePath.resolve(history)) throw new InputError(`--out ${outOpt} is the history itself; name another file for the report`);
  if (fs.existsSync(out) && !fs.lstatSync(out).isFile()) throw new InputError(`--out ${out} exists and is not a regular file; name a file for the report, such as ${nodePath.join(out, 'report.html')}`);
  if (!fs.existsSync(nodePath.dirname(out))) throw new InputError(`the folder of ${out} does not exist; create it or name another --out file`);
  let checked;
  try {
    checked = await checkHistory(history, format as HistoryFormat | 'auto', options, true, true);
  } catch (err) {
    // A file that is no history at all: the run-directory reading is the likelier intent, so name both.
    if (err instanceof InputError && /format|detect/i.test(err.message) && format === 'auto') {
      throw new InputError(`${history} is a file, not a run directory, and not a history faultline can read (${err.message.replace(/[.;]\s*$/, '')}); pass a run directory or an EDN/JSONL history`);
    }
    throw err;
  }
  const valid = checked.result.valid;
  const run: RunData = {
    dir: checked.file,
    history: checked.records ?? [],
    badHistoryLines: 0,
    nodeLogs: [],
    warnings: [...checked.notes],
    results: { valid, checkers: { [checked.checker]: checked.result as unknown as CheckResult }, ops: checked.ops.length },
    imported: { file: checked.file, format: checked.format, checker: checked.checker },
  };
  writeAtomic(out, renderReport(run));
  return { file: out, code: valid === true ? 0 : valid === false ? 1 : 2, notes: checked.notes };
}
