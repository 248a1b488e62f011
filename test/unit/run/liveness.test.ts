/**
 * The liveness rules of a run's verdict (harness/top/run/liveness.ts): a cluster whose every node exited on
 * its own, or that served nothing after the last heal, was not tested — while nemesis kills, runs
 * without faults, and workloads without final reads keep their verdict.
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { deadClusterReason, livenessBoundNs, livenessCheck, noOkAfterHealReason } from '../../../harness/top/run/liveness.js';

const S = 1e9;
const NODES = ['n1', 'n2', 'n3'];
const BANDS = [{ name: 'partition', start: 'start-partition', stop: 'stop-partition' }];

/** A history from [time s, process, type, f] rows. */
function hist(rows: [number, number | 'nemesis', Op['type'], string][]): Op[] {
  return rows.map(([t, process, type, f], index) => ({ index, time: t * S, process, type, f, value: null }));
}

/** Client ops every second from `from` to `to` s, each completing with `type`. */
function clients(from: number, to: number, type: Op['type']): [number, number, Op['type'], string][] {
  const out: [number, number, Op['type'], string][] = [];
  for (let t = from; t <= to; t++) out.push([t, 0, 'invoke', 'read'], [t + 0.1, 0, type, 'read']);
  return out;
}

describe('the bound', () => {
  it('is max(5 s, 2 × the nemesis interval)', () => {
    expect(livenessBoundNs(1)).toBe(5 * S);
    expect(livenessBoundNs(10)).toBe(20 * S);
  });
});

describe('every node exited on its own', () => {
  it('all three gone at 9 s and never back: a reason, whatever the bound', () => {
    const exits = NODES.map((node, i) => ({ node, at: (9 + i * 0.01) * S }));
    expect(deadClusterReason(NODES, exits, 12 * S, 20 * S)).toMatch(/every node exited on its own .* at 9\.0 s and none came back before the run ended/);
  });

  it('down together for less than the bound, then one came back: no reason', () => {
    const exits = [{ node: 'n1', at: 1 * S }, { node: 'n2', at: 1 * S, back: 3 * S }, { node: 'n3', at: 1 * S }];
    expect(deadClusterReason(NODES, exits, 30 * S, 5 * S)).toBeUndefined();
  });

  it('down together past the bound, then back: a reason', () => {
    const exits = [{ node: 'n1', at: 1 * S, back: 8 * S }, { node: 'n2', at: 1 * S, back: 8 * S }, { node: 'n3', at: 1 * S, back: 8 * S }];
    expect(deadClusterReason(NODES, exits, 30 * S, 5 * S)).toMatch(/none came back for 7\.0 s/);
  });

  it('some nodes only, or exits after the run ended (teardown): no reason', () => {
    expect(deadClusterReason(NODES, [{ node: 'n1', at: 1 * S }, { node: 'n2', at: 1 * S }], 30 * S, 5 * S)).toBeUndefined();
    expect(deadClusterReason(NODES, NODES.map((node) => ({ node, at: 31 * S })), 30 * S, 5 * S)).toBeUndefined();
  });

  it('nemesis kills are not exits on their own: a kill-nemesis run has none recorded and keeps its verdict', () => {
    const ops = hist([...clients(0, 30, 'ok'), [5, 'nemesis', 'invoke', 'kill'], [5.1, 'nemesis', 'info', 'kill'], [10, 'nemesis', 'invoke', 'start'], [10.1, 'nemesis', 'info', 'start']]);
    expect(livenessCheck({ ops, bands: [{ name: 'kill', start: 'kill', stop: 'start' }], nodes: NODES, exits: [], endNs: 31 * S, faultIntervalS: 5 })).toBeUndefined();
  });
});

describe('no client op completed ok after the last heal', () => {
  it('oks before the heal, only fails after it (for longer than the bound): a reason', () => {
    const ops = hist([...clients(0, 9, 'ok'), [10, 'nemesis', 'invoke', 'start-partition'], [10.1, 'nemesis', 'info', 'start-partition'],
      [12, 'nemesis', 'invoke', 'stop-partition'], [12.1, 'nemesis', 'info', 'stop-partition'], ...clients(10, 30, 'fail')]);
    expect(noOkAfterHealReason(ops, BANDS, 5 * S)).toMatch(/no client operation completed ok after the last heal at 12\.1 s/);
    expect(livenessCheck({ ops, bands: BANDS, nodes: NODES, exits: [], endNs: 31 * S, faultIntervalS: 2 })?.valid).toBe('unknown');
  });

  it('oks after the heal: no reason', () => {
    const ops = hist([[10, 'nemesis', 'invoke', 'stop-partition'], [10.1, 'nemesis', 'info', 'stop-partition'], ...clients(0, 30, 'ok')]);
    expect(noOkAfterHealReason(ops, BANDS, 5 * S)).toBeUndefined();
  });

  it('the final heal with no client op after it (no final reads) is not judged; the heal before it is', () => {
    const ops = hist([[10, 'nemesis', 'invoke', 'stop-partition'], [10.1, 'nemesis', 'info', 'stop-partition'], ...clients(0, 30, 'ok'),
      [31, 'nemesis', 'invoke', 'stop-partition'], [31.1, 'nemesis', 'info', 'stop-partition']]);
    expect(noOkAfterHealReason(ops, BANDS, 5 * S)).toBeUndefined();
  });

  it('a heal followed by less than the bound of client ops is not judged', () => {
    const ops = hist([...clients(0, 10, 'ok'), [10, 'nemesis', 'invoke', 'stop-partition'], [10.5, 'nemesis', 'info', 'stop-partition'], ...clients(11, 13, 'fail')]);
    expect(noOkAfterHealReason(ops, BANDS, 5 * S)).toBeUndefined();
  });

  it('a run without faults is left to the no-ok-at-all rule (no heal here)', () => {
    expect(noOkAfterHealReason(hist(clients(0, 30, 'fail')), [], 5 * S)).toBeUndefined();
  });
});
