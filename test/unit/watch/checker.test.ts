/**
 * The watch checker against generated correct histories (always valid) and against each injected
 * violation class (reported with that class). A history with no place for an injection is skipped by
 * fast-check's precondition; the counts of real trials are asserted so the property cannot pass empty.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, parseWatchHistory } from '../../../checkers/watch/index.js';
import type { WatchViolation } from '../../../checkers/watch/types.js';
import { generate, genParams, toOps } from './gen.js';
import { INJECTIONS } from './inject.js';

const check = (ops: ReturnType<typeof toOps>) => checkWatchHistory(parseWatchHistory(ops));
const runs = Number(process.env.FUZZ_RUNS ?? 300);

describe('watch checker: generated correct streams', () => {
  it('is valid on every generated history (random commits, disconnects, resumes, compactions, bookmarks)', () => {
    let events = 0;
    fc.assert(fc.property(genParams, (p) => {
      const r = check(toOps(generate(p)));
      events += r.eventsChecked as number;
      if (r.valid !== true) throw new Error(`expected valid: ${JSON.stringify(r.violations, null, 1)}`);
    }), { numRuns: runs });
    expect(events).toBeGreaterThan(runs * 5);
  });
});

describe('watch checker: each injected violation class is reported with its class', () => {
  for (const [cls, inject] of Object.entries(INJECTIONS)) {
    it(cls, () => {
      let tried = 0;
      fc.assert(fc.property(genParams, fc.nat(), (p, k) => {
        const g = inject(generate({ ...p, commits: Math.max(p.commits, 8) }), k);
        fc.pre(g !== undefined);
        tried++;
        const r = check(toOps(g!));
        const classes = new Set((r.violations as WatchViolation[]).map((v) => v.class));
        if (r.valid !== false || !classes.has(cls as WatchViolation['class'])) {
          throw new Error(`expected ${cls}, got ${r.valid} ${[...classes].join(',')}`);
        }
      }), { numRuns: runs });
      expect(tried).toBeGreaterThan(runs / 4);
    });
  }
});

describe('watch checker: violations name the watcher, node, positions and faults in force', () => {
  it('names them', () => {
    const g = generate({ commits: 30, watchers: 1, seed: 7 });
    const ops = toOps(INJECTIONS.duplicate(g, 0)!);
    // A partition in force over the whole history.
    const end = ops[ops.length - 1].time + 10;
    const n = ops.length;
    ops.unshift({ index: -2, time: 0, process: 'nemesis', type: 'invoke', f: 'start-partition', value: 'majorities-ring' });
    ops.push({ index: n, time: end, process: 'nemesis', type: 'invoke', f: 'stop-partition', value: null }, { index: n + 1, time: end + 1, process: 'nemesis', type: 'info', f: 'stop-partition', value: null });
    const r = check(ops);
    const v = (r.violations as WatchViolation[]).find((x) => x.class === 'duplicate')!;
    expect(v.watcher).toBe('w0');
    expect(v.node).toBe('n1');
    expect(v.positions[0]).toBeLessThanOrEqual(v.positions[1]);
    expect(v.faults).toEqual(['partition']);
  });
  it('reports a watcher that never caught up after the heal', () => {
    const g = generate({ commits: 20, watchers: 1, seed: 5 });
    const s = g.segments[g.segments.length - 1];
    const N = g.commits.length;
    s.batches = s.batches.map((b) => ({ ...b, events: b.events.filter((e) => e.rev < N - 2) })).filter((b) => b.events.length > 0 || (b.progress !== undefined && b.progress < N - 2));
    const r = check(toOps(g));
    expect((r.violations as WatchViolation[]).map((v) => v.class)).toEqual(['not-converged']);
  });
  it('reports an event for a write that failed', () => {
    const g = generate({ commits: 20, watchers: 1, seed: 3 });
    const s = g.segments[g.segments.length - 1];
    s.batches = s.batches.filter((b) => b.progress !== g.commits.length);
    s.batches.push({ at: 1e9, events: [{ rev: g.commits.length + 1, key: '/w/a', type: 'put', value: 'failed0' }] });
    const r = check(toOps(g));
    const classes = (r.violations as WatchViolation[]).map((v) => v.class);
    expect(classes).toContain('failed-write-event');
  });
});

describe('watch checker: known upstream issues', () => {
  const withStore = (ops: ReturnType<typeof toOps>, store: string) => ops.map((o) => (o.f === 'watch' && o.type !== 'invoke' ? { ...o, value: { ...(o.value as object), watch: { store } } } : o));
  it('an etcd false bookmark cites etcd-io/etcd#15220 on 3.4; the same on another store cites nothing', () => {
    const ops = toOps(INJECTIONS['false-bookmark'](generate({ commits: 20, watchers: 1, seed: 11 }), 0)!);
    const etcd = checkWatchHistory(parseWatchHistory(withStore(ops, 'etcd')), { version: '3.4.23' });
    const fb = (etcd.violations as WatchViolation[]).filter((v) => v.class === 'false-bookmark');
    expect(fb.length).toBeGreaterThan(0);
    expect(fb.every((v) => v.upstream?.startsWith('etcd-io/etcd#15220'))).toBe(true);
    const raft = checkWatchHistory(parseWatchHistory(withStore(ops, 'raft')), { version: '3.4.23' });
    expect((raft.violations as WatchViolation[]).every((v) => v.upstream === undefined)).toBe(true);
    expect(raft.unmatched).toBeGreaterThan(0);
  });
  it('a gap far from any compaction cites nothing', () => {
    const ops = withStore(toOps(INJECTIONS.gap(generate({ commits: 30, watchers: 2, seed: 4 }), 1)!), 'etcd');
    const r = checkWatchHistory(parseWatchHistory(ops.filter((o) => o.f !== 'compact')), { version: '3.4.23' });
    expect((r.violations as WatchViolation[]).some((v) => v.class === 'gap' && v.upstream === undefined)).toBe(true);
  });
});
