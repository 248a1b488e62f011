/**
 * `faultline run --replay <run-dir>`: the flags that run a stored run again (its config, seed and
 * fault schedule, from its test.json) and where the new history first departs from the old one.
 *
 * Schedules follow from the seed (clients and nemesis draw from streams of their own, counted in
 * their own invocations), so the client ops asked for and the faults injected repeat; the outcomes
 * and their interleaving depend on timing. The comparison says which of the three departed first.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';
import type { Op } from '../../ground/history/op.js';
import { settingsFromTestJson, settingsToArgv } from '../config/settings.js';

/** The test.json of a run directory (or of `store/<test>/latest`), or an InputError naming the fix. */
export function readTestJson(dir: string): Record<string, unknown> {
  const file = nodePath.join(dir, 'test.json');
  if (!fs.existsSync(file)) throw new InputError(`--replay ${dir}: no test.json there; pass a run directory such as store/latest`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new InputError(`--replay ${dir}: test.json is not valid JSON; pass another run directory`);
  }
}

/** The `faultline run` flags of a stored run: everything test.json recorded, the seed pinned (derived from the option registry). */
export function replayArgv(test: Record<string, unknown>): string[] {
  return settingsToArgv(settingsFromTestJson(test));
}

/** An op as the comparison sees it: what was asked and answered, not when. */
const shape = (o: Op): string => JSON.stringify([o.process, o.type, o.f, o.key, o.value]);
const asked = (o: Op): string => JSON.stringify([o.f, o.key, o.value]);
const show = (o: Op | undefined): string => (o === undefined ? '(history ended)'
  : `#${o.index} at ${(o.time / 1e9).toFixed(3)} s: process ${o.process} ${o.type} ${o.f}${o.key !== undefined ? ` key ${JSON.stringify(o.key)}` : ''} ${JSON.stringify(o.value)}`);

function departure(name: string, a: Op[], b: Op[], key: (o: Op) => string): string {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (key(a[i]) !== key(b[i])) return `${name}: the same for ${i} of ${a.length}, then departs — old ${show(a[i])}; new ${show(b[i])}`;
  }
  if (a.length === b.length) return `${name}: the same, all ${a.length}`;
  return `${name}: the same for ${n}, then ${a.length > b.length ? 'the new run had fewer' : 'the new run had more'} (old ${a.length}, new ${b.length})`;
}

/**
 * Where the new history first departs from the old one: the fault schedule (nemesis invocations),
 * the client ops asked for (in invocation order), and the whole history (who, what, which answer).
 */
export function compareHistories(old: Op[], now: Op[]): string[] {
  const nem = (h: Op[]): Op[] => h.filter((o) => o.process === 'nemesis' && o.type === 'invoke');
  const cli = (h: Op[]): Op[] => h.filter((o) => o.process !== 'nemesis' && o.type === 'invoke');
  return [
    departure('fault schedule (nemesis invocations)', nem(old), nem(now), asked),
    departure('client ops asked for (in invocation order)', cli(old), cli(now), asked),
    departure('history (process, type, op, answer)', old, now, shape),
  ];
}
