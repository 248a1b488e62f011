import fs from 'node:fs';
import nodePath from 'node:path';
import { writeRunReports, writeStoreIndex } from '../../reports/index.js';
import { InputError } from '../history/errors.js';
import { TOO_DEEP, tooDeep } from '../history/depth.js';
import { parseArgs } from './args.js';
import { unmarkedNote, unmarkedReason } from '../../reports/store-marker.js';
import { checkStore } from './run-checks.js';

export const REPORT_HELP = `faultline report <run-dir> [--store DIR] [--no-index]

Re-renders report.html and junit.xml of a stored run from its files (test.json, history.jsonl,
results.json, logs, messages.jsonl), then rewrites the store's index.html.

  --store DIR    the store whose index.html to rewrite (default: the run's store, i.e. <run-dir>/../..)
  --no-index     do not touch the store index

The index is only written into a folder that carries the store's marker (.faultline-store, which
faultline run writes); for any other folder the report says so and leaves it alone.

Exit: 0 when the report was written, 254 bad usage or input.`;

/** Refuses, in one sentence, anything that is not a readable run directory. */
function validateRunDir(dir: string, given: string): void {
  if (!fs.existsSync(dir)) throw new InputError(`${given} does not exist; pass a run directory such as store/<test>/<timestamp>`);
  if (!fs.statSync(dir).isDirectory()) throw new InputError(`${given} is a file, not a run directory; pass the folder store/<test>/<timestamp> that holds results.json`);
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
  const args = parseArgs(argv, ['store'], ['no-index', 'help'], 'report');
  if (args.options.has('help')) {
    out(REPORT_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) throw new InputError('faultline report needs exactly one run directory; see faultline report --help');
  const given = args.positionals[0];
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
