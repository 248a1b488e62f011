/**
 * The Elle checker's verdict where it cannot finish or cannot trust its inference: a spent cycle
 * budget still reports a cycle of at least some class (ruling out what every possible class rules
 * out, unknown for the rest), and appends it cannot attribute make the verdict unknown, never valid.
 */
import { describe, expect, it } from 'vitest';
import { checkElle } from '../../../checkers/elle/index.js';
import type { Op } from '../../../harness/ground/history/op.js';

function ops(events: [number, Op['type'], unknown][]): Op[] {
  return events.map(([process, type, value], index) => ({ index, time: index, process, type, f: 'txn', value }));
}

const writeSkew = ops([
  [0, 'invoke', [['r', 'x', null], ['append', 'y', 1]]], [1, 'invoke', [['r', 'y', null], ['append', 'x', 1]]],
  [0, 'ok', [['r', 'x', []], ['append', 'y', 1]]], [1, 'ok', [['r', 'y', []], ['append', 'x', 1]]],
]);

describe('Elle verdicts when the search is cut short or the data ambiguous', () => {
  it('a spent budget reports "a cycle of at least a class exists", never a silent pass', () => {
    const ser = checkElle(writeSkew, { consistencyModels: ['serializable'], budgetMs: 0 });
    expect(Object.keys(ser.anomalyTypes)).toEqual(['cycle-search-timeout']);
    expect(ser.anomalies[0].steps[0]).toMatch(/a cycle of at least class G2-item exists there/);
    // Any cycle among ww/wr/rw edges rules out serializable (and repeatable read), whatever its class.
    expect(ser.valid).toBe(false);
    expect(ser.not).toContain('serializable');
    expect(ser.not).not.toContain('snapshot-isolation');
    // Snapshot isolation allows G2-item, so with the class unknown the verdict is unknown.
    const si = checkElle(writeSkew, { consistencyModels: ['snapshot-isolation'], budgetMs: 0 });
    expect(si.valid).toBe('unknown');
    expect(si.reason).toMatch(/ran out of time/);
    // With time, the same history is found to be G2-item, which snapshot isolation allows.
    expect(checkElle(writeSkew, { consistencyModels: ['snapshot-isolation'] }).valid).toBe(true);
  });

  it('a value appended twice to a key makes the verdict unknown', () => {
    const r = checkElle(ops([
      [0, 'invoke', [['append', 'x', 1]]], [0, 'ok', [['append', 'x', 1]]],
      [1, 'invoke', [['append', 'x', 1]]], [1, 'ok', [['append', 'x', 1]]],
      [2, 'invoke', [['r', 'x', null]]], [2, 'ok', [['r', 'x', [1]]]],
    ]));
    expect(r.valid).toBe('unknown');
    expect(r.reason).toMatch(/appended to key "x" more than once/);
  });

  it('names the models ruled out and the strongest left for each class of the lattice', () => {
    const r = checkElle(writeSkew, { consistencyModels: ['read-committed', 'strict-serializable'] });
    expect(r.valid).toBe(false);
    expect(r.not).toEqual(['repeatable-read', 'serializable', 'strong-session-serializable', 'strict-serializable']);
    expect(r.strongestConsistent).toEqual(['strong-snapshot-isolation']);
  });
});
