/**
 * Report bands only where a fault took effect (issue 24): a start op whose record says it reached no
 * node (a pause of primaries that returned [], a clock strobe with nodes: []) or that failed is not
 * shaded; one that reached nodes is, labelled with them and their roles. A history from before the
 * record keeps its bands.
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { analyze } from '../../../reports/analysis.js';
import { buildCharts } from '../../../reports/charts.js';

const S = 1e9;
const nem = (rows: [number, Op['type'], string, unknown, unknown?][]): Op[] =>
  rows.map(([t, type, f, value, error], index) => ({ index, time: t * S, process: 'nemesis', type, f, value, ...(error === undefined ? {} : { error }) }));
const BANDS = [{ name: 'pause', start: 'pause', stop: 'resume' }, { name: 'clock strobe', start: 'strobe-clock', stop: 'strobe-clock' }];

describe('fault bands', () => {
  it('are drawn only for faults that took effect, labelled with the nodes and roles hit', () => {
    const history = nem([
      [1, 'invoke', 'pause', 'primaries'], [1.1, 'info', 'pause', { result: [], effect: { took: false, nodes: [] } }],
      [3, 'invoke', 'resume', 'all'], [3.1, 'info', 'resume', { result: [] }],
      [4, 'invoke', 'strobe-clock', null], [6, 'info', 'strobe-clock', { nodes: [], flips: 3, effect: { took: false, nodes: [] } }],
      [7, 'invoke', 'pause', 'one'], [7.1, 'info', 'pause', 'one', 'pause failed on n1: timeout'],
      [8, 'invoke', 'resume', 'all'], [8.1, 'info', 'resume', { result: [] }],
      [9, 'invoke', 'pause', 'primaries'], [9.1, 'info', 'pause', { result: ['n1'], effect: { took: true, nodes: [{ node: 'n1', role: 'leader' }, { node: 'n2', role: 'none' }] } }],
      [11, 'invoke', 'resume', 'all'], [11.1, 'info', 'resume', { result: ['n1'] }],
    ]);
    const a = analyze(history, BANDS);
    expect(a.bands.map((b) => [b.fault, b.start, b.end, b.hit])).toEqual([['pause', 9, 11.1, 'n1 (leader), n2']]);
    const spec = JSON.stringify(buildCharts(a, undefined).find((c) => c.id === 'nemesis')?.spec);
    expect(spec).toContain('n1 (leader), n2');
    expect(spec).toContain('"text"');
  });

  it('start when the record says the fault was in force, not when its op began (a slow health probe came first)', () => {
    const history = nem([
      [1, 'invoke', 'pause', 'holders'], [4.5, 'info', 'pause', { result: ['n1'], effect: { took: true, nodes: [{ node: 'n1', role: 'leader' }], inForceAfterMs: 3000 } }],
      [14.5, 'invoke', 'resume', 'all'], [14.6, 'info', 'resume', { result: ['n1'] }],
      // A figure past the op's completion (clocks disagree) is held to the completion.
      [20, 'invoke', 'pause', 'one'], [20.1, 'info', 'pause', { result: ['n2'], effect: { took: true, nodes: [{ node: 'n2', role: 'none' }], inForceAfterMs: 900 } }],
      [30, 'invoke', 'resume', 'all'], [30.1, 'info', 'resume', { result: ['n2'] }],
    ]);
    expect(analyze(history, BANDS).bands.map((b) => [b.start, b.end])).toEqual([[4, 14.6], [20.1, 30.1]]);
  });

  it('a history without fault records keeps its bands', () => {
    const a = analyze(nem([[1, 'invoke', 'pause', 'one'], [1.1, 'info', 'pause', ['n1']], [3, 'invoke', 'resume', 'all'], [3.1, 'info', 'resume', ['n1']]]), BANDS);
    expect(a.bands.map((b) => [b.fault, b.start, b.end])).toEqual([['pause', 1, 3.1]]);
  });
});
