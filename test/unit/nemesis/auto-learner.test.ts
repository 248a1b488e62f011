/**
 * The adaptive nemesis' learner (harness/middle/faults/nemesis/auto/learner.ts) and its actions
 * (actions.ts): seeded choices, the Q-learning step, novelty, and a toy world in which one action
 * keeps reaching new states — the learner, carried over a campaign, comes to prefer it.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/ground/generator/index.js';
import { actionsFor, MAX_ACTIVE, resolveAction } from '../../../harness/middle/faults/nemesis/auto/actions.js';
import { emptyLearned, Learner } from '../../../harness/middle/faults/nemesis/auto/learner.js';

const ACTIONS = ['a', 'b', 'c', 'd'];

describe('the learner', () => {
  it('makes the same choices from the same seed and table, and different ones from another seed', () => {
    const run = (seed: number): string[] => {
      const l = new Learner(emptyLearned(), createRng(seed));
      return Array.from({ length: 40 }, (_, i) => l.choose(`s${i % 3}`, ACTIONS).action);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('tries every action of a new state before repeating one (optimistic start), and says why', () => {
    const l = new Learner(emptyLearned(), createRng(1), { epsilon: 0 });
    const seen = new Set<string>();
    for (let i = 0; i < ACTIONS.length; i++) {
      const c = l.choose('s', ACTIONS);
      expect(c.reason).toMatch(/^untried in this state/);
      seen.add(c.action);
      l.update('s', c.action, 0, 's', ACTIONS);
    }
    expect(seen.size).toBe(ACTIONS.length);
    expect(l.choose('s', ACTIONS).reason).toMatch(/^best Q [\d.]+ in this state \(tried 1 time before\)/);
  });

  it('moves Q towards reward plus the discounted best of the next state', () => {
    const l = new Learner(emptyLearned(), createRng(1), { alpha: 0.5, gamma: 0.5, initial: 1 });
    l.update('s', 'a', 0, 't', ['x']);
    // 1 + 0.5 × (0 + 0.5 × 1 − 1) = 0.75
    expect(l.q('s', 'a')).toBeCloseTo(0.75, 10);
  });

  it('rewards novelty: 1 for a first visit, 1/√n after', () => {
    const l = new Learner(emptyLearned(), createRng(1));
    expect(l.visit('s')).toBe(1);
    expect(l.visit('s')).toBeCloseTo(1 / Math.sqrt(2), 10);
    expect(l.visit('s')).toBeCloseTo(1 / Math.sqrt(3), 10);
  });

  it('over a campaign, comes to prefer the action that keeps reaching new states (a toy world)', () => {
    // In state 'home', action 'explore' reaches a state never seen before; the others come back home.
    const table = emptyLearned();
    const share: number[] = [];
    let fresh = 0;
    for (let run = 0; run < 6; run++) {
      const l = new Learner(table, createRng(100 + run));
      let explored = 0;
      for (let step = 0; step < 60; step++) {
        const c = l.choose('home', ['explore', 'stay', 'wait', 'other']);
        const next = c.action === 'explore' ? `new${fresh++}` : 'home';
        l.update('home', c.action, l.visit(next), 'home', ['explore', 'stay', 'wait', 'other']);
        if (c.action === 'explore') explored++;
      }
      share.push(explored / 60);
    }
    // Uniform choice would explore a quarter of the time; ε = 0.2 bounds it above by 0.85.
    expect(share[share.length - 1]).toBeGreaterThan(0.6);
    expect(share[share.length - 1]).toBeGreaterThanOrEqual(share[0] - 0.1);
    expect(table.runs).toBe(0); // runs is counted by the nemesis that uses a table, not the learner
  });
});

describe('the actions', () => {
  const space = { families: ['partition', 'kill', 'pause', 'clock'] as const, leaders: true, holders: false };

  it('offers starts of the families not in force, heals of those in force, and waits; no holder aims without holders', () => {
    const none = actionsFor(space, new Set());
    expect(none).toContain('kill@leader/short');
    expect(none).toContain('strobe-clock@followers/long');
    expect(none).toContain('partition@ring/long');
    expect(none).toContain('wait/short');
    expect(none.some((a) => a.includes('holders'))).toBe(false);
    expect(none.some((a) => a.startsWith('heal:'))).toBe(false);
    const one = actionsFor(space, new Set(['kill']));
    expect(one).toContain('heal:kill/short');
    expect(one.some((a) => a.startsWith('kill@'))).toBe(false);
    expect(actionsFor({ ...space, leaders: false }, new Set()).some((a) => a.includes('@leader'))).toBe(false);
    expect(actionsFor({ ...space, holders: true }, new Set())).toContain('pause@holders/long');
  });

  it(`starts nothing more while ${MAX_ACTIVE} families are in force`, () => {
    const full = actionsFor(space, new Set(['kill', 'clock']));
    expect(full.filter((a) => !a.startsWith('heal:') && !a.startsWith('wait'))).toEqual([]);
    expect(full).toEqual(['heal:kill/short', 'heal:kill/long', 'heal:clock/short', 'heal:clock/long', 'wait/short', 'wait/long']);
  });

  it('resolves to the standard families\' own ops: the leader as primaries, followers as a minority of non-leaders', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    expect(resolveAction('kill@leader/short', nodes, ['n3'])).toEqual({ family: 'kill', kind: 'start', role: 'leader', ops: [{ f: 'kill', value: 'primaries' }], waitMs: 400 });
    expect(resolveAction('pause@followers/long', nodes, ['n1']).ops).toEqual([{ f: 'pause', value: ['n2', 'n3'] }]);
    expect(resolveAction('strobe-clock@leader/long', nodes, ['n1']).ops).toEqual([{ f: 'strobe-clock', value: 'primaries' }]);
    expect(resolveAction('partition@one/short', nodes, []).ops).toEqual([{ f: 'start-partition', value: 'isolate-one' }]);
    expect(resolveAction('heal:clock/long', nodes, []).ops).toEqual([{ f: 'reset-clock', value: 'all' }]);
    expect(resolveAction('wait/long', nodes, [])).toEqual({ kind: 'wait', ops: [], waitMs: 2500 });
    expect(() => resolveAction('kill@nobody/short', nodes, [])).toThrow(/unknown action/);
  });
});
