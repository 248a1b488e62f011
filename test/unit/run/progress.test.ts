/**
 * #12: the progress line shows every active fault (clock too), not a kill that hit nobody, and past
 * the time limit what the run is doing instead of "0s left".
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { buildFaults } from '../../../harness/middle/faults/nemesis/index.js';
import { bandTracker, Progress, trackOp as track } from '../../../harness/top/run/progress.js';
import { fakeTarget } from '../nemesis/fake-target.js';

/** The bands the real partition, kill, pause and clock packages declare: the one source the line reads. */
const tracker = bandTracker(buildFaults(['partition', 'kill', 'pause', 'clock'], fakeTarget()).packages.flatMap((p) => p.bands));
const trackOp = (p: Progress, op: Op, pastLimit: boolean, quietS: number): void => track(p, op, pastLimit, quietS, tracker);

function progressAt(nowS: () => number, limitS = 10) {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WriteStream;
  // The clients start at 0 on this clock.
  let started = false;
  const p = new Progress(stream, () => (started ? nowS() : 0) * 1e9, limitS);
  p.clientsStart();
  started = true;
  const print = (): string => { (p as unknown as { print(tty: boolean): void }).print(false); return lines[lines.length - 1].trimEnd(); };
  return { p, print };
}
let i = 0;
const nem = (f: string, type: Op['type'], value: unknown, timeS = 1): Op => ({ index: i++, time: timeS * 1e9, process: 'nemesis', type, f, value });

describe('#12 the progress line', () => {
  it('shows clock faults while they last', () => {
    const { p, print } = progressAt(() => 3);
    trackOp(p, nem('bump-clock', 'info', { offsets: { n0: 500 } }), false, 5);
    expect(print()).toMatch(/faults: clock$/);
    trackOp(p, nem('reset-clock', 'info', { offsets: { n0: 0 } }), false, 5);
    expect(print()).toMatch(/faults: none$/);
    // A strobe flips clocks while its own op runs (as the report draws it), then leaves them as they were.
    trackOp(p, nem('strobe-clock', 'invoke', {}), false, 5);
    expect(print()).toMatch(/faults: clock strobe$/);
    trackOp(p, nem('strobe-clock', 'info', {}), false, 5);
    trackOp(p, nem('start-partition', 'info', 'halves'), false, 5);
    expect(print()).toMatch(/faults: partition$/);
  });

  it('does not show a kill or pause that hit no node as active', () => {
    const { p, print } = progressAt(() => 3);
    trackOp(p, nem('kill', 'info', []), false, 5);
    trackOp(p, nem('pause', 'info', []), false, 5);
    expect(print()).toMatch(/faults: none$/);
    trackOp(p, nem('kill', 'info', ['n1']), false, 5);
    expect(print()).toMatch(/faults: kill$/);
  });

  it('does not show a fault whose record says it reached no node (#24), and shows one that did', () => {
    const { p, print } = progressAt(() => 3);
    trackOp(p, nem('start-partition', 'info', { shape: 'halves', grudge: {}, effect: { took: false, nodes: [], why: 'it reached no node' } }), false, 5);
    trackOp(p, nem('kill', 'info', { result: ['n1'], effect: { took: false, nodes: [], why: 'it reached no node' } }), false, 5);
    expect(print()).toMatch(/faults: none$/);
    trackOp(p, nem('kill', 'info', { result: ['n1'], effect: { took: true, nodes: [{ node: 'n1', role: 'leader' }] } }), false, 5);
    expect(print()).toMatch(/faults: kill$/);
  });

  it('past the time limit says what the run is doing, not "0s left"', () => {
    let now = 5;
    const { p, print } = progressAt(() => now);
    expect(print()).toMatch(/5s left/);
    now = 11;
    expect(print()).not.toMatch(/0s left/);
    expect(print()).toMatch(/time limit reached: waiting for the clients' last ops/);
    trackOp(p, nem('stop-partition', 'invoke', null, 11), true, 5);
    expect(print()).toMatch(/time limit reached: healing every fault/);
    trackOp(p, nem('stop-partition', 'info', null, 11), true, 5);
    expect(print()).toMatch(/time limit reached: healed; quiet for 5s, then final reads/);
    trackOp(p, { index: i++, time: 17e9, process: 3, type: 'invoke', f: 'read', value: null }, true, 5);
    expect(print()).toMatch(/time limit reached: final reads/);
  });
});

describe('#24 the set-up phase has its own clock; elapsed and the time limit count from the clients\' start', () => {
  /** A ZooKeeper-like run: 17 s of set-up, then a 30 s time limit. The clock is injected. */
  function run() {
    let nowS = 0;
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WriteStream;
    const p = new Progress(stream, () => nowS * 1e9, 30);
    const tick = (s: number): string[] => { nowS = s; const n = lines.length; (p as unknown as { print(tty: boolean): void }).print(false); return lines.slice(n).map((l) => l.trimEnd()); };
    return { p, lines, tick, at: (s: number) => { nowS = s; } };
  }

  it('shows set-up on its own clock, then counts elapsed from the clients\' start', () => {
    const { p, tick, at, lines } = run();
    p.setupStep = 'setting up zookeeper on n1, n2, n3';
    expect(p.line()).toBe('set-up 0s: setting up zookeeper on n1, n2, n3');
    expect(tick(12)).toEqual(['set-up 12s: setting up zookeeper on n1, n2, n3']);
    at(17);
    p.clientsStart();
    expect(lines[lines.length - 1]).toBe('set-up done in 17s; clients start, time limit 30s\n');
    // 30 s after the run began the clients have run 13 s: no "time limit reached" yet.
    at(30);
    expect(p.line()).toMatch(/^13s elapsed, 17s left \|/);
    expect(p.pastLimit(30e9)).toBe(false);
    expect(p.pastLimit(46.9e9)).toBe(false);
    // The time limit is reached when the clients stop: 30 s after they started.
    at(47.2);
    expect(p.line()).toMatch(/^30s elapsed, time limit reached: /);
    expect(p.pastLimit(47e9)).toBe(true);
  });

  it('during set-up, off a TTY, prints a line every 10 s, none in the first 10 s', () => {
    const { p, tick } = run();
    p.setupStep = 'setting up etcd on n1';
    expect(tick(5)).toEqual([]);
    expect(tick(10)).toEqual(['set-up 10s: setting up etcd on n1']);
    expect(tick(15)).toEqual([]);
    expect(tick(20)).toEqual(['set-up 20s: setting up etcd on n1']);
  });

  it('never says "0s left" while clients still run', () => {
    const { p, at } = run();
    at(0);
    p.clientsStart();
    at(29.6);
    expect(p.line()).toMatch(/^29s elapsed, 1s left/);
  });
});
