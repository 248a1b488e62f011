/**
 * Stable latency and the efficiency targets: the checker's quantiles against a brute-force reading of
 * the definition (every read scanned for every message) on random broadcast histories, a hand-made
 * case, and targets met, missed and unknown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { judgeEfficiency } from '../../../checkers/efficiency.js';
import type { NetStats } from '../../../checkers/net-stats.js';
import { stableLatency } from '../../../checkers/stable-latency.js';

/** The definition, read literally: O(messages × reads). */
function oracle(history: readonly Op[]): { count: number; never: number; q: Record<string, number> } {
  const inv = new Map<unknown, Op>();
  const acks = new Map<unknown, number>();
  const reads: { at: number; node: string; seen: unknown[] }[] = [];
  for (const op of history) {
    if (op.type === 'invoke') { inv.set(op.process, op); continue; }
    const i = inv.get(op.process)!;
    if (op.type !== 'ok') continue;
    if (op.f === 'broadcast' && !acks.has(i.value)) acks.set(i.value, op.time);
    if (op.f === 'read') reads.push({ at: i.time, node: String(op.node), seen: op.value as unknown[] });
  }
  const nodes = [...new Set(reads.map((r) => r.node))];
  const last = nodes.map((n) => reads.filter((r) => r.node === n).sort((a, b) => a.at - b.at).pop()!);
  const lat: number[] = [];
  let never = 0;
  for (const [v, ack] of acks) {
    if (last.some((r) => !r.seen.includes(v))) { never++; continue; }
    let lm = -Infinity;
    for (const r of reads) if (!r.seen.includes(v)) lm = Math.max(lm, r.at);
    lat.push(Math.max(0, lm - ack) / 1e6);
  }
  lat.sort((a, b) => a - b);
  const q: Record<string, number> = {};
  if (lat.length) for (const p of [0, 0.5, 0.95, 0.99, 1]) q[String(p)] = lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
  return { count: lat.length, never, q };
}

/** A random history: processes each do broadcast or read ops one at a time, reads see a random subset. */
const histories = fc.array(fc.record({
  process: fc.integer({ min: 0, max: 3 }), read: fc.boolean(), ok: fc.boolean(), gap: fc.integer({ min: 1, max: 5e6 }),
  node: fc.constantFrom('n0', 'n1', 'n2'), mask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
}), { maxLength: 60 }).map((steps) => {
  const h: Op[] = [];
  let t = 0, v = 0;
  for (const s of steps) {
    t += s.gap;
    const value = s.read ? null : v++ % 12;
    h.push({ index: h.length, time: t, process: s.process, type: 'invoke', f: s.read ? 'read' : 'broadcast', value });
    t += s.gap;
    h.push({ index: h.length, time: t, process: s.process, type: s.ok ? 'ok' : 'info', f: s.read ? 'read' : 'broadcast',
      value: s.read ? s.mask.flatMap((b, i) => (b ? [i] : [])) : value, ...(s.read ? { node: s.node } : {}) });
  }
  return h;
});

describe('stable latency', () => {
  it('equals the brute-force reading of its definition on random histories', () => {
    fc.assert(fc.property(histories, (h) => {
      const got = stableLatency(h);
      const want = oracle(h);
      expect(got.count).toBe(want.count);
      expect(got.neverStable).toBe(want.never);
      expect(got.quantilesMs).toEqual(want.q);
    }), { numRuns: 500 });
  });

  it('measures from the acknowledgement to the last read missing the message', () => {
    const ms = 1e6;
    const h: Op[] = [
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'broadcast', value: 7 },
      { index: 1, time: 10 * ms, process: 0, type: 'ok', f: 'broadcast', value: 7 },
      { index: 2, time: 250 * ms, process: 1, type: 'invoke', f: 'read', value: null },
      { index: 3, time: 260 * ms, process: 1, type: 'ok', f: 'read', value: [], node: 'n1' },
      { index: 4, time: 300 * ms, process: 1, type: 'invoke', f: 'read', value: null },
      { index: 5, time: 310 * ms, process: 1, type: 'ok', f: 'read', value: [7], node: 'n1' },
    ];
    expect(stableLatency(h)).toEqual({ count: 1, neverStable: 0, quantilesMs: { 0: 240, 0.5: 240, 0.95: 240, 0.99: 240, 1: 240 } });
    // n2's only read misses it: never stable, no quantiles.
    const lost = [...h, { index: 6, time: 400 * ms, process: 2, type: 'invoke', f: 'read', value: null }, { index: 7, time: 410 * ms, process: 2, type: 'ok', f: 'read', value: [], node: 'n2' }] as Op[];
    expect(stableLatency(lost)).toEqual({ count: 0, neverStable: 1, quantilesMs: {} });
  });
});

describe('efficiency targets', () => {
  const net = (serversPerOp: number | null): NetStats => ({
    ops: 10, all: { sent: 0, delivered: 0, dropped: 0, msgsPerOp: null }, clients: { sent: 0, delivered: 0, dropped: 0, msgsPerOp: null },
    servers: { sent: 0, delivered: 0, dropped: 0, msgsPerOp: serversPerOp }, byType: {}, badLines: 0,
  });
  const lat = (median: number, max: number) => ({ count: 5, neverStable: 0, quantilesMs: { 0: 0, 0.5: median, 0.95: max, 0.99: max, 1: max } });
  const glomers3d = { msgsPerOp: 30, medianLatencyMs: 400, maxLatencyMs: 600 };

  it('are met when every figure is below its target', () => {
    const r = judgeEfficiency(glomers3d, net(29.9), lat(399, 599));
    expect(r.valid).toBe(true);
    expect(r.targets.map((t) => t.met)).toEqual([true, true, true]);
  });

  it('are missed when one figure reaches its target', () => {
    const r = judgeEfficiency(glomers3d, net(12), lat(400, 500));
    expect(r.valid).toBe(false);
    expect(r.targets.find((t) => t.name === 'median-latency')).toEqual({ name: 'median-latency', target: 400, actual: 400, met: false });
  });

  it('are unknown without a figure, never met', () => {
    expect(judgeEfficiency(glomers3d, net(null), lat(1, 1)).valid).toBe('unknown');
    expect(judgeEfficiency(glomers3d, net(1), { count: 0, neverStable: 3, quantilesMs: {} }).valid).toBe('unknown');
    expect(judgeEfficiency({}, net(1), lat(1, 1)).valid).toBe('unknown');
  });
});
