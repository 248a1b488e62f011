/**
 * The liveness rules of a run's verdict (harness/top/run/liveness.ts): a cluster whose every node exited on
 * its own, or that served nothing after the last heal, was not tested — while nemesis kills, runs
 * without faults, and workloads without final reads keep their verdict.
 */
import { describe, expect, it } from 'vitest';
import nodePath from 'node:path';
import { readJsonlSync } from '../../../harness/ground/history/jsonl-reader.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { analyze } from '../../../reports/analysis.js';
import { faultEvents, faultSpansOf } from '../../../harness/middle/faults/nemesis/spans.js';
import { deadClusterReason, faultSpans, livenessBoundNs, livenessCheck, noOkAfterFirstFaultReason, noOkAfterHealReason } from '../../../harness/top/run/liveness.js';

const S = 1e9;
const NODES = ['n1', 'n2', 'n3'];
const BANDS = [{ name: 'partition', start: 'start-partition', stop: 'stop-partition' }];

type Row = [number, number | 'nemesis', Op['type'], string];

/** A history from [time s, process, type, f] rows. */
function hist(rows: Row[]): Op[] {
  return rows.map(([t, process, type, f], index) => ({ index, time: t * S, process, type, f, value: null }));
}

/** The rows `hist` made `ops` from, to extend a history. */
const rows = (ops: readonly Op[]): Row[] => ops.map((o) => [o.time / S, o.process as number | 'nemesis', o.type, o.f]);

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

  // Three families every 2 s, as the docker Raft test runs them: a fault's end while another holds heals nothing.
  const THREE = [BANDS[0], { name: 'pause', start: 'pause', stop: 'resume' }, { name: 'kill', start: 'kill', stop: 'start' }];

  it('the end of one fault while another still holds is no heal: the cluster is judged from the last moment no fault was in force', () => {
    // A partition ends at 9.5 s while a kill holds until 12.1 s, then a pause until 20.1 s: only fails after 8 s.
    const ops = hist([...clients(0, 7, 'ok'), [5, 'nemesis', 'invoke', 'start-partition'], [5.1, 'nemesis', 'info', 'start-partition'],
      [9, 'nemesis', 'invoke', 'kill'], [9.1, 'nemesis', 'info', 'kill'], [9.4, 'nemesis', 'invoke', 'stop-partition'], [9.5, 'nemesis', 'info', 'stop-partition'],
      [12, 'nemesis', 'invoke', 'start'], [12.1, 'nemesis', 'info', 'start'], [12.1, 'nemesis', 'invoke', 'pause'], [12.2, 'nemesis', 'info', 'pause'],
      [20, 'nemesis', 'invoke', 'resume'], [20.1, 'nemesis', 'info', 'resume'], ...clients(8, 16, 'fail')]);
    // Before: 9.5 s (the partition's end) with 6.5 s of client ops after it counted as a heal the cluster ignored.
    expect(noOkAfterHealReason(ops, THREE, 5 * S)).toBeUndefined();
    // In force from each start op's invocation (its record does not say when), as the report shades it.
    expect(faultSpans(ops, THREE).map((s) => [s.from / S, s.to / S])).toEqual([[5, 9.5], [9, 12.1], [12.1, 20.1]]);
    // The same run with its clients going on failing for 5 s after every fault healed: a reason, from 20.1 s.
    const longer = hist([...rows(ops), ...clients(17, 26, 'fail')]);
    expect(noOkAfterHealReason(longer, THREE, 5 * S)).toMatch(/no client operation completed ok after the last heal at 20\.1 s \(\d+ completed otherwise over 5\.9 s\)/);
  });

  it('a heal followed by new faults is judged once clients had the bound of calm, not of wall time', () => {
    // Heal at 10.1 s; a kill from 12 s (its invocation) to 16.1 s; clients until 16 s: 6 s of wall time but 1.9 s of calm.
    const ops = hist([...clients(0, 5, 'ok'), [5, 'nemesis', 'invoke', 'pause'], [5.1, 'nemesis', 'info', 'pause'], [10, 'nemesis', 'invoke', 'resume'], [10.1, 'nemesis', 'info', 'resume'],
      [12, 'nemesis', 'invoke', 'kill'], [12.1, 'nemesis', 'info', 'kill'], [16, 'nemesis', 'invoke', 'start'], [16.1, 'nemesis', 'info', 'start'], ...clients(6, 16, 'fail')]);
    expect(noOkAfterHealReason(ops, THREE, 5 * S)).toBeUndefined();
    // Clients until 20 s: 1.9 s + 3.9 s of calm after 10.1 s, so the heal at 16.1 s (3.9 s) is not judged, and 10.1 s is.
    const more = hist([...rows(ops), ...clients(17, 20, 'fail')]);
    expect(noOkAfterHealReason(more, THREE, 5 * S)).toMatch(/after the last heal at 10\.1 s \(\d+ completed otherwise over 9\.9 s, 5\.8 s of it with no fault in force\)/);
  });

  it('a fault that reached no node, or whose start failed, was not in force', () => {
    const ops: Op[] = [
      { index: 0, time: 1 * S, process: 'nemesis', type: 'invoke', f: 'kill', value: null },
      { index: 1, time: 1.1 * S, process: 'nemesis', type: 'info', f: 'kill', value: { result: [], effect: { took: false, nodes: [] } } },
      { index: 2, time: 2 * S, process: 'nemesis', type: 'invoke', f: 'pause', value: null },
      { index: 3, time: 2.1 * S, process: 'nemesis', type: 'info', f: 'pause', value: null, error: 'no container' },
      { index: 4, time: 3 * S, process: 'nemesis', type: 'invoke', f: 'start-partition', value: null },
      { index: 5, time: 3.5 * S, process: 'nemesis', type: 'info', f: 'start-partition', value: { effect: { took: true, nodes: [{ node: 'n1', role: 'none' }], inForceAfterMs: 100 } } },
    ];
    expect(faultSpans(ops, THREE)).toEqual([{ from: 3.1 * S, to: Infinity }]);
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
  it('the bundled Raft in containers, partition,kill,pause every 2 s (seed 8): unknown before, valid now — no heal left the cluster a quorum', () => {
    // `faultline run --target custom --env docker --image faultline/raft --start 'faultline-raft …' --workload register
    // --nemesis partition,kill,pause --nemesis-interval 2s --time-limit 14s --quiet 8s --seed 8` at load ~2: the last ok at 9.28 s;
    // the partition ended at 9.48 s while n1 and n2 were killed (9.46 s) and n3 paused; n3 resumed alone at 10.18 s;
    // n1 and n2 restarted at 11.96 s into a ring partition (11.99 s) and a pause of n1 (12.20 s), then kills, until the
    // clients' last invocation at 14.55 s. No two nodes were up, unpaused and connected for more than 30 ms after 9.46 s,
    // and the servers' logs show n2 elected 0.14 s after the final restart at 16.67 s.
    const ops = readJsonlSync(nodePath.join(import.meta.dirname, '../../fixtures/liveness/raft-docker-overlapping-faults.jsonl'));
    const bands = [BANDS[0], { name: 'pause', start: 'pause', stop: 'resume' }, { name: 'kill', start: 'kill', stop: 'start' }];
    const spans = faultSpans(ops, bands);
    expect(spans.some((s) => s.from <= 9.482e9 && 9.482e9 < s.to)).toBe(true);
    // The verdict counts the stretches the report shades, one for one.
    const shaded = analyze(ops, bands).bands.map((b) => [b.fault, b.start.toFixed(6), b.end.toFixed(6)]);
    expect(shaded.length).toBeGreaterThan(5);
    expect(faultSpansOf(faultEvents(ops), bands, 1e6).map((x) => [x.fault, (x.from / 1e9).toFixed(6), ((x.to ?? ops[ops.length - 1].time) / 1e9).toFixed(6)])).toEqual(shaded);
    expect(noOkAfterHealReason(ops, bands, livenessBoundNs(2))).toBeUndefined();
    expect(livenessCheck({ ops, bands, nodes: NODES, exits: [], endNs: ops[ops.length - 1].time, faultIntervalS: 2 })).toBeUndefined();
  });

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
