/**
 * The ZooKeeper rules of the watch checker (checkers/watch/zookeeper.ts) against generated correct
 * histories (always valid: one-shot registrations, coalescing between a firing and the re-arm, session
 * expiries, indeterminate writes) and against each injected violation class (reported with that
 * class). Injections run on histories with every write acknowledged, so every firing is judged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, parseWatchHistory } from '../../../checkers/watch/index.js';
import type { WatchViolation } from '../../../checkers/watch/types.js';
import { generateZk, zkGenParams, zkToOps, ZK_INJECTIONS } from './zk-gen.js';

const check = (g: ReturnType<typeof generateZk>) => checkWatchHistory(parseWatchHistory(zkToOps(g)));
const runs = Number(process.env.FUZZ_RUNS ?? 200);
const EXPECT: Record<string, WatchViolation['class']> = { 'orphan notification': 'double-fire' };

describe('watch checker, ZooKeeper: generated correct histories', () => {
  it('is valid on every generated history (coalescing, expiries, indeterminate writes)', () => {
    let fires = 0;
    let judged = 0;
    let expiries = 0;
    let converged = 0;
    fc.assert(fc.property(zkGenParams, (p) => {
      const r = check(generateZk(p));
      const zk = r.zookeeper as { fires: number; judged: number; expiries: number };
      fires += zk.fires;
      judged += zk.judged;
      expiries += zk.expiries;
      converged += (r.convergence as { checked: string[] }).checked.length;
      if (r.valid === false) throw new Error(`expected valid: ${JSON.stringify(r.violations, null, 1)}`);
    }), { numRuns: runs });
    // The property cannot pass empty: firings were judged, sessions expired, watchers were checked for convergence.
    expect(judged).toBeGreaterThan(runs * 3);
    expect(judged).toBeLessThanOrEqual(fires);
    expect(expiries).toBeGreaterThan(runs / 10);
    expect(converged).toBeGreaterThan(runs);
  });
});

describe('watch checker, ZooKeeper: each injected violation class is reported with its class', () => {
  for (const [name, inject] of Object.entries(ZK_INJECTIONS)) {
    const cls = EXPECT[name] ?? (name as WatchViolation['class']);
    it(name, () => {
      let tried = 0;
      fc.assert(fc.property(zkGenParams, fc.nat(), (p, k) => {
        const g = inject(generateZk({ ...p, commits: Math.max(p.commits, 8), infoRate: 0 }), k);
        fc.pre(g !== undefined);
        tried++;
        const r = check(g!);
        const classes = new Set((r.violations as WatchViolation[]).map((v) => v.class));
        if (r.valid !== false || !classes.has(cls)) throw new Error(`expected ${cls}, got ${String(r.valid)} ${[...classes].join(',')}`);
        const v = (r.violations as WatchViolation[]).find((x) => x.class === cls)!;
        expect(v.store).toBe('zookeeper');
        expect(v.watcher).toMatch(/^w\d$/);
      }), { numRuns: runs });
      expect(tried).toBeGreaterThan(runs / 4);
    });
  }
});

describe('watch checker, ZooKeeper: convergence needs a connected session', () => {
  it('a watcher cut off at the end is not judged; connected, the same stream is not-converged', () => {
    let tried = 0;
    fc.assert(fc.property(zkGenParams, fc.nat(), (p, k) => {
      const g = ZK_INJECTIONS['not-converged'](generateZk({ ...p, commits: Math.max(p.commits, 8), infoRate: 0 }), k);
      fc.pre(g !== undefined);
      tried++;
      const cut = structuredClone(g!);
      // Every watcher's session drops before the last change and never comes back.
      for (const x of cut.watchers) x.log.push({ k: 'disconnected', at: cut.commits.at(-1)!.at - 1, sid: x.log.at(-1)?.sid ?? 0 });
      const r = check(cut);
      expect((r.counts as Record<string, number>)['not-converged'] ?? 0).toBe(0);
      expect((r.convergence as { unchecked: string[] }).unchecked.length).toBeGreaterThan(0);
      // Reconnected after the last change, and watched 2 s more: judged again, and caught.
      const back = structuredClone(cut);
      for (const x of back.watchers) x.log.push({ k: 'connected', at: back.commits.at(-1)!.at + 1, sid: x.log.at(-1)?.sid ?? 0 });
      back.end += 2e9;
      expect(check(back).counts).toHaveProperty('not-converged');
    }), { numRuns: 100 });
    expect(tried).toBeGreaterThan(25);
  });
});
