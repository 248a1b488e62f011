import { describe, expect, it } from 'vitest';
import { checkLock, holdings } from '../../../checkers/lock.js';
import type { Op } from '../../../harness/ground/history/op.js';

/** A history from compact rows: [process, type, f, value?]. Indices and times follow the order. */
function h(rows: [number, Op['type'], string, unknown?][]): Op[] {
  return rows.map(([process, type, f, value], index) => ({ index, time: index, process, type, f, value: value ?? null }));
}

describe('lock checker', () => {
  it('accepts holders that take turns', () => {
    const r = checkLock(h([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { node: 'n1' }],
      [1, 'invoke', 'acquire'],
      [0, 'invoke', 'update'], [0, 'ok', 'update', { read: null, wrote: 1 }],
      [0, 'invoke', 'release'], [1, 'ok', 'acquire', { node: 'n2' }], [0, 'ok', 'release'],
      [1, 'invoke', 'update'], [1, 'ok', 'update', { read: 1, wrote: 2 }],
      [1, 'invoke', 'release'], [1, 'ok', 'release'],
    ]));
    expect(r).toMatchObject({ valid: true, holdings: 2, overlaps: { count: 0 }, lostUpdates: { count: 0 } });
  });

  it('reports two holders whose critical sections overlap, with their nodes, and the lost update', () => {
    const r = checkLock(h([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { node: 'n1' }],
      [0, 'invoke', 'update'],
      [1, 'invoke', 'acquire'], [1, 'ok', 'acquire', { node: 'n2' }],
      [1, 'invoke', 'update'], [1, 'ok', 'update', { read: 4, wrote: 5 }],
      [0, 'ok', 'update', { read: 4, wrote: 5 }],
      [0, 'invoke', 'release'], [1, 'invoke', 'release'],
    ]));
    expect(r.valid).toBe(false);
    expect(r.overlaps.count).toBe(1);
    expect(r.overlaps.examples[0]).toMatchObject({ first: { process: 0, node: 'n1', acquired: 1, released: 8, releaseInvoked: true }, second: { process: 1, node: 'n2', acquired: 4 } });
    expect(r.lostUpdates).toEqual({ count: 1, examples: [{ read: 4, indices: [6, 7] }] });
    expect(r.reason).toMatch(/mutual exclusion violated: 1 overlapping holder pair\(s\): e\.g\. process 0 on n1 held the lock from index 1 until it released at index 8, yet process 1 on n2 acquired it at index 4/);
  });

  it('a holder that never releases holds until its last event; failed and indeterminate acquires hold nothing', () => {
    const hist = h([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire'],
      [0, 'invoke', 'update'], [0, 'info', 'update'],
      [1, 'invoke', 'acquire'], [1, 'info', 'acquire'],
      [2, 'invoke', 'acquire'], [2, 'fail', 'acquire'],
      [3, 'invoke', 'acquire'], [3, 'ok', 'acquire'],
    ]);
    expect(holdings(hist).map((x) => [x.process, x.acquired, x.released, x.releaseInvoked])).toEqual([[0, 1, 3, false], [3, 9, 9, false]]);
    expect(checkLock(hist).valid).toBe(true);
  });

  it('is unknown when no acquire succeeded', () => {
    expect(checkLock(h([[0, 'invoke', 'acquire'], [0, 'fail', 'acquire']]))).toMatchObject({ valid: 'unknown' });
  });
});
