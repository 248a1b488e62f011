/**
 * The liveness rules of a run's verdict (harness/top/run/liveness.ts): a cluster whose every node exited on
 * its own, or that served nothing after the last heal, was not tested — while nemesis kills, runs
 * without faults, and workloads without final reads keep their verdict.
 */
import { describe, expect, it } from 'vitest';
import nodePath from 'node:path';
import { readJsonlSync } from '../../../harness/ground/history/jsonl-reader.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { deadClusterReason, livenessBoundNs, livenessCheck, noOkAfterFirstFaultReason, noOkAfterHealReason } from '../../../harness/top/run/liveness.js';

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

describe('no client op completed ok after the first fault', () => {
  const DISK = [{ name: 'disk', start: 'disk', stop: 'disk-restart' }];
  it('a disk fault whose restarts refuse (measured on ZooKeeper, seed 1): oks before it, none after, the heals too: a reason', () => {
    // The shape of a real run: every node lost its unsynced snapshot; each restart left one node up
    // without quorum, so the heal rule (a heal then the bound of client ops) never applied.
    const ops = hist([...clients(0, 5, 'ok'), [6, 'nemesis', 'invoke', 'disk'], [6.2, 'nemesis', 'info', 'disk'], ...clients(7, 24, 'fail'),
      [12, 'nemesis', 'invoke', 'disk-restart'], [25, 'nemesis', 'info', 'disk-restart'], ...clients(26, 28, 'fail')]);
    expect(noOkAfterHealReason(ops, DISK, 5 * S)).toBeUndefined();
    expect(noOkAfterFirstFaultReason(ops, DISK, 5 * S)).toMatch(/no client operation completed ok after the first fault took effect at 6\.2 s \(21 completed otherwise over 21\.8 s\)/);
    expect(livenessCheck({ ops, bands: DISK, nodes: NODES, exits: [], endNs: 30 * S, faultIntervalS: 2 })?.valid).toBe('unknown');
  });

  it('one ok after the first fault (a final read): no reason', () => {
    const ops = hist([[6, 'nemesis', 'invoke', 'disk'], [6.2, 'nemesis', 'info', 'disk'], ...clients(0, 24, 'fail'), [29, 0, 'invoke', 'read'], [29.5, 0, 'ok', 'read']]);
    expect(noOkAfterFirstFaultReason(ops, DISK, 5 * S)).toBeUndefined();
  });

  it('a first fault followed by less than the bound of client ops is not judged', () => {
    const ops = hist([...clients(0, 27, 'ok'), [27.5, 'nemesis', 'invoke', 'disk'], [27.6, 'nemesis', 'info', 'disk'], ...clients(28, 30, 'fail')]);
    expect(noOkAfterFirstFaultReason(ops, DISK, 5 * S)).toBeUndefined();
  });

  it('a run without faults has no first fault', () => {
    expect(noOkAfterFirstFaultReason(hist(clients(0, 30, 'fail')), DISK, 5 * S)).toBeUndefined();
  });
});

describe('event records (watch deliveries) complete nothing', () => {
  /** The rows with an event of process 0 every half second from `from` to `to` s, in time order. */
  const withEvents = (rows: [number, number | 'nemesis', Op['type'], string][], from: number, to: number): [number, number | 'nemesis', Op['type'], string][] => {
    const evs: [number, number, Op['type'], string][] = [];
    for (let t = from; t <= to; t += 0.5) evs.push([t + 0.05, 0, 'event', 'event']);
    return [...rows, ...evs].sort((a, b) => a[0] - b[0]);
  };
  it('after the first fault: neither an ok nor counted among the ops that completed otherwise', () => {
    const rows: [number, number | 'nemesis', Op['type'], string][] = [...clients(0, 5, 'ok'), [6, 'nemesis', 'invoke', 'disk'], [6.2, 'nemesis', 'info', 'disk'], ...clients(7, 24, 'fail'),
      [12, 'nemesis', 'invoke', 'disk-restart'], [25, 'nemesis', 'info', 'disk-restart'], ...clients(26, 28, 'fail')];
    expect(noOkAfterFirstFaultReason(hist(withEvents(rows, 0, 28)), [{ name: 'disk', start: 'disk', stop: 'disk-restart' }], 5 * S))
      .toMatch(/after the first fault took effect at 6\.2 s \(21 completed otherwise over 21\.8 s\)/);
  });
  it('after the last heal: neither an ok nor counted among the ops that completed otherwise', () => {
    const rows: [number, number | 'nemesis', Op['type'], string][] = [...clients(0, 9, 'ok'), [10, 'nemesis', 'invoke', 'start-partition'], [10.1, 'nemesis', 'info', 'start-partition'],
      [12, 'nemesis', 'invoke', 'stop-partition'], [12.1, 'nemesis', 'info', 'stop-partition'], ...clients(10, 30, 'fail')];
    const plain = noOkAfterHealReason(hist(rows), BANDS, 5 * S);
    expect(plain).toMatch(/last heal at 12\.1 s \(19 completed otherwise/);
    expect(noOkAfterHealReason(hist(withEvents(rows, 0, 30)), BANDS, 5 * S)).toBe(plain);
  });
});

describe('on a real run', () => {
  it('ZooKeeper, lose-unfsynced on every node (seed 1): green before the rule, unknown now', () => {
    // `faultline run --target zookeeper --nemesis disk --nemesis-interval 5s --disk-faults lose-unfsynced
    // --time-limit 30s --seed 1`: every server lost its unsynced snapshot.0; n4 came back, the other four
    // refused every restart ("No snapshot found, but there are log entries"), so no quorum served again.
    // Not every node was down, so the dead-cluster rule cannot see it; no band ended in a serving cluster.
    const ops = readJsonlSync(nodePath.join(import.meta.dirname, '../../fixtures/liveness/zk-lose-unfsynced-quorumless.jsonl'));
    const bands = [{ name: 'disk', start: 'disk', stop: 'disk-restart' }];
    expect(ops.some((op) => op.process !== 'nemesis' && op.type === 'ok')).toBe(true);
    expect(noOkAfterHealReason(ops, bands, livenessBoundNs(5))).toBeUndefined();
    const r = livenessCheck({ ops, bands, nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], exits: [], endNs: ops[ops.length - 1].time, faultIntervalS: 5 });
    expect(r?.valid).toBe('unknown');
    expect(String(r?.reason)).toMatch(/no client operation completed ok after the first fault took effect at 22\.0 s/);
  });
});
