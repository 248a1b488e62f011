/**
 * The kafka checker against executions whose truth is known by construction: a model log run
 * serially (each op completes before the next begins), correct or with exactly one kind of bug
 * planted. Correct executions must be valid (no false alarm, whatever the gaps between offsets, the
 * poll batch sizes or the commit order); each planted bug must be reported under its own name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkKafka, type KafkaAnomaly } from '../../../checkers/kafka.js';
import { finalRead } from '../../../checkers/common.js';
import type { Op } from '../../../harness/ground/history/op.js';

type Cmd = { f: 'send'; p: number; key: number; gap: number } | { f: 'poll'; p: number; batch: number } | { f: 'commit'; p: number } | { f: 'list'; p: number };
type Bug = 'none' | 'lost' | 'dup-offset' | 'nonmono' | 'skip' | 'regress';

const KEYS = ['0', '1'];

/** Runs `cmds` serially against a model log with `bug` planted once (at the first chance after `at`). */
function simulate(cmds: Cmd[], bug: Bug, at: number): { history: Op[]; planted: boolean } {
  const history: Op[] = [];
  const log = new Map<string, [number, number][]>(KEYS.map((k) => [k, []]));
  const last = new Map<string, number>(KEYS.map((k) => [k, -1]));
  const pos = new Map<number, Map<string, number>>();
  let committed = new Map<string, number>();
  let msg = 0;
  let planted = false;
  const plant = (i: number): boolean => !planted && bug !== 'none' && i >= at && (planted = true);
  const op = (p: number, f: string, invoke: unknown, value: unknown): void => {
    history.push({ index: history.length, time: history.length, process: p, type: 'invoke', f, value: invoke });
    history.push({ index: history.length, time: history.length, process: p, type: 'ok', f, value });
  };
  cmds.forEach((c, i) => {
    const mine = pos.get(c.p) ?? new Map(KEYS.map((k) => [k, 0]));
    pos.set(c.p, mine);
    if (c.f === 'send') {
      const key = KEYS[c.key];
      const m = msg++;
      let offset = last.get(key)! + 1 + c.gap;
      if (bug === 'dup-offset' && last.get(key)! >= 0 && plant(i)) offset = last.get(key)!;
      else if (bug === 'nonmono' && last.get(key)! >= 1 && plant(i)) offset = last.get(key)! - 1 - (log.get(key)!.some(([o]) => o === last.get(key)! - 1) ? 0 : 0);
      const lose = bug === 'lost' && plant(i);
      if (!lose) {
        const l = log.get(key)!;
        l.push([offset, m]);
        l.sort((a, b) => a[0] - b[0]);
      }
      last.set(key, Math.max(last.get(key)!, offset));
      op(c.p, 'send', { key, msg: m }, { key, msg: m, offset });
    } else if (c.f === 'poll') {
      const from = Object.fromEntries(mine);
      const msgs: Record<string, [number, number][]> = {};
      for (const k of KEYS) {
        let got = log.get(k)!.filter(([o]) => o >= mine.get(k)!).slice(0, c.batch);
        if (bug === 'skip' && got.length >= 3 && plant(i)) got = [got[0], ...got.slice(2)];
        msgs[k] = got;
        if (got.length > 0) mine.set(k, got[got.length - 1][0] + 1);
      }
      op(c.p, 'poll', null, { from, msgs });
    } else if (c.f === 'commit') {
      const offsets = Object.fromEntries([...mine].filter(([, o]) => o > 0).map(([k, o]) => [k, o - 1]));
      // The last commit wins, as a plain map on the node would have it.
      committed = new Map([...committed, ...Object.entries(offsets)]);
      op(c.p, 'commit_offsets', null, offsets);
    } else {
      const listed = Object.fromEntries(committed);
      // The planted bug: the node forgets a committed offset.
      for (const k of Object.keys(listed)) if (bug === 'regress' && plant(i)) delete listed[k];
      op(c.p, 'list_committed_offsets', null, listed);
    }
  });
  // The final polls: every key whole.
  const msgs = Object.fromEntries(KEYS.map((k) => [k, log.get(k)!]));
  op(0, 'poll', finalRead('n0'), { from: Object.fromEntries(KEYS.map((k) => [k, 0])), msgs });
  return { history, planted };
}

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ f: fc.constant('send' as const), p: fc.nat(2), key: fc.nat(1), gap: fc.constantFrom(0, 0, 0, 1, 5) }) },
  { weight: 2, arbitrary: fc.record({ f: fc.constant('poll' as const), p: fc.nat(2), batch: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ f: fc.constant('commit' as const), p: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ f: fc.constant('list' as const), p: fc.nat(2) }) },
);

