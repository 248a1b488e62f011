/**
 * The Consul rules of the watch checker (checkers/watch/consul.ts) against generated correct
 * histories (always valid: spurious returns, index resets, indeterminate writes, deletes without an
 * index) and against each injected violation class (reported with that class; injections run on
 * histories with every write acknowledged).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, parseWatchHistory } from '../../../checkers/watch/index.js';
import type { WatchViolation } from '../../../checkers/watch/types.js';
import { consulGenParams, consulToOps, CONSUL_INJECTIONS, generateConsul } from './consul-gen.js';

const check = (g: ReturnType<typeof generateConsul>) => checkWatchHistory(parseWatchHistory(consulToOps(g)));
const runs = Number(process.env.FUZZ_RUNS ?? 200);

describe('watch checker, Consul: generated correct histories', () => {
  it('is valid on every generated history (spurious returns, index resets, indeterminate writes)', () => {
    let values = 0;
    let resets = 0;
    let spurious = 0;
    let converged = 0;
    fc.assert(fc.property(consulGenParams, (p) => {
      const r = check(generateConsul(p));
      const c = r.consul as { returns: number; spurious: number; indexResets: number };
      values += r.eventsChecked as number;
      resets += c.indexResets;
      spurious += c.spurious;
      converged += (r.convergence as { checked: string[] }).checked.length;
      if (r.valid === false) throw new Error(`expected valid: ${JSON.stringify(r.violations, null, 1)}`);
    }), { numRuns: runs });
    // The property cannot pass empty: values checked, resets and spurious returns met, convergence checked.
    expect(values).toBeGreaterThan(runs * 5);
    expect(resets).toBeGreaterThan(runs / 4);
    expect(spurious).toBeGreaterThan(runs);
    expect(converged).toBeGreaterThan(runs);
  });
});

describe('watch checker, Consul: each injected violation class is reported with its class', () => {
  for (const [cls, inject] of Object.entries(CONSUL_INJECTIONS)) {
    it(cls, () => {
      let tried = 0;
      fc.assert(fc.property(consulGenParams, fc.nat(), (p, k) => {
        const g = inject(generateConsul({ ...p, commits: Math.max(p.commits, 8), infoRate: 0 }), k);
        fc.pre(g !== undefined);
        tried++;
        const r = check(g!);
        const classes = new Set((r.violations as WatchViolation[]).map((v) => v.class));
        if (r.valid !== false || !classes.has(cls as WatchViolation['class'])) throw new Error(`expected ${cls}, got ${String(r.valid)} ${[...classes].join(',')}`);
        expect((r.violations as WatchViolation[])[0].store).toBe('consul');
      }), { numRuns: runs });
      expect(tried).toBeGreaterThan(runs / 4);
    });
  }
});
