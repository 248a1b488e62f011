import { describe, expect, it } from 'vitest';
import { checkStats } from '../../../checkers/stats.js';
import { history } from './history.js';

describe('stats checker', () => {
  it('counts completions per f and overall', () => {
    const r = checkStats(history([
      [0, 'invoke', 'read'], [0, 'ok', 'read', 1],
      [1, 'invoke', 'write', 2], [1, 'info', 'write', 2],
      [0, 'invoke', 'write', 3], [0, 'ok', 'write', 3],
      [0, 'invoke', 'read'], [0, 'fail', 'read'],
      ['nemesis', 'invoke', 'kill'], ['nemesis', 'info', 'kill'],
      [4, 'invoke', 'read'],
    ]));
    expect(r).toEqual({
      valid: true, checker: 'stats', count: 4, okCount: 2, failCount: 1, infoCount: 1, unfinished: 1,
      byF: {
        read: { valid: true, count: 2, okCount: 1, failCount: 1, infoCount: 0 },
        write: { valid: true, count: 2, okCount: 1, failCount: 0, infoCount: 1 },
      },
    });
  });

  it('fails when some f never succeeded, as Jepsen does', () => {
    const r = checkStats(history([[0, 'invoke', 'read'], [0, 'ok', 'read', 1], [0, 'invoke', 'cas', [1, 2]], [0, 'fail', 'cas', [1, 2]]]));
    expect(r.valid).toBe(false);
    expect(r.byF.cas.valid).toBe(false);
    expect(r.reason).toMatch(/no cas ever succeeded/);
  });

  it('is valid (vacuously) for a history without client ops', () => {
    expect(checkStats(history([['nemesis', 'invoke', 'kill'], ['nemesis', 'info', 'kill']]))).toMatchObject({ valid: true, count: 0, byF: {} });
  });
});
