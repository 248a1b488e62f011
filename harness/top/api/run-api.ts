/**
 * `run()` of the library: one run from a typed settings object, returned as plain data. The object is
 * checked key by key as a config file is (an InputError names a wrong key and the allowed values),
 * then becomes the typed request directly — no command line is built or parsed. The config file is
 * not read: what the caller passes is the whole config.
 */
import type { CheckResult } from '../../../checkers/contract.js';
import { runRequest } from '../cli/run-command.js';
import type { RunSettings } from '../config/define.js';
import { checkConfig, runSettingsOf } from '../config/schema.js';
import { requestOf, settingsFromConfig } from '../config/settings.js';
import type { RunResults } from '../../ground/contracts/run-contract.js';
import type { UnsupportedFault } from '../../ground/contracts/roles.js';

export interface RunOptions {
  /** Print the live progress line on stderr (default false: a library stays quiet). */
  progress?: boolean;
}

/** What a run yields, as plain data (JSON-serialisable). */
export interface RunSummary {
  /** The verdict: true valid, false an anomaly was found, 'unknown' the checkers could not decide. */
  valid: true | false | 'unknown';
  /** The run's directory in the store (test.json, history.jsonl, results.json, report.html, junit.xml). */
  dir: string;
  /** The run's seed; one beyond 2^53 as its exact decimal digits. */
  seed: number | string;
  /** Each checker's result by name. */
  checkers: Record<string, CheckResult>;
  /** History records (invocations and completions). */
  ops: number;
  durationS: number;
  unsupportedFaults: UnsupportedFault[];
  /** Why the run broke off, when it did. */
  error?: string;
  /** The whole results.json. */
  results: RunResults;
}

/** A sink for the progress line when the caller wants none. */
const silent = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/** Runs one test from `settings` (the keys of a config file's run settings) and returns its results. */
export async function run(settings: RunSettings, options: RunOptions = {}): Promise<RunSummary> {
  const checked = checkConfig(settings, 'run()');
  const { target, req } = requestOf(settingsFromConfig(runSettingsOf(checked as Record<string, unknown>)));
  const { dir, results, seed } = await runRequest(target, req, options.progress ? process.stderr : silent);
  return {
    valid: results.valid, dir, seed, checkers: results.checkers, ops: results.ops, durationS: results.durationS,
    unsupportedFaults: results.unsupportedFaults, ...(results.error ? { error: results.error } : {}), results,
  };
}
