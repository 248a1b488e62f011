/**
 * The report shows the writes fencing rejected (issue 28): a fenced-lock result's `rejectedWrites`
 * become a table under the checker, each history index a link to its row in the history table.
 */
import { describe, expect, it } from 'vitest';
import { checkFencedLock } from '../../../checkers/fenced-lock.js';
import { checkerDetails } from '../../../reports/checker-details.js';
import { history } from '../checkers/history.js';

describe('fenced-lock in the report', () => {
  it('lists each write fencing rejected, linked to the history', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 5 }],
      [0, 'invoke', 'write', { token: 5 }], [0, 'ok', 'write', { token: 5, seq: 1 }],
      [1, 'invoke', 'acquire'], [1, 'ok', 'acquire', { token: 9 }],
      [1, 'invoke', 'write', { token: 9 }], [1, 'ok', 'write', { token: 9, seq: 2 }],
      // Process 0, paused past its lease, comes back and writes with its stale token twice.
      [0, 'invoke', 'write', { token: 5 }], [0, 'fail', 'write', { token: 5, rejected: true, highest: 9 }],
      [0, 'invoke', 'write', { token: 5 }], [0, 'fail', 'write', { token: 5, rejected: true, highest: 9 }],
    ]));
    expect(r.valid).toBe(true);
    const html = checkerDetails('fenced-lock', r);
    expect(html).toContain('<h4>rejected writes: 2</h4>');
    expect(html).toContain('href="#op-9"');
    expect(html).toContain('href="#op-11"');
    // Not drawn as a violation: fencing did its job.
    expect(html).not.toMatch(/class="anomaly">rejected/);
  });

  it('says none were rejected when fencing is off', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 5 }],
      [0, 'invoke', 'write', { token: 5 }], [0, 'ok', 'write', { token: 5, seq: 1 }],
    ]));
    expect(r.rejectedWrites).toEqual([]);
    expect(checkerDetails('fenced-lock', r)).toMatch(/<th>rejected<\/th><td>0<\/td>/);
  });
});