const EXPECT: Record<Exclude<Bug, 'none'>, KafkaAnomaly> = {
  lost: 'lost-write', 'dup-offset': 'duplicate-offset', nonmono: 'nonmonotonic-send', skip: 'poll-skip', regress: 'committed-offset-regression',
};

describe('kafka checker', () => {
  it('a correct log is valid, whatever the offset gaps, batch sizes and commit order (property)', () => {
    fc.assert(fc.property(fc.array(cmd, { minLength: 1, maxLength: 60 }), (cmds) => {
      const { history } = simulate(cmds, 'none', 0);
      const r = checkKafka(history);
      if (cmds.some((c) => c.f === 'send')) expect(r.valid, JSON.stringify(r.anomalies)).toBe(true);
      else expect(r.valid).toBe('unknown');
    }), { numRuns: 400 });
  });

  for (const [bug, anomaly] of Object.entries(EXPECT) as [Exclude<Bug, 'none'>, KafkaAnomaly][]) {
    it(`a planted ${bug} is reported as ${anomaly} (property)`, () => {
      fc.assert(fc.property(fc.array(cmd, { minLength: 20, maxLength: 80 }), fc.nat(10), (cmds, at) => {
        const { history, planted } = simulate(cmds, bug, at);
        fc.pre(planted);
        const r = checkKafka(history);
        expect(r.valid).toBe(false);
        expect(Object.keys(r.anomalies)).toContain(anomaly);
        expect(r.reason).toMatch(new RegExp(`\\d+ ${anomaly}`));
      }), { numRuns: 200 });
    });
  }

  it('a committed offset may go down by a later commit of that offset; an indeterminate commit explains it too', () => {
    const h: Op[] = [];
    const op = (p: number, f: string, type: 'ok' | 'info', value: unknown): void => {
      h.push({ index: h.length, time: h.length, process: p, type: 'invoke', f, value: null });
      h.push({ index: h.length, time: h.length, process: p, type, f, value });
    };
    op(0, 'send', 'ok', { key: '0', msg: 1, offset: 0 });
    op(0, 'poll', 'ok', { from: { 0: 0 }, msgs: { 0: [[0, 1]] } });
    op(0, 'commit_offsets', 'ok', { 0: 5 });
    op(1, 'commit_offsets', 'ok', { 0: 2 });
    op(0, 'list_committed_offsets', 'ok', { 0: 2 });
    expect(checkKafka(h).valid).toBe(true);
    op(0, 'list_committed_offsets', 'ok', { 0: 1 });
    const r = checkKafka(h);
    expect(r.valid).toBe(false);
    expect(r.anomalies['committed-offset-regression']?.count).toBe(1);
  });

  it('offsets beyond 2^53 (decimal strings in records) get unknown, never a verdict from rounded offsets', () => {
    const big = (n: bigint) => (2n ** 60n + n).toString();
    const h: Op[] = [];
    const op = (f: string, value: unknown): void => {
      h.push({ index: h.length, time: h.length, process: 0, type: 'invoke', f, value: null });
      h.push({ index: h.length, time: h.length, process: 0, type: 'ok', f, value });
    };
    op('send', { key: '0', msg: 1, offset: big(1n) });
    op('send', { key: '0', msg: 2, offset: big(2n) });
    op('poll', { from: { 0: 0 }, msgs: { 0: [[big(1n), 1], [big(2n), 2]] } });
    const r = checkKafka(h);
    expect(r.valid).toBe('unknown');
    expect(r.reason).toMatch(/beyond 2\^53/);
  });
});
