import { describe, expect, it } from 'vitest';
import { analyze, latencyPoints, throughput } from '../../../reports/analysis.js';
import { HistoryBuilder } from './fixture-run.js';
import type { Op } from '../../../harness/ground/history/op.js';

/** The bands the kill, clock and loss packages declare (harness/middle/faults/nemesis). */
const DECLARED = [
  { name: 'kill', start: 'kill', stop: 'start' },
  { name: 'clock', start: 'bump-clock', stop: 'reset-clock' },
  { name: 'clock strobe', start: 'strobe-clock', stop: 'strobe-clock' },
  { name: 'loss', start: 'start-loss', stop: 'stop-loss' },
];

describe('report analysis', () => {
  it('turns nemesis ops into bands per fault: kill until start, strobe for its own op, an unhealed fault to the end', () => {
    const h = new HistoryBuilder()
      .call('nemesis', 'kill', 'one').ret('nemesis', 'info', ['n1'])            // 0-1
      .call(0, 'write', 1).ret(0, 'ok')                                          // 2-3
      .call('nemesis', 'start', 'all').ret('nemesis', 'info', ['n1'])            // 4-5
      .call('nemesis', 'strobe-clock', 'all').ret('nemesis', 'info', { offsets: { n0: 0 } }) // 6-7
      .call('nemesis', 'start-loss', 0.2).ret('nemesis', 'info', { p: 0.2 })     // 8-9
      .call(0, 'read', null).ret(0, 'ok', 1)                                     // 10-11
      .ops;
    const a = analyze(h, DECLARED);
    const ms = (t: number): number => Math.round(t * 1000);
    expect(a.bands.map((b) => [b.fault, ms(b.start), ms(b.end)])).toEqual([
      ['kill', 0, 5], ['clock strobe', 6, 7], ['loss', 8, 11],
    ]);
    expect(a.bands[2].detail).toMatch(/never healed/);
  });

  it('draws only what a run declared, and start-x…stop-x for an imported history that declared nothing', () => {
    const h = new HistoryBuilder()
      .call('nemesis', 'kill', 'one').ret('nemesis', 'info', ['n1'])
      .call('nemesis', 'start', 'all').ret('nemesis', 'info', ['n1'])
      .call('nemesis', 'start-partition', 'halves').ret('nemesis', 'info', {})
      .call('nemesis', 'stop-partition', null).ret('nemesis', 'info', {})
      .ops;
    expect(analyze(h).bands.map((b) => b.fault)).toEqual(['partition']);
    expect(analyze(h, DECLARED).bands.map((b) => b.fault)).toEqual(['kill', 'partition']);
  });

  it('follows each node\'s clock offset through bump and reset completions', () => {
    const h = new HistoryBuilder()
      .call('nemesis', 'bump-clock', 'all').ret('nemesis', 'info', { offsets: { n0: 500, n1: -20 } })
      .call('nemesis', 'reset-clock', 'all').ret('nemesis', 'info', { offsets: { n0: 0, n1: 0 } })
      .call(0, 'read', null).ret(0, 'ok', 1)
      .ops;
    const a = analyze(h, DECLARED);
    expect(a.clock.filter((r) => r.node === 'n0').map((r) => r.offsetMs)).toEqual([0, 500, 0, 0]);
    expect(a.bands.map((b) => b.fault)).toEqual(['clock']);
  });

  it('#24: samples the offsets a strobe set while it ran, not only the offsets it left behind', () => {
    // A strobe of n1 (at offset 7) by δ = 500 ms, recorded by the clock nemesis with its flips.
    const samples = [{ atMs: 0, high: true }, { atMs: 0.4, high: false }, { atMs: 0.8, high: true }, { atMs: 1.2, high: false }];
    const h = new HistoryBuilder()
      .call('nemesis', 'strobe-clock', 'one').ret('nemesis', 'info', { nodes: ['n1'], deltaMs: 500, periodMs: 0.4, durationMs: 1.6, flips: 4, offsets: { n1: 7 }, samples })
      .call(0, 'read', null).ret(0, 'ok', 1)
      .ops;
    const n1 = analyze(h, DECLARED).clock.filter((r) => r.node === 'n1');
    expect(n1.map((r) => r.offsetMs)).toEqual([0, 507, 7, 507, 7, 7, 7]);
    // Each flip sits at the strobe's invoke time (0 ms here) plus its own ms.
    expect(n1.slice(1, 5).map((r) => Math.round(r.t * 1e4) / 10)).toEqual([0, 0.4, 0.8, 1.2]);
  });

  it('counts completions per f, and invocations that never completed', () => {
    const h = new HistoryBuilder().call(0, 'write', 1).ret(0, 'ok').call(1, 'write', 2).ret(1, 'info')
      .call(2, 'read', null).ret(2, 'fail').call(3, 'read', null).ops;
    expect(analyze(h).counts).toEqual([
      { f: 'read', invoke: 2, ok: 0, fail: 1, info: 0, pending: 1 },
      { f: 'write', invoke: 2, ok: 1, fail: 0, info: 1, pending: 0 },
    ]);
  });

  it('samples the latency scatter but keeps every failed and indeterminate op; throughput sums to the completions', () => {
    const b = new HistoryBuilder();
    for (let i = 0; i < 1000; i++) b.call(i % 5, 'write', i).ret(i % 5, i % 100 === 0 ? 'info' : i % 50 === 0 ? 'fail' : 'ok');
    const a = analyze(b.ops);
    const { points, total } = latencyPoints(a.pairs, 100);
    expect(total).toBe(1000);
    expect(points).toHaveLength(100);
    expect(points.filter((p) => p.outcome !== 'ok')).toHaveLength(20);
    const tp = throughput(a.pairs, a.endS);
    const width = tp.length > 1 ? Math.min(...tp.slice(1).map((r, i) => r.t - tp[i].t).filter((d) => d > 0)) : 1;
    expect(Math.round(tp.reduce((s, r) => s + r.rate * width, 0))).toBe(1000);
  });
});

describe('#2: throughput shows outages', () => {
  it('an empty time bucket is a zero, not left out (the step line would hold the last rate across it)', () => {
    const ops: Op[] = [];
    let i = 0;
    for (let ms = 0; ms < 30_000; ms += 100) {
      if (ms >= 20_000 && ms < 23_500) continue; // an outage: no completions at all
      ops.push({ index: i++, time: ms * 1e6, process: 0, type: 'invoke', f: 'write', value: 1 });
      ops.push({ index: i++, time: (ms + 5) * 1e6, process: 0, type: 'ok', f: 'write', value: 1 });
    }
    const a = analyze(ops);
    const tp = throughput(a.pairs, a.endS);
    const inGap = tp.filter((r) => r.outcome === 'ok' && r.t >= 20 && r.t < 23);
    expect(inGap.length).toBeGreaterThan(0);
    expect(inGap.every((r) => r.rate === 0)).toBe(true);
    expect(tp.filter((r) => r.outcome === 'ok' && r.t < 19).every((r) => r.rate > 0)).toBe(true);
  });
});
