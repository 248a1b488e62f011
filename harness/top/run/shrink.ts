/**
 * Shrinking a failing `--nemesis auto` run (issue 33, part 3): replay its recorded choices with some
 * of the faults it started left out (each becomes a wait of the same length, so the rest keep their
 * times), keep any subset that still fails, and then cut the time limit to just after the last fault
 * kept. The result is a schedule of few faults a user reruns with `--replay DIR --auto-schedule MIN
 * --time-limit T`. The search is ddmin's: halves first, then one fault at a time, within a budget of
 * runs; `tryRun` is the real run (injected, so the search is unit-tested on its own).
 */
import type { AutoChoice } from '../../middle/faults/nemesis/auto/auto.js';

/** A recorded choice and when it was made (seconds into the run). */
export interface TimedChoice {
  choice: AutoChoice;
  atS: number;
}

/** One try: the schedule to replay and the time limit; says whether the run was invalid, and where it is. */
export type TryRun = (schedule: AutoChoice[], timeLimitS: number) => Promise<{ invalid: boolean; dir: string }>;

export interface ShrinkResult {
  /** The indexes (into the recorded choices) of the fault starts kept. */
  kept: number[];
  schedule: AutoChoice[];
  timeLimitS: number;
  /** The last failing try's run directory: its history holds the minimal schedule. */
  dir?: string;
  runs: number;
  /** Every try, in order: what it kept, the time limit, whether it failed again. */
  tries: { kept: number[]; timeLimitS: number; invalid: boolean; dir: string }[];
}

/** Whether a choice starts a fault (has ops and is not a heal). */
export const startsFault = (c: AutoChoice): boolean => c.ops.length > 0 && !c.action.startsWith('heal:');

/** The schedule with only the starts in `keep` (by index); every other start becomes a wait of the same length. */
export function withStarts(choices: readonly AutoChoice[], keep: ReadonlySet<number>): AutoChoice[] {
  return choices.map((c, i) => (startsFault(c) && !keep.has(i)
    ? { action: `wait/${c.action.split('/')[1] ?? 'short'}`, reason: `shrunk away: ${c.action}`, ops: [], waitMs: c.waitMs }
    : c));
}

/**
 * The time limit that still holds the kept faults: `marginS` past the decision after the last kept
 * start's heal (or past the start and one interval when no heal follows), at most `fullS`.
 */
export function shrunkTime(timed: readonly TimedChoice[], keep: readonly number[], intervalS: number, fullS: number, marginS = 5): number {
  if (keep.length === 0) return fullS;
  const last = Math.max(...keep);
  const family = timed[last].choice.action.split('@')[0].replace('strobe-clock', 'clock');
  const heal = timed.findIndex((t, i) => i > last && t.choice.action.startsWith(`heal:${family}/`));
  const end = heal >= 0 ? timed[heal].atS : timed[last].atS + intervalS;
  return Math.min(fullS, Math.ceil(end + marginS));
}

/** ddmin over the recorded starts, then a shorter time; at most `budget` runs. */
export async function shrinkSchedule(timed: readonly TimedChoice[], tryRun: TryRun, opts: { intervalS: number; timeLimitS: number; budget?: number }): Promise<ShrinkResult> {
  const choices = timed.map((t) => t.choice);
  const budget = opts.budget ?? 12;
  const tries: ShrinkResult['tries'] = [];
  let current = choices.map((c, i) => (startsFault(c) ? i : -1)).filter((i) => i >= 0);
  let dir: string | undefined;
  const attempt = async (keep: number[], timeLimitS: number): Promise<boolean> => {
    const r = await tryRun(withStarts(choices, new Set(keep)), timeLimitS);
    tries.push({ kept: keep, timeLimitS, invalid: r.invalid, dir: r.dir });
    if (r.invalid) dir = r.dir;
    return r.invalid;
  };
  // The whole schedule first: a failure that does not come back on replay cannot be shrunk.
  if (current.length === 0 || !await attempt(current, opts.timeLimitS)) {
    return { kept: current, schedule: choices.slice(), timeLimitS: opts.timeLimitS, runs: tries.length, tries };
  }
  // ddmin: split into n chunks; keep a chunk alone, or drop it, whichever still fails.
  let n = 2;
  while (current.length >= 2 && tries.length < budget) {
    const size = Math.ceil(current.length / n);
    const chunks = Array.from({ length: Math.ceil(current.length / size) }, (_, k) => current.slice(k * size, (k + 1) * size));
    let reduced = false;
    for (const chunk of chunks) {
      if (tries.length >= budget) break;
      if (await attempt(chunk, opts.timeLimitS)) { current = chunk; n = 2; reduced = true; break; }
    }
    if (!reduced && n > 2) {
      for (const chunk of chunks) {
        if (tries.length >= budget) break;
        const rest = current.filter((i) => !chunk.includes(i));
        if (rest.length > 0 && await attempt(rest, opts.timeLimitS)) { current = rest; n = Math.max(n - 1, 2); reduced = true; break; }
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  // Then the time: end just after the last kept fault.
  let timeLimitS = opts.timeLimitS;
  const shorter = shrunkTime(timed, current, opts.intervalS, opts.timeLimitS);
  if (shorter < opts.timeLimitS && tries.length < budget + 1 && await attempt(current, shorter)) timeLimitS = shorter;
  return { kept: current, schedule: withStarts(choices, new Set(current)), timeLimitS, ...(dir ? { dir } : {}), runs: tries.length, tries };
}
