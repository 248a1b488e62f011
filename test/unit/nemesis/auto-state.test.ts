/** The adaptive nemesis' abstract state and coverage measure (harness/middle/faults/nemesis/auto/abstract-state.ts). */
import { describe, expect, it } from 'vitest';
import { abstractState, Coverage, leaderWord, outcomeWord, windowOf } from '../../../harness/middle/faults/nemesis/auto/abstract-state.js';

describe('leadership as the abstract state sees it', () => {
  it('tells no leader, one stable, a new one, several, and a target that names none', () => {
    expect(leaderWord(undefined, undefined)).toBe('unknown');
    expect(leaderWord([], ['n1'])).toBe('none');
    expect(leaderWord(['n1'], undefined)).toBe('stable');
    expect(leaderWord(['n1'], ['n1'])).toBe('stable');
    expect(leaderWord(['n2'], ['n1'])).toBe('changed');
    expect(leaderWord(['n2'], [])).toBe('changed');
    expect(leaderWord(['n1', 'n2'], ['n1'])).toBe('split');
  });
});

describe('client outcomes per window', () => {
  it('buckets by the share left indeterminate, not by definite failures', () => {
    expect(outcomeWord({ ok: 0, fail: 0, info: 0 })).toBe('idle');
    // A cas that found another value fails in a healthy cluster: still ok.
    expect(outcomeWord({ ok: 50, fail: 50, info: 0 })).toBe('ok');
    expect(outcomeWord({ ok: 91, fail: 0, info: 9 })).toBe('ok');
    expect(outcomeWord({ ok: 90, fail: 0, info: 10 })).toBe('slow');
    expect(outcomeWord({ ok: 10, fail: 0, info: 10 })).toBe('stuck');
  });

  it('takes the window as the difference of two cumulative readings', () => {
    expect(windowOf({ ok: 10, fail: 4, info: 3 }, { ok: 7, fail: 4, info: 1 })).toEqual({ ok: 3, fail: 0, info: 2 });
  });
});

describe('the abstract state', () => {
  it('joins leadership, outcomes and the faults in force (sorted, so the order they started in does not matter)', () => {
    const s1 = abstractState({ leaders: ['n1'], previousLeaders: ['n1'], window: { ok: 5, fail: 0, info: 0 }, active: { pause: 'leader', clock: 'followers' } });
    const s2 = abstractState({ leaders: ['n3'], previousLeaders: ['n3'], window: { ok: 9, fail: 1, info: 0 }, active: { clock: 'followers', pause: 'leader' } });
    expect(s1).toBe('stable|ok|clock:followers+pause:leader');
    expect(s2).toBe(s1);
    expect(abstractState({ leaders: [], window: { ok: 0, fail: 0, info: 4 }, active: {} })).toBe('none|stuck|-');
  });
});

describe('coverage', () => {
  it('counts distinct states and (state × fault × role) triples, and new states per minute', () => {
    const c = new Coverage();
    expect(c.visit('a', 1)).toBe(true);
    expect(c.visit('a', 2)).toBe(false);
    expect(c.visit('b', 59.9)).toBe(true);
    expect(c.visit('c', 61)).toBe(true);
    expect(c.visit('d', 185)).toBe(true);
    expect(c.stateCount).toBe(4);
    expect(c.visitsOf('a')).toBe(2);
    expect(c.perMinute()).toEqual([2, 1, 0, 1]);
    expect(c.tried('a', 'kill', 'leader')).toBe(true);
    expect(c.tried('a', 'kill', 'leader')).toBe(false);
    expect(c.tried('a', 'kill', 'followers')).toBe(true);
    expect(c.tripleCount).toBe(2);
  });
});
