/** The report's watch section: one lane per watcher, violations as dots with their class, the lag chart. */
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, parseWatchHistory } from '../../../checkers/watch/index.js';
import { watchSection } from '../../../reports/watch-lanes.js';
import { generate, toOps } from '../watch/gen.js';
import { INJECTIONS } from '../watch/inject.js';

describe('watch lanes', () => {
  it('draws a lane per watcher, the violation where it was seen, fault bands and the lag chart', () => {
    const ops = toOps(INJECTIONS.duplicate(generate({ commits: 30, watchers: 2, seed: 9 }), 0)!);
    const r = checkWatchHistory(parseWatchHistory(ops));
    const html = watchSection(ops, [{ fault: 'partition', start: 0.001, end: 0.002, detail: 'halves' }], r);
    expect(html).toContain('<section id="watch">');
    expect(html).toContain('>w0 (n1)<');
    expect(html).toContain('>w1 (n2)<');
    expect(html).toMatch(/<circle[^>]*fill="#ff7f0e"><title>duplicate revisions/);
    expect(html).toContain('partition: halves');
    expect(html).toContain('Delivery lag');
  });
  it('is empty for a run without a watch checker', () => {
    expect(watchSection([], [], undefined)).toBe('');
  });
});
