/**
 * The scenarios of a matrix (Jepsen's test-all): a config's explicit `scenarios`, each over the
 * config's own settings, or its lists crossed — workloads × fault sets × seeds.
 */
import { randomInt } from 'node:crypto';
import { InputError } from '../../ground/history/errors.js';
import { didYouMean } from '../../ground/contracts/closest.js';
import type { Expectation, FaultlineConfig, RunSettings } from '../config/define.js';
import { runSettingsOf } from '../config/schema.js';
import { DEFAULT_TARGET } from '../run/targets.js';

/** One scenario to run: its settings (the config's with its own over them) and its expectation. */
export interface MatrixScenario {
  name: string;
  expect: Expectation;
  why?: string;
  fast?: boolean;
  settings: RunSettings;
}

const faultList = (f: RunSettings['faults']): string[] =>
  (typeof f === 'string' ? f.split(',') : [...(f ?? [])]).map((x) => x.trim()).filter((x) => x !== '' && x !== 'none');

/** The matrix of a (checked) config. A crossed scenario gets a seed even when the config has none, so it can be replayed. */
export function matrixScenarios(config: FaultlineConfig): MatrixScenario[] {
  const base = runSettingsOf(config as Record<string, unknown>);
  delete base.store;
  delete base.name;
  if (config.scenarios && config.scenarios.length > 0) {
    return config.scenarios.map(({ name, expect, why, fast, ...own }) => ({
      name, expect, why, fast, settings: { ...base, ...own, name },
    }));
  }
  const workloads = config.workloads ?? [config.workload];
  const faultSets = config.faultSets ?? [config.faults ?? []];
  const seeds = config.seeds ?? [config.seed ?? randomInt(2 ** 31 - 1)];
  const out: MatrixScenario[] = [];
  for (const workload of workloads) {
    for (const faults of faultSets) {
      for (const seed of seeds) {
        const fl = faultList(faults);
        const name = [config.target ?? DEFAULT_TARGET, workload, fl.join('+') || 'none', `s${seed}`].filter(Boolean).join('-');
        out.push({ name, expect: config.expect ?? 'valid', settings: { ...base, workload, faults: fl, seed, name } });
      }
    }
  }
  return out;
}

/** The scenarios `--only` names (a comma list, repeatable), in the matrix's order; an unknown name is an InputError. */
export function onlyScenarios(all: readonly MatrixScenario[], only: readonly string[]): MatrixScenario[] {
  if (only.length === 0) return [...all];
  const names = all.map((s) => s.name);
  for (const n of only) {
    if (!names.includes(n)) throw new InputError(`--only ${n} is not a scenario of this matrix${didYouMean(n, names)}; the scenarios are ${names.join(', ')}`);
  }
  return all.filter((s) => only.includes(s.name));
}
