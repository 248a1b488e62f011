/**
 * Running a matrix: scenarios one after another, each a whole run in its own store directory, with a
 * line per scenario as it starts and ends (the live summary), `--fail-fast` and `--time-budget`. What
 * each scenario yields is plain data for the table, JUnit and the exit code.
 */
import { RUN_OPTIONS } from '../config/run-options.js';
import { verdictWord } from '../../../checkers/contract.js';
import { errorMessage, InputError } from '../../ground/history/errors.js';
import type { RunOutcome } from '../../ground/contracts/run-contract.js';
import { parseDuration } from '../../ground/contracts/flags.js';
import { settingsToArgv } from '../config/schema.js';
import type { MatrixScenario } from './scenarios.js';

/** How a scenario ended: its expectation met or not, unknown, crashed, or not run (skipped). */
export type ScenarioStatus = 'met' | 'not-met' | 'unknown' | 'crashed' | 'skipped';

export interface ScenarioOutcome {
  name: string;
  expect: 'valid' | 'invalid';
  status: ScenarioStatus;
  /** The run's verdict, when it ran. */
  valid?: true | false | 'unknown';
  /** Checkers that found the history invalid. */
  caughtBy: string[];
  /** What went wrong, or why it was skipped. */
  reason?: string;
  dir?: string;
  /** The scenario's seed; one beyond 2^53 as its exact digits. */
  seed?: number | string;
  /** The run's history records. */
  ops?: number;
  durationS: number;
  why?: string;
}

export interface MatrixOptions {
  store: string;
  failFast?: boolean;
  /** Scenarios that would end past this many ms from the start are skipped. */
  timeBudgetMs?: number;
  /** Runs one scenario from `faultline run` flags (the CLI's own run, or a stand-in in tests). */
  runOne(argv: string[]): Promise<RunOutcome>;
  /** Live summary lines. */
  out(line: string): void;
  now?: () => number;
}

/** The flags of one scenario's run inside the matrix's store. */
export const scenarioArgv = (s: MatrixScenario, store: string): string[] => [...settingsToArgv(s.settings), '--store', store];

/** Seconds a scenario is expected to take: its time limit and calm, plus setup and teardown. */
export function estimateS(s: MatrixScenario): number {
  // Defaults and units from the option registry (seconds).
  const d = (v: number | string | undefined, o: typeof RUN_OPTIONS.timeLimit): number => (v === undefined ? o.default as number : o.fromConfig(v));
  return d(s.settings.timeLimit, RUN_OPTIONS.timeLimit) + d(s.settings.quiet, RUN_OPTIONS.quiet) + 20;
}

/** The exit code of a matrix: 255 a scenario crashed, 1 one missed its expectation, 2 one was unknown or not run, 0 all met. */
export function matrixExit(outcomes: readonly ScenarioOutcome[]): number {
  if (outcomes.some((o) => o.status === 'crashed')) return 255;
  if (outcomes.some((o) => o.status === 'not-met')) return 1;
  if (outcomes.some((o) => o.status === 'unknown' || o.status === 'skipped')) return 2;
  return 0;
}

const tally = (os: readonly ScenarioOutcome[]): string => {
  const n = (s: ScenarioStatus): number => os.filter((o) => o.status === s).length;
  return `${n('met')} met, ${n('not-met')} not met, ${n('unknown')} unknown, ${n('crashed')} crashed`;
};
const clock = (ms: number): string => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

/**
 * The outcome, then the run's verdict in the words the rest of Faultline uses (valid, INVALID with the
 * checkers that caught it, unknown): "met (valid)", "met (INVALID: linearizable)", "NOT MET (valid)".
 */
