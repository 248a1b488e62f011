/**
 * The schedule of a recorded `--nemesis auto` run: its `auto-decide` completions, in order, which a
 * replay (`--auto-schedule DIR`, set by `--replay` of an auto run) feeds back instead of learning.
 */
import { InputError } from '../../../../ground/history/errors.js';
import { readInDir } from '../../../hosts/safe-files.js';
import type { AutoChoice } from './auto.js';

/** The choices recorded in a history's lines (JSONL text). */
export function choicesOfHistory(text: string): AutoChoice[] {
  return timedChoicesOfHistory(text).map((t) => t.choice);
}

/** The choices with the time each was made (seconds into the run), for shrinking. */
export function timedChoicesOfHistory(text: string): { choice: AutoChoice; atS: number }[] {
  const out: { choice: AutoChoice; atS: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"auto-decide"')) continue;
    let op: { process?: unknown; type?: unknown; f?: unknown; value?: unknown; time?: unknown };
    try {
      op = JSON.parse(line) as typeof op;
    } catch {
      continue; // a torn last line of a run that was killed
    }
    if (op.process !== 'nemesis' || op.f !== 'auto-decide' || op.type === 'invoke') continue;
    const v = op.value as Partial<AutoChoice> | null;
    if (v === null || typeof v !== 'object' || typeof v.action !== 'string' || !Array.isArray(v.ops) || typeof v.waitMs !== 'number') continue;
    out.push({ choice: { action: v.action, reason: String(v.reason ?? ''), ops: v.ops, waitMs: v.waitMs }, atS: typeof op.time === 'number' ? op.time / 1e9 : 0 });
  }
  return out;
}

/** The choices of the run in `dir` (its history.jsonl, read without following links), or an InputError. */
export function recordedChoices(dir: string): AutoChoice[] {
  let text: string;
  try {
    text = readInDir(dir, 'history.jsonl').toString('utf8');
  } catch (err) {
    throw new InputError(`--auto-schedule ${dir}: cannot read its history.jsonl (${(err as Error).message}); pass the directory of a run made with --nemesis auto`);
  }
  const choices = choicesOfHistory(text);
  if (choices.length === 0) throw new InputError(`--auto-schedule ${dir}: its history has no auto-decide choices; pass the directory of a run made with --nemesis auto`);
  return choices;
}

/** A history holding only `choices` as auto-decide completions: what `--auto-schedule` reads. */
export function scheduleHistory(choices: readonly AutoChoice[]): string {
  return choices.map((c, index) => JSON.stringify({ index, time: 0, process: 'nemesis', type: 'info', f: 'auto-decide', value: c })).join('\n') + '\n';
}
