/**
 * The echo checker (Maelstrom's echo workload): every `echo` that completed `ok` returned exactly
 * the payload it sent.
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps } from '../harness/ground/history/pair.js';
import type { CheckResult, Checker } from './contract.js';
import { AnomalyLog, DEFAULT_MAX_EXAMPLES, canonical, type Anomaly } from './common.js';

/** The echo checker's result, as written into `results.json`. */
export interface EchoResult extends CheckResult {
  checker: 'echo';
  /** Echoes that completed ok. */
  ok: number;
  /** Ok echoes whose reply differs from what was sent. */
  mismatched: Anomaly<{ index: number; sent: unknown; got: unknown }>;
  reason?: string;
}

/** Checks that every ok echo returned what was sent. */
export function checkEcho(history: readonly Op[], opts: { maxExamples?: number } = {}): EchoResult {
  const mismatched = new AnomalyLog<{ index: number; sent: unknown; got: unknown }>(opts.maxExamples ?? DEFAULT_MAX_EXAMPLES);
  let ok = 0;
  for (const op of pairOps(history)) {
    if (op.f !== 'echo' || op.outcome !== 'ok') continue;
    ok++;
    if (canonical(op.input) !== canonical(op.output)) {
      mismatched.add({ index: op.completionIndex!, sent: op.input, got: op.output });
    }
  }
  const res: EchoResult = { valid: mismatched.count === 0, checker: 'echo', ok, mismatched: mismatched.toJSON() };
  if (mismatched.count > 0) res.reason = `${mismatched.count} echo(es) came back different from what was sent`;
  return res;
}

/** The echo checker as a Checker. */
export function echoChecker(): Checker {
  return { name: 'echo', check: (history) => checkEcho(history) };
}
