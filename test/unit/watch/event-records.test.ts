/**
 * Watch deliveries as `event` records of their own (issue 27): the checker reads them and judges
 * exactly as it judged the same deliveries inside the windows' completions (the older runs' shape,
 * which it still reads); a history holding both shapes is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, parseWatchHistory } from '../../../checkers/watch/index.js';
import { watchChecker } from '../../../checkers/watch/index.js';
import { runChecker } from '../../../checkers/compose.js';
import type { Op } from '../../../harness/ground/history/op.js';
import type { WatchSegment } from '../../../checkers/watch/types.js';
import { generate, genParams, toLegacyOps, toOps } from './gen.js';
import { INJECTIONS } from './inject.js';
import { generateZk, zkGenParams, zkToLegacyOps, zkToOps, ZK_INJECTIONS } from './zk-gen.js';
import { consulGenParams, consulToLegacyOps, consulToOps, CONSUL_INJECTIONS, generateConsul } from './consul-gen.js';

/**
 * The result without the two fields only the event shape has (how many event records, how many after
 * the last window), and with each violation's history positions named by the op there (process, type,
 * time): event records shift the indices of the ops after them, not which ops they are.
 */
function verdictOf(ops: Op[]): Record<string, unknown> {
  const { eventRecords: _e, strayEvents: _s, ...rest } = checkWatchHistory(parseWatchHistory(ops));
  const byIndex = new Map(ops.map((o) => [o.index, o]));
  const name = (i: number): string => { const o = byIndex.get(i); return o ? `${o.process}/${o.type}/${o.f}/${o.time}` : `?${i}`; };
  rest.violations = (rest.violations as { positions: [number, number]; detail: string }[])
    .map((v) => ({ ...v, positions: v.positions.map(name), detail: v.detail.replace(/history index (\d+)/g, (_, i: string) => `history op ${name(Number(i))}`) }));
  return rest;
}

function sameVerdicts(legacy: Op[], events: Op[]): Record<string, unknown> {
  expect(events.some((o) => o.type === 'event')).toBe(legacy.some((o) => o.f === 'watch' && JSON.stringify(o.value).match(/"(events|kind|k|kvs)"/) !== null));
  expect(legacy.some((o) => o.type === 'event')).toBe(false);
  const a = verdictOf(legacy);
  const b = verdictOf(events);
  expect(b).toEqual(a);
  return b;
}

const FC = { numRuns: 150 };

