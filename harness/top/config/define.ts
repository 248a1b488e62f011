/**
 * The shape of a Faultline config file (`faultline.config.{ts,mts,js,mjs,json}`) and of the
 * programmatic `run()`: one record of the settings `faultline run` takes as flags, plus the matrix's
 * lists and scenarios. Plain data, so a config is a JSON file as readily as a module.
 */

/** A duration: a number of seconds, or a text with a unit (`500ms`, `2s`, `1m`, `1h`) as on the CLI. */
export type Duration = number | string;

import type { InputOf, OptionKey } from './run-options.js';

/** A target's or a workload's own flag value (`bug: 'stale-read'`, `values: 1000`, `noop: 'off'`). */
export type OptionValue = string | number | boolean | readonly string[];

/**
 * The settings of one run; every key is optional and has the CLI's default. The common keys and their
 * types come from the option registry (harness/top/config/run-options.ts: `timeLimit` is `--time-limit`, a
 * Duration; `faults` is `--nemesis`; …), so a new setting is declared there once.
 */
export type RunSettings = { [K in OptionKey]?: InputOf<K> } & {
  /** `--env`: where the hosts come from (store targets; default local namespaces). */
  environment?: string;
  /**
   * The target's and its workload's own flags, by flag name without `--`: e.g. `{ bug: 'stale-read' }`
   * for raft, `{ reads: 'serializable', values: 1000 }` for etcd. The workload's checker settings are
   * among them (`keys`, `values`, the lock's `lock-ttl`).
   */
  options?: Readonly<Record<string, OptionValue>>;
};

/** What a matrix scenario must yield: `invalid` for a known bug that must keep being found. */
export type Expectation = 'valid' | 'invalid';

/** One scenario of a matrix: run settings over the config's, a name and what it must yield. */
export interface Scenario extends Omit<RunSettings, 'store'> {
  /** Its name in the matrix, the store and JUnit (letters, digits, `.`, `_`, `-`). */
  name: string;
  expect: Expectation;
  /** Why it is in the suite: the anomaly and what exposes it (shown in the table and JUnit). */
  why?: string;
  /** Part of the fast subset (`faultline matrix --suite regressions-fast`). */
  fast?: boolean;
}

/** A config file: run settings, and for `faultline matrix` either lists to cross or scenarios. */
export interface FaultlineConfig extends RunSettings {
  /** Matrix: workloads to cross with `faultSets` and `seeds`. */
  workloads?: readonly string[];
  /** Matrix: fault sets to cross, each a list of families (`[]` or `'none'` for no faults). */
  faultSets?: readonly (readonly string[] | string)[];
  /** Matrix: seeds to cross. */
  seeds?: readonly (number | string | bigint)[];
  /** Matrix: what a crossed scenario must yield (default `valid`). */
  expect?: Expectation;
  /** Matrix: explicit scenarios, run instead of the crossed lists. */
  scenarios?: readonly Scenario[];
}

/** Types a config file's object; returns it unchanged (as vitest's and Playwright's do). */
export function defineConfig<T extends FaultlineConfig>(config: T): T {
  return config;
}
