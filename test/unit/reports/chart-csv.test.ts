/**
 * The latency chart's points are inlined as CSV (reports/charts.ts, inlineAsCsv): vega's own reader
 * must give back every row exactly, names with commas, quotes and line breaks included.
 */
import { expect, it } from 'vitest';
import { read } from 'vega';
import { inlineAsCsv } from '../../../reports/charts.js';

it('inlines rows as CSV that vega reads back to the same rows', () => {
  const rows = [
    { t: 0.000005, ms: 0.31, f: 'cas', outcome: 'fail', index: 0, process: 0 },
    { t: 1.25, ms: 1000.001, f: 'a,b "c"\nd', outcome: 'ok', index: 17, process: 3 },
    { t: 2, ms: 0.001, f: '1', outcome: 'info', index: 19, process: 12 },
  ];
  const spec = { data: [{ name: 'other', values: [{ x: 1 }] }, { name: 'points', values: rows.map((r) => ({ ...r })) }] };
  inlineAsCsv(spec, 'points', ['t', 'ms', 'index', 'process']);
  const d = spec.data[1] as unknown as { values: string; format: { type: string; parse: Record<string, string> } };
  expect(typeof d.values).toBe('string');
  expect(read(d.values, d.format)).toEqual(rows);
  // Other datasets are left alone.
  expect(spec.data[0].values).toEqual([{ x: 1 }]);
});

it('leaves rows it cannot write as CSV (nested values, missing fields) as they are', () => {
  const nested = { data: [{ name: 'points', values: [{ t: 1, v: { a: 1 } }] }] };
  expect(inlineAsCsv(structuredClone(nested), 'points', ['t'])).toEqual(nested);
  const ragged = { data: [{ name: 'points', values: [{ t: 1, f: 'x' }, { t: 2 }] }] };
  expect(inlineAsCsv(structuredClone(ragged), 'points', ['t'])).toEqual(ragged);
});