describe('watch deliveries as event records', () => {
  it('etcd-style streams: the same result in both shapes, valid and with every injected class', () => {
    fc.assert(fc.property(genParams, fc.nat(1000), fc.constantFrom(undefined, ...Object.keys(INJECTIONS)), (p, k, cls) => {
      const g0 = generate(p);
      const g = cls === undefined ? g0 : INJECTIONS[cls](g0, k);
      if (!g) return;
      const r = sameVerdicts(toLegacyOps(g), toOps(g));
      if (cls === undefined) expect(r.valid === true || r.valid === 'unknown').toBe(true);
      else expect(Object.keys(r.counts as object)).toContain(cls);
    }), FC);
  });
  it('ZooKeeper records: the same result in both shapes, valid when nothing was injected', () => {
    fc.assert(fc.property(zkGenParams, fc.nat(1000), fc.constantFrom(undefined, ...Object.keys(ZK_INJECTIONS)), (p, k, cls) => {
      const g0 = generateZk(p);
      const g = cls === undefined ? g0 : ZK_INJECTIONS[cls](g0, k);
      if (!g) return;
      const r = sameVerdicts(zkToLegacyOps(g), zkToOps(g));
      // Which classes an injection yields is zookeeper.test.ts's and consul.test.ts's to check.
      if (cls === undefined) expect(r.valid).not.toBe(false);
    }), FC);
  });
  it('Consul returns: the same result in both shapes, valid when nothing was injected', () => {
    fc.assert(fc.property(consulGenParams, fc.nat(1000), fc.constantFrom(undefined, ...Object.keys(CONSUL_INJECTIONS)), (p, k, cls) => {
      const g0 = generateConsul(p);
      const g = cls === undefined ? g0 : CONSUL_INJECTIONS[cls](g0, k);
      if (!g) return;
      const r = sameVerdicts(consulToLegacyOps(g), consulToOps(g));
      // Which classes an injection yields is zookeeper.test.ts's and consul.test.ts's to check.
      if (cls === undefined) expect(r.valid).not.toBe(false);
    }), FC);
  });

  it('puts each event between its window\'s invoke and completion, as its own record, and counts them', () => {
    const ops = toOps(generate({ commits: 20, watchers: 2, seed: 3 }));
    const events = ops.filter((o) => o.type === 'event');
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) {
      const v = e.value as Record<string, unknown>;
      expect(['put', 'delete', 'progress']).toContain(v.kind);
      expect(typeof v.rev).toBe('number');
      expect(typeof v.watcher).toBe('string');
    }
    // No watch completion carries deliveries any more.
    for (const o of ops) if (o.f === 'watch' && o.type !== 'invoke') expect(o.value).not.toHaveProperty('batches');
    const r = checkWatchHistory(parseWatchHistory(ops));
    expect(r.eventRecords).toBe(events.length);
    expect(r.strayEvents).toBe(0);
    expect(r.eventsChecked).toBe(events.filter((e) => (e.value as { kind: string }).kind !== 'progress').length);
  });

  it('counts events after a watcher\'s last window as stray, and does not judge them', () => {
    const ops = toOps(generate({ commits: 20, watchers: 1, seed: 5 }));
    const last = ops.length;
    ops.push({ index: last, time: 1e12, process: 0, type: 'event', f: 'event', value: { watcher: 'w0', kind: 'put', key: '/w/a', value: 'never-written', rev: 999, batch: 1e6 } });
    const r = checkWatchHistory(parseWatchHistory(ops));
    expect(r.strayEvents).toBe(1);
    expect(r.counts).not.toHaveProperty('phantom-value');
  });

  it('reads an older run\'s history (deliveries inside the completions) as before', () => {
    const ops = toLegacyOps(INJECTIONS.gap(generate({ commits: 30, watchers: 2, seed: 4 }), 1)!);
    const r = checkWatchHistory(parseWatchHistory(ops));
    expect(r.valid).toBe(false);
    expect(r.counts).toHaveProperty('gap');
    expect(r).not.toHaveProperty('eventRecords');
  });

  it('refuses a history with deliveries in both shapes, in one sentence, as unknown', async () => {
    const g = generate({ commits: 10, watchers: 1, seed: 2 });
    const legacy = toLegacyOps(g);
    const mixed = [...legacy, { index: legacy.length, time: 1e12, process: 0, type: 'event' as const, f: 'event', value: { watcher: 'w0', kind: 'progress', rev: 1, batch: 1 } }];
    expect(() => parseWatchHistory(mixed)).toThrow(/^this history has watch deliveries both as event records and inside watch completions \(an older run's form\); record it again, or check the older run's history as it was written$/);
    const r = await runChecker(watchChecker(), mixed, {});
    expect(r.valid).toBe('unknown');
    expect(String(r.error)).toContain('both as event records and inside watch completions');
  });

  it('hands the events to the watch checker only: other checkers get the history without them', async () => {
    const ops = toOps(generate({ commits: 10, watchers: 1, seed: 2 }));
    let seen: readonly Op[] = [];
    await runChecker({ name: 'spy', check: (h) => { seen = h; return { valid: true }; } }, ops, {});
    expect(seen.length).toBe(ops.filter((o) => o.type !== 'event').length);
    expect(seen.some((o) => o.type === 'event')).toBe(false);
    await runChecker({ name: 'spy', readsEvents: true, check: (h) => { seen = h; return { valid: true }; } }, ops, {});
    expect(seen).toBe(ops);
  });

  // Each window's completion counts what its client received (etcd's and the Raft's `responses`,
  // Consul's `returns`, ZooKeeper's `records`): a delivery the client received and the history lost
  // was judged by nobody, so the verdict cannot be valid, even where the loss breaks no rule.
  const COUNTS = { responses: (s: WatchSegment) => s.batches.length, returns: (s: WatchSegment) => s.consul?.length ?? 0, records: (s: WatchSegment) => s.zk?.length ?? 0 };
  /** `ops` with each watch completion counting the deliveries the history holds for it (as the clients do). */
  function withCounts(ops: Op[], field: keyof typeof COUNTS): Op[] {
    const byCompletion = new Map(parseWatchHistory(ops).segments.map((s) => [s.completeIndex, COUNTS[field](s)]));
    return ops.map((o) => (byCompletion.has(o.index) ? { ...o, value: { ...(o.value as object), [field]: byCompletion.get(o.index) } } : o));
  }
  /** `ops` without the event record at `at` (indices kept: the records after it keep theirs). */
  const without = (ops: Op[], at: number): Op[] => ops.filter((_, i) => i !== at);

  it('a window whose count its records do not match: not valid, even when the lost delivery breaks no rule', () => {
    const cases: [string, Op[], keyof typeof COUNTS, (v: Record<string, unknown>) => boolean][] = [
      ['etcd', toOps(generate({ commits: 40, watchers: 2, seed: 7 })), 'responses', (v) => v.kind === 'progress'],
      ['zookeeper', zkToOps(generateZk(fc.sample(zkGenParams, { seed: 3, numRuns: 1 })[0])), 'records', (v) => typeof v.kind === 'string'],
      ['consul', consulToOps(generateConsul(fc.sample(consulGenParams, { seed: 3, numRuns: 1 })[0])), 'returns', (v) => v.kind === 'return'],
    ];
    for (const [store, ops0, field, harmless] of cases) {
      const ops = withCounts(ops0, field);
      const whole = checkWatchHistory(parseWatchHistory(ops));
      expect(whole.miscounted, store).toBeUndefined();
      expect(whole).toEqual({ ...checkWatchHistory(parseWatchHistory(ops0)) });
      // Lose one delivery that, by itself, no rule notices (the checker without the counts finds the rest valid).
      expect(whole.valid, store).toBe(true);
      let at = -1;
      for (let i = ops.length - 1; i >= 0 && at < 0; i--) {
        if (ops[i].type === 'event' && harmless(ops[i].value as Record<string, unknown>) && checkWatchHistory(parseWatchHistory(without(ops0, i))).valid === true) at = i;
      }
      expect(at, store).toBeGreaterThanOrEqual(0);
      const lossy = parseWatchHistory(without(ops, at));
      expect(lossy.miscounted, store).toEqual({ windows: 1, counted: expect.any(Number), recorded: expect.any(Number) });
      expect(lossy.miscounted!.counted - lossy.miscounted!.recorded, store).toBe(1);
      const r = checkWatchHistory(lossy);
      expect(r.valid, store).toBe('unknown');
      expect(String(r.reason), store).toMatch(/^1 watch window\(s\) counted \d+ deliveries and the history holds \d+ of theirs: what the watchers received was not all recorded/);
    }
  });
});
