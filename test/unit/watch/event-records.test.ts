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
});
