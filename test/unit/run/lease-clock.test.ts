/**
 * Leases under clock faults (harness/top/run/lease-clock.ts): a store whose lease clock a fault cannot
 * move is reported NOT tested and its `lease-clock` verdict is unknown; a target whose lease clock
 * moves reports the skew its clock faults applied, and that skew as tolerated only when the run is valid.
 */
import { describe, expect, it } from 'vitest';
import { leaseClockLine, leaseClockOf, skewApplied } from '../../../harness/top/run/lease-clock.js';
import type { Op } from '../../../harness/ground/history/op.js';

let index = 0;
const nem = (f: string, value: unknown, error?: string): Op => ({ index: index++, time: index * 1e6, process: 'nemesis', type: 'info', f, value, ...(error ? { error } : {}) }) as Op;

const history: Op[] = [
  nem('bump-clock', { offsets: { n1: -1500, n2: 40 } }),
  nem('reset-clock', { offsets: { n1: 0, n2: 0 } }),
  nem('strobe-clock', { nodes: ['n3'], deltaMs: 900, periodMs: 10, durationMs: 1000, flips: 100, offsets: { n3: 200 } }),
  // A bump that failed never moved a clock; a strobe that never flipped did not either.
  nem('bump-clock', { offsets: { n4: 99_999 } }, 'bump-clock: n4 refused'),
  nem('strobe-clock', { nodes: ['n5'], deltaMs: 50_000, flips: 0, offsets: { n5: 0 } }),
];

describe('leases under clock faults', () => {
  it('measures the skew the clock faults applied', () => {
    expect(skewApplied(history)).toEqual({ bumps: 1, strobes: 1, maxBumpMs: 1500, maxStrobeMs: 1100 });
  });

  it('says nothing when no clock fault was asked for, or the workload has no lease', () => {
    expect(leaseClockOf({ requested: ['pause'], leaseClock: { skewable: false, why: 'x' }, history, valid: true })).toEqual({});
    expect(leaseClockOf({ requested: ['clock'], leaseClock: undefined, history, valid: true })).toEqual({});
  });

  it('reports a lease no clock fault can reach as NOT tested, and its verdict unknown (never green)', () => {
    const why = 'etcd is a Go binary, which reads the clock through the vDSO';
    const r = leaseClockOf({ requested: ['clock', 'pause'], leaseClock: { skewable: false, why }, history, valid: true });
    expect(r.record).toMatchObject({ tested: false });
    expect(r.record?.note).toContain('NOT tested under clock faults');
    expect(r.record?.note).toContain(why);
    expect(r.record?.toleratedSkewMs).toBeUndefined();
    expect(r.check?.valid).toBe('unknown');
    expect(leaseClockLine(r.record!)).toMatch(/^leases under clock faults: NOT tested/);
  });

  it('with the standard package (clock where supported), says NOT tested but does not make the run unknown', () => {
    const r = leaseClockOf({ requested: ['standard'], leaseClock: { skewable: false, why: 'ZooKeeper times session expiry on a monotonic clock' }, history, valid: true });
    expect(r.record).toMatchObject({ tested: false });
    expect(r.check).toBeUndefined();
  });

  it('reports the skew a movable lease clock tolerated, only when the run is valid', () => {
    const lc = { skewable: true as const, lease: 'the read lease' };
    const ok = leaseClockOf({ requested: ['clock'], leaseClock: lc, history, valid: true });
    expect(ok.check).toBeUndefined();
    expect(ok.record).toMatchObject({ tested: true, bumps: 1, strobes: 1, toleratedSkewMs: 1500 });
    expect(leaseClockLine(ok.record!)).toContain('tolerated skew up to 1500 ms');
    const broken = leaseClockOf({ requested: ['clock'], leaseClock: lc, history, valid: false });
    expect(broken.record?.tested).toBe(true);
    expect(broken.record?.toleratedSkewMs).toBeUndefined();
    expect(leaseClockLine(broken.record!)).toContain('not shown tolerant');
    // Clock faults asked for but none moved a clock: not tested, unknown.
    const none = leaseClockOf({ requested: ['clock'], leaseClock: lc, history: [], valid: true });
    expect(none.record?.tested).toBe(false);
    expect(none.check?.valid).toBe('unknown');
  });
});
