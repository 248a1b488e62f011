import { describe, expect, it } from 'vitest';
import { checkUniqueIds } from '../../../checkers/unique-ids.js';
import { history, type Row } from './history.js';

const gen = (p: number, id: unknown, type: 'ok' | 'fail' | 'info' = 'ok', node?: string): Row[] =>
  [[p, 'invoke', 'generate'], [p, type, 'generate', id, node ? { node } : {}]];

describe('unique-ids checker', () => {
  it.each([
    { name: 'distinct ids', rows: [...gen(0, 1), ...gen(1, 2), ...gen(0, 3)], valid: true, dups: 0 },
    { name: 'a repeated number', rows: [...gen(0, 1), ...gen(1, 2), ...gen(0, 1)], valid: false, dups: 1 },
    { name: 'distinct strings', rows: [...gen(0, 'n0-1'), ...gen(1, 'n1-1')], valid: true, dups: 0 },
    { name: 'the same object, keys in another order', rows: [...gen(0, { n: 'n0', c: 1 }), ...gen(1, { c: 1, n: 'n0' })], valid: false, dups: 1 },
    { name: '1 and "1" differ', rows: [...gen(0, 1), ...gen(1, '1')], valid: true, dups: 0 },
    { name: 'a failed or indeterminate generate returns no id', rows: [...gen(0, 1), ...gen(1, 1, 'fail'), ...gen(2, 1, 'info')], valid: true, dups: 0 },
    { name: 'no ops', rows: [], valid: true, dups: 0 },
  ])('$name', ({ rows, valid, dups }) => {
    const r = checkUniqueIds(history(rows));
    expect(r.valid).toBe(valid);
    expect(r.duplicatedCount).toBe(dups);
  });

  it('reports each duplicate with the ops that returned it, and the counts', () => {
    const r = checkUniqueIds(history([...gen(0, 7, 'ok', 'n0'), ...gen(1, 8), ...gen(2, 7, 'ok', 'n1'), ...gen(0, 7), ...gen(1, 9, 'info')]));
    expect(r).toMatchObject({ attempted: 5, acknowledged: 4, duplicatedCount: 1, range: [7, 8] });
    expect(r.duplicated).toEqual([{ id: 7, count: 3, ops: [{ index: 1, process: 0, node: 'n0' }, { index: 5, process: 2, node: 'n1' }, { index: 7, process: 0 }] }]);
    expect(r.reason).toMatch(/1 id\(s\) were handed out more than once/);
  });

  it('gives no range unless every id is a number', () => {
    expect(checkUniqueIds(history([...gen(0, 1), ...gen(0, 'x')])).range).toBeUndefined();
  });
});
