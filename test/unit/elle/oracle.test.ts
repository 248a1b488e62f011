/**
 * The Elle checker against a brute-force oracle (brute-force.ts) on random histories of ≤ 7
 * transactions (gen.ts), for serializable and strict-serializable. List-append must agree exactly;
 * rw-register must never report an anomaly the oracle refutes, and what it misses (its version order
 * is only what can be proven) is counted and printed. FUZZ_RUNS sets the cases per property
 * (default 1,500 list-append and 1,000 rw-register, each judged for both models: 5,000 verdicts, about
 * 2 minutes of CPU beside the suite; `npm run fuzz:oracle` judges 20,000 histories of each).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkElle } from '../../../checkers/elle/index.js';
import { transactions } from '../../../checkers/elle/history.js';
import { serialOrderExists, type Workload } from './brute-force.js';
import { historyArb } from './gen.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const MODELS = ['serializable', 'strict-serializable'] as const;

function judge(workload: Workload, runs: number): { cases: number; disagree: number; misses: Record<string, number>; invalid: Record<string, number> } {
  const stats = { cases: 0, disagree: 0, misses: { serializable: 0, 'strict-serializable': 0 } as Record<string, number>, invalid: { serializable: 0, 'strict-serializable': 0 } as Record<string, number> };
  fc.assert(fc.property(historyArb(workload), (ops) => {
    stats.cases++;
    const txns = transactions(ops, ['r', 'w', 'append']);
    for (const model of MODELS) {
      const oracle = serialOrderExists(txns, workload, model === 'strict-serializable');
      const r = checkElle(ops, { workload, consistencyModels: [model] });
      if (!oracle) stats.invalid[model]++;
      if (r.valid === 'unknown') throw new Error(`unknown verdict: ${r.reason}`);
      if (r.valid === false && oracle) {
        throw new Error(`${model}: Elle reports ${Object.keys(r.anomalyTypes).join(', ')} but a serial order exists:\n${JSON.stringify(r.anomalies[0]?.steps)}`);
      }
      if (r.valid === true && !oracle) {
        if (workload === 'list-append') throw new Error(`${model}: Elle says valid but no serial order exists`);
        stats.misses[model]++;
      }
    }
  }), { numRuns: runs });
  return stats;
}

describe('Elle against the brute-force oracle', () => {
  it('list-append: zero disagreements for serializable and strict-serializable', () => {
    const s = judge('list-append', RUNS || 1500);
    console.log(`list-append oracle: ${s.cases} histories × 2 models; not serializable ${s.invalid.serializable}, not strict ${s.invalid['strict-serializable']}; disagreements 0`);
    // The generator must exercise both verdicts, or the property proves little.
    expect(s.invalid.serializable).toBeGreaterThan(s.cases / 20);
    expect(s.invalid['strict-serializable']).toBeGreaterThan(s.invalid.serializable);
  }, 900_000); // CPU-bound: minutes beside the integration tiers on 2 cores; the limit only catches a hang

  it('rw-register: never an anomaly the oracle refutes; misses counted', () => {
    const s = judge('rw-register', RUNS || 1000);
    console.log(`rw-register oracle: ${s.cases} histories × 2 models; not serializable ${s.invalid.serializable} (Elle missed ${s.misses.serializable}), not strict ${s.invalid['strict-serializable']} (missed ${s.misses['strict-serializable']}); false anomalies 0`);
    expect(s.invalid.serializable).toBeGreaterThan(s.cases / 20);
    expect(s.misses.serializable).toBeLessThan(s.invalid.serializable);
  }, 900_000); // CPU-bound: minutes beside the integration tiers on 2 cores; the limit only catches a hang
});
