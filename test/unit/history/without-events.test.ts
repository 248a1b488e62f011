/**
 * withoutEvents: the history a reader of invoke/completion pairs reads (op.ts), made once per
 * history however many checkers ask, and made again when the history grew.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runChecker } from '../../../checkers/compose.js';
import { lockChecker } from '../../../checkers/lock.js';
import { statsChecker } from '../../../checkers/stats.js';
import { analyze } from '../../../reports/analysis.js';
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

  // runChecker is the one place events are dropped for the pairing checkers (their loops do not skip
  // them), and analyze() skips them for the report: events inserted anywhere, under any process,
  // change neither (they keep indices of their own, so the other records keep theirs).
  it('the pairing checkers through runChecker, and the report\'s analysis, judge a history with events anywhere as the one without', async () => {
    const rows: [number, Op['type'], string, unknown][] = [
      [0, 'invoke', 'acquire', null], [0, 'ok', 'acquire', { node: 'n1' }], [1, 'invoke', 'acquire', null],
      [0, 'invoke', 'update', null], [0, 'ok', 'update', { read: null, wrote: 1 }], [0, 'invoke', 'release', null],
      [1, 'ok', 'acquire', { node: 'n2' }], [0, 'ok', 'release', null], [1, 'invoke', 'update', null],
      [1, 'info', 'update', null], [2, 'invoke', 'release', null], [2, 'fail', 'release', null],
    ];
    const base: Op[] = rows.map(([process, type, f, value], index) => ({ index, time: index * 1000, process, type, f, value }));
    const want = { lock: await runChecker(lockChecker(), base, {}), stats: await runChecker(statsChecker(), base, {}), analysis: analyze(base) };
    expect(want.lock.valid).toBe(true);
    await fc.assert(fc.asyncProperty(fc.array(fc.record({ at: fc.nat(base.length), process: fc.constantFrom(0, 1, 2) }), { minLength: 1, maxLength: 10 }), async (inserts) => {
      const h = [...base];
      inserts.forEach(({ at, process }, k) => h.splice(Math.min(at, h.length), 0, { index: 100 + k, time: (h[Math.min(at, h.length) - 1]?.time ?? 0), process, type: 'event', f: 'event', value: { kind: 'put' } }));
      expect(await runChecker(lockChecker(), h, {})).toEqual(want.lock);
      expect(await runChecker(statsChecker(), h, {})).toEqual(want.stats);
      const a = analyze(h);
      expect({ pairs: a.pairs, counts: a.counts }).toEqual({ pairs: want.analysis.pairs, counts: want.analysis.counts });
    }), { numRuns: 100 });
  });
});
