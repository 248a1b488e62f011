/**
 * The story of a stored run in one sentence for the terminal: where its first anomaly falls against
 * its faults, read from the run directory (history, declared bands, results) as the report reads it.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { FaultBand } from '../harness/ground/contracts/roles.js';
import { analyze } from './analysis.js';
import { anomaliesOf, firstAnomalySentence } from './anomalies.js';
import { readTestJson } from './reporters.js';
import { readHistoryLenient } from './run-data.js';

/** The fault bands a run declared in its test.json (none for an imported history). */
export function declaredBands(test: Record<string, unknown> | undefined): FaultBand[] {
  const raw = test?.faultBands;
  if (!Array.isArray(raw)) return [];
  return raw.filter((b): b is FaultBand => typeof b === 'object' && b !== null &&
    typeof b.name === 'string' && typeof b.start === 'string' && typeof b.stop === 'string');
}

/** "The first non-linearizable read … completed at 1.5 s, before any fault …", or undefined (no anomaly, no history). */
export function firstAnomalyOfRun(runDir: string, checkers: unknown): string | undefined {
  const file = nodePath.join(runDir, 'history.jsonl');
  if (!fs.existsSync(file)) return undefined;
  try {
    const { ops } = readHistoryLenient(file);
    const anomalies = anomaliesOf(checkers, ops);
    if (anomalies.length === 0) return undefined;
    return firstAnomalySentence(anomalies, analyze(ops, declaredBands(readTestJson(runDir))).bands);
  } catch {
    // A sentence of colour; never a reason for the summary to fail.
    return undefined;
  }
}