export function outcomeWords(outcome: ScenarioOutcome): string {
  // An unknown verdict is the outcome itself; its reason follows the line.
  if (outcome.status === 'crashed' || outcome.status === 'unknown') return outcome.status;
  const status = outcome.status === 'met' ? 'met' : 'NOT MET';
  const caught = outcome.valid === false && outcome.caughtBy.length > 0 ? `: ${outcome.caughtBy.join(', ')}` : '';
  return `${status} (${verdictWord(outcome.valid)}${caught})`;
}

/** Runs every scenario in order; never throws for a scenario's failure (that is its outcome). */
export async function runMatrix(scenarios: readonly MatrixScenario[], o: MatrixOptions): Promise<ScenarioOutcome[]> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const outcomes: ScenarioOutcome[] = [];
  let stop: string | undefined;
  for (const [i, s] of scenarios.entries()) {
    const tag = `[${i + 1}/${scenarios.length}] ${s.name}`;
    const base = { name: s.name, expect: s.expect, caughtBy: [], why: s.why, seed: typeof s.settings.seed === 'bigint' ? s.settings.seed.toString() : s.settings.seed };
    const elapsed = now() - t0;
    if (stop === undefined && o.timeBudgetMs !== undefined && elapsed + estimateS(s) * 1000 > o.timeBudgetMs) {
      outcomes.push({ ...base, status: 'skipped', durationS: 0, reason: `the time budget (${clock(o.timeBudgetMs)}) would be exceeded: ${clock(elapsed)} spent, about ${Math.round(estimateS(s))} s needed` });
      o.out(`${tag}: skipped, ${outcomes[outcomes.length - 1].reason}`);
      continue;
    }
    if (stop !== undefined) {
      outcomes.push({ ...base, status: 'skipped', durationS: 0, reason: stop });
      continue;
    }
    o.out(`${tag}: expect ${s.expect} — ${scenarioArgv(s, o.store).filter((a) => a !== '--store' && a !== o.store).join(' ')}`);
    const started = now();
    let outcome: ScenarioOutcome;
    try {
      const { dir, results } = await o.runOne(scenarioArgv(s, o.store));
      const caughtBy = Object.entries(results.checkers).filter(([, c]) => c.valid === false).map(([n]) => n);
      const durationS = (now() - started) / 1000;
      const common = { ...base, valid: results.valid, caughtBy, dir, ops: results.ops, durationS };
      if (results.error && results.ops === 0) outcome = { ...common, status: 'crashed', reason: results.error };
      else if (results.valid === 'unknown') outcome = { ...common, status: 'unknown', reason: results.error ?? results.interrupted ?? 'a checker could not decide' };
      else if ((results.valid === false) === (s.expect === 'invalid')) outcome = { ...common, status: 'met' };
      else outcome = { ...common, status: 'not-met', reason: s.expect === 'invalid' ? 'the anomaly was not found: the history was valid' : `the history was invalid (${caughtBy.join(', ')})` };
      if (results.interrupted) stop = `the matrix was interrupted by ${results.interrupted}`;
    } catch (err) {
      // A run the machine could not start (a missing binary, root) or a bug: the scenario crashed.
      outcome = { ...base, status: 'crashed', durationS: (now() - started) / 1000, reason: errorMessage(err) };
    }
    outcomes.push(outcome);
    o.out(`${tag}: ${outcomeWords(outcome)}${outcome.reason ? ` — ${outcome.reason}` : ''}, ${outcome.durationS.toFixed(1)} s${outcome.dir ? `, ${outcome.dir}` : ''}`);
    o.out(`  so far: ${tally(outcomes)}; ${clock(now() - t0)} elapsed`);
    if (stop === undefined && o.failFast && outcome.status !== 'met') stop = `--fail-fast: ${s.name} ${outcome.status}`;
  }
  return outcomes;
}

/** `--time-budget`'s value in ms (a duration; a bare number means seconds). */
export function parseBudget(text: string): number {
  const ms = parseDuration(text, 'time-budget');
  if (ms <= 0) throw new InputError('--time-budget must be longer than 0, e.g. 5m');
  return ms;
}
