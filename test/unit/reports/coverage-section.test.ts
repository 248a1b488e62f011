/** The report's "Coverage over time" (issue 33, part 4): new states per minute, auto beside standard. */
import { describe, expect, it } from 'vitest';
import { coverageOverTime } from '../../../reports/sections.js';

describe('coverageOverTime', () => {
  it('is empty for a run without a fault that took effect', () => {
    expect(coverageOverTime(undefined)).toBe('');
    expect(coverageOverTime({ valid: true })).toBe('');
  });

  it('draws one row per minute of the fault-start states', () => {
    const html = coverageOverTime({ stateCoverage: { starts: 9, states: 5, triples: 7, newStatesPerMinute: [4, 0, 1] } });
    expect(html).toContain('9 fault starts began in 5 distinct states and tried 7');
    expect(html.match(/<tr><td>\d<\/td>/g)).toEqual(['<tr><td>1</td>', '<tr><td>2</td>', '<tr><td>3</td>']);
    expect(html).not.toContain('(auto)');
  });

  it('puts the adaptive nemesis\'s own states beside them, over the longer of the two', () => {
    const html = coverageOverTime({
      stateCoverage: { starts: 3, states: 2, triples: 3, newStatesPerMinute: [2] },
      auto: { decisions: 20, states: 8, triples: 9, newStatesPerMinute: [6, 2] },
    });
    expect(html).toContain('new abstract states (auto)');
    expect(html).toContain('<tr><td>1</td><td class="num">2</td><td class="num">6</td></tr>');
    expect(html).toContain('<tr><td>2</td><td class="num">0</td><td class="num">2</td></tr>');
    expect(html).toContain('20 decisions and reached 8 distinct abstract states');
  });
});
