/**
 * withoutEvents: the history a reader of invoke/completion pairs reads (op.ts), made once per
 * history however many checkers ask, and made again when the history grew.
 */
import { describe, expect, it } from 'vitest';
import { runChecker } from '../../../checkers/compose.js';
import { withoutEvents, type Op } from '../../../harness/ground/history/op.js';

const op = (index: number, type: Op['type'], process = 0): Op => ({ index, time: index, process, type, f: type === 'event' ? 'event' : 'read', value: null });

describe('withoutEvents', () => {
  it('drops the event records, keeps every other record in order, and returns a history without events as is', () => {
    const h = [op(0, 'invoke'), op(1, 'event'), op(2, 'ok'), op(3, 'event'), op(4, 'invoke', 1), op(5, 'info', 1)];
    expect(withoutEvents(h).map((o) => o.index)).toEqual([0, 2, 4, 5]);
    const plain = h.filter((o) => o.type !== 'event');
    expect(withoutEvents(plain)).toBe(plain);
  });

  it('filters a history once for every checker that reads it, and again after the history grew', async () => {
    const h = [op(0, 'invoke'), op(1, 'event'), op(2, 'ok')];
    const seen: (readonly Op[])[] = [];
    const spy = { name: 'spy', check: (x: readonly Op[]) => { seen.push(x); return { valid: true as const }; } };
    await runChecker(spy, h, {});
    await runChecker(spy, h, {});
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0].map((o) => o.index)).toEqual([0, 2]);
    h.push(op(3, 'event'), op(4, 'invoke'), op(5, 'ok'));
    await runChecker(spy, h, {});
    expect(seen[2].map((o) => o.index)).toEqual([0, 2, 4, 5]);
  });
});
