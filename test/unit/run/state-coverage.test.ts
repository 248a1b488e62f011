/**
 * results.json's `stateCoverage`: the states a run's faults began in, read from the history alone —
 * the measure that puts `--nemesis auto` and the standard package side by side (issue 33).
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { roleHit, stateCoverage } from '../../../harness/top/run/state-coverage.js';

const FAMILIES = [
  { name: 'partition', bands: [{ name: 'partition', start: 'start-partition', stop: 'stop-partition' }] },
  { name: 'pause', bands: [{ name: 'pause', start: 'pause', stop: 'resume' }] },
  { name: 'kill', bands: [{ name: 'kill', start: 'kill-restart', stop: 'kill-restart' }] },
];

/** A history from short specs: client completions (`ok`/`fail`/`info`) and nemesis completions. */
function history(specs: ({ c: 'ok' | 'fail' | 'info' } | { n: string; hit?: [string, string][]; took?: boolean; atS?: number })[]): Op[] {
  const ops: Op[] = [];
  let t = 0;
  for (const s of specs) {
    if ('c' in s) {
      ops.push({ index: ops.length, time: t, process: 0, type: 'invoke', f: 'read', value: null });
      ops.push({ index: ops.length, time: t + 1, process: 0, type: s.c, f: 'read', value: null });
      t += 2;
      continue;
    }
    if (s.atS !== undefined) t = s.atS * 1e9;
    ops.push({ index: ops.length, time: t, process: 'nemesis', type: 'invoke', f: s.n, value: null });
    const effect = s.hit ? { took: s.took ?? true, nodes: s.hit.map(([node, role]) => ({ node, role })) } : undefined;
    ops.push({ index: ops.length, time: t + 1, process: 'nemesis', type: 'info', f: s.n, value: effect ? { effect } : null });
    t += 2;
  }
  return ops;
}

describe('stateCoverage', () => {
  it('reads each effective fault start as a state: the clients since the last start, and the faults in force with their roles', () => {
    const c = stateCoverage(history([
      { c: 'ok' }, { c: 'ok' },
      { n: 'start-partition', hit: [['n1', 'leader'], ['n2', 'follower']] },
      { c: 'info' }, { c: 'info' }, { c: 'ok' },
      { n: 'pause', hit: [['n2', 'follower']] },
      { n: 'stop-partition' },
      { c: 'ok' },
      { n: 'kill-restart', hit: [['n3', 'leader']] },
    ]), FAMILIES)!;
    // The partition began after two oks; the pause after 2 info of 3 (stuck) under the partition; the
    // kill after one ok, with the partition healed and the pause still in force.
    expect(c.stateKeys).toEqual(['ok|-', 'ok|pause:followers', 'stuck|partition:with-leader']);
    expect(c).toMatchObject({ starts: 3, states: 3, triples: 3, newStatesPerMinute: [3] });
  });

  it('skips starts that took no effect, and counts a triple once', () => {
    const c = stateCoverage(history([
      { n: 'pause', hit: [['n1', 'follower']], took: false },
      { n: 'pause', hit: [['n1', 'follower']] }, { n: 'resume' },
      { n: 'pause', hit: [['n2', 'follower']] }, { n: 'resume' },
      { c: 'ok' },
      { n: 'pause', hit: [['n2', 'leader']], atS: 75 }, { n: 'resume' },
    ]), FAMILIES)!;
    // idle|- twice with the same fault and role (one triple), then ok|- in the second minute.
    expect(c).toMatchObject({ starts: 3, states: 2, triples: 2, stateKeys: ['idle|-', 'ok|-'], newStatesPerMinute: [1, 1] });
  });

  it('is undefined when no fault took effect', () => {
    expect(stateCoverage(history([{ c: 'ok' }, { n: 'pause', hit: [['n1', 'follower']], took: false }]), FAMILIES)).toBeUndefined();
    expect(stateCoverage(history([{ c: 'ok' }]), FAMILIES)).toBeUndefined();
  });

  it('names the role a fault hit in one word', () => {
    const hit = (...roles: string[]) => roles.map((role, i) => ({ node: `n${i}`, role: role as 'leader' }));
    expect(roleHit(hit('leader'))).toBe('leader');
    expect(roleHit(hit('leader', 'follower'))).toBe('with-leader');
    expect(roleHit(hit('follower', 'follower'))).toBe('followers');
    expect(roleHit(hit('down'))).toBe('down');
    expect(roleHit(hit('none', 'follower'))).toBe('other');
    expect(roleHit([{ node: 'n1', role: 'follower', holder: true }])).toBe('holder');
  });
});
