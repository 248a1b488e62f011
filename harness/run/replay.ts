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
import { InputError } from '../history/errors.js';
import type { Op } from '../history/op.js';

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

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The `faultline run` flags of a stored run: everything test.json recorded, the seed pinned. */
export function replayArgv(test: Record<string, unknown>): string[] {
  // A seed beyond 2^53 is kept as its digits (run-command.ts seedFlag).
  const seedOk = num(test.seed) || (typeof test.seed === 'string' && /^\d+$/.test(test.seed));
  if (typeof test.target !== 'string' || !seedOk) {
    throw new InputError('--replay: the run\'s test.json names no target or seed (a run from before replay was possible); rerun it with the command in its test.json');
  }
  const argv = ['--target', test.target, '--seed', String(test.seed)];
  const add = (flag: string, v: string | undefined): void => { if (v !== undefined) argv.push(`--${flag}`, v); };
  add('workload', typeof test.workload === 'string' ? test.workload : undefined);
  add('nodes', num(test.nodes) ? String(test.nodes) : undefined);
  add('time-limit', num(test.timeLimitS) ? `${test.timeLimitS}s` : undefined);
  add('rate', num(test.rate) ? String(test.rate) : undefined);
  add('concurrency', num(test.concurrency) ? String(test.concurrency) : undefined);
  add('quiet', num(test.quietS) ? `${test.quietS}s` : undefined);
  // A stored run without faults replays without faults, also on a target that now injects its standard
  // package by default (harness/run/fault-choice.ts).
  add('nemesis', strs(test.faults) ? (test.faults.length > 0 ? test.faults.join(',') : 'none') : undefined);
  add('nemesis-interval', num(test.faultIntervalS) ? `${test.faultIntervalS}s` : undefined);
  add('partition-shapes', strs(test.partitionShapes) ? test.partitionShapes.join(',') : undefined);
  add('node-targets', strs(test.nodeTargets) ? test.nodeTargets.join(',') : undefined);
  const off = test.clockOffsetsMs;
  add('clock-offsets', Array.isArray(off) && off.length === 2 && off.every(num) ? `${off[0]}ms-${off[1]}ms` : undefined);
  add('churn-long-wait', num(test.churnLongWaitMs) ? `${test.churnLongWaitMs}ms` : undefined);
  add('churn-cut', typeof test.churnCut === 'string' ? test.churnCut : undefined);
  add('name', typeof test.name === 'string' ? test.name : undefined);
  add('store', typeof test.store === 'string' ? test.store : undefined);
  const flags = typeof test.targetFlags === 'object' && test.targetFlags !== null ? test.targetFlags as Record<string, unknown> : {};
  for (const [k, v] of Object.entries(flags)) {
    if (v === true) argv.push(`--${k}`);
    else if (strs(v)) for (const x of v) argv.push(`--${k}`, x);
    else if (typeof v === 'string') argv.push(`--${k}`, v);
  }
  return argv;
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
