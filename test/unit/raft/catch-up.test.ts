/**
 * Catching a new server up before the change that adds it (Raft dissertation §4.2.1): the pure
 * rounds (membership.ts) and the leader's bookkeeping of learners (leader.ts), which are sent entries
 * like members and never counted in a majority.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { additionReady, advanceCatchUp, decideChange, majorityOf, MAX_CATCH_UP_ROUNDS, startCatchUp, type CatchUp } from '../../../targets/raft/membership.js';
import { LeaderState } from '../../../targets/raft/leader.js';
import { NO_BUGS } from '../../../targets/raft/bugs.js';
import type { Entry } from '../../../targets/raft/messages.js';

const ELECTION = 1_000;

describe('catch-up rounds', () => {
  it('a round that ends within an election timeout makes the learner ready', () => {
    const c = startCatchUp('d1', 40, 0);
    expect(advanceCatchUp(c, 39, 45, 100, ELECTION)).toBe(c); // round 1 not over: 40 not held yet
    expect(advanceCatchUp(c, 40, 45, 300, ELECTION)).toMatchObject({ ready: true, round: 1 });
  });
  it('a slow round starts another, ending at the leader\'s log as it is then', () => {
    const c = advanceCatchUp(startCatchUp('d1', 40, 0), 40, 90, 1_500, ELECTION);
    expect(c).toMatchObject({ ready: false, round: 2, roundEnd: 90, roundStartMs: 1_500 });
    expect(advanceCatchUp(c, 90, 95, 1_900, ELECTION)).toMatchObject({ ready: true, round: 2 });
  });
  it('gives up after MAX_CATCH_UP_ROUNDS slow rounds, and a later request starts again', () => {
    let c: CatchUp = startCatchUp('d1', 10, 0);
    let now = 0;
    for (let r = 1; r <= MAX_CATCH_UP_ROUNDS; r++) {
      now += 2 * ELECTION;
      c = advanceCatchUp(c, c.roundEnd, c.roundEnd + 10, now, ELECTION);
    }
    expect(c).toMatchObject({ gaveUp: true, ready: false, round: MAX_CATCH_UP_ROUNDS });
    expect(additionReady(c, 'd1')).toMatchObject({ ready: false, start: true });
    // Given up is final for this attempt: nothing moves it any more.
    expect(advanceCatchUp(c, 1_000, 1_000, now + 1, ELECTION)).toBe(c);
  });
  it('an addition waits for the learner of that incarnation; a host wiped since starts over', () => {
    expect(additionReady(undefined, 'd1')).toMatchObject({ ready: false, start: true });
    const c = startCatchUp('d1', 40, 0);
    expect(additionReady(c, 'd1')).toMatchObject({ ready: false, start: false });
    const ready = advanceCatchUp(c, 40, 40, 10, ELECTION);
    expect(additionReady(ready, 'd1')).toEqual({ ready: true });
    expect(additionReady(ready, 'd2')).toMatchObject({ ready: false, start: true });
  });

  it('property: a learner is ready only after holding every entry the leader had when its last round began, that round shorter than an election timeout', () => {
    // Events: the leader's log grows, time passes, the learner acknowledges up to some index.
    const ev = fc.oneof(
      fc.record({ k: fc.constant('grow' as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ k: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 800 }) }),
      fc.record({ k: fc.constant('ack' as const), frac: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.array(ev, { maxLength: 60 }), (start, evs) => {
      let last = start, now = 0, match = 0;
      let c = startCatchUp('d', last, now);
      let rounds = [{ end: last, at: now }];
      for (const e of evs) {
        if (e.k === 'grow') last += e.n;
        else if (e.k === 'wait') now += e.ms;
        else {
          match = Math.max(match, Math.floor(e.frac * last));
          const before = c;
          c = advanceCatchUp(c, match, last, now, ELECTION);
          if (c.round > before.round) rounds = [...rounds, { end: c.roundEnd, at: c.roundStartMs }];
          if (c.ready && !before.ready) {
            const r = rounds[rounds.length - 1];
            expect(match).toBeGreaterThanOrEqual(r.end);
            expect(now - r.at).toBeLessThan(ELECTION);
          }
        }
        expect(c.round).toBeLessThanOrEqual(MAX_CATCH_UP_ROUNDS);
        expect(c.ready && c.gaveUp).toBe(false);
      }
    }), { numRuns: 500 });
  });

  it('property: with catch-up in front, one change at a time still never puts configurations with disjoint majorities in force together (brute force)', () => {
    const node = fc.constantFrom('n0', 'n1', 'n2', 'n3', 'n4', 'n5');
    const step = fc.record({ op: fc.constantFrom<'add' | 'remove'>('add', 'remove'), node, caughtUp: fc.boolean(), commit: fc.boolean() });
    fc.assert(fc.property(fc.uniqueArray(node, { minLength: 1, maxLength: 5 }), fc.array(step, { maxLength: 12 }), (start, steps) => {
      // Every configuration appended since the last committed one can be in force somewhere.
      let inForce = [[...start].sort()];
      let configIndex = 0, commitIndex = 0;
      const learners = new Map<string, CatchUp>();
      for (const s of steps) {
        if (s.commit) {
          commitIndex = configIndex;
          inForce = [inForce[inForce.length - 1]];
        }
        const members = inForce[inForce.length - 1];
        const d = decideChange({ members, configIndex, commitIndex, termCommitted: true, bugs: NO_BUGS }, s.op, s.node);
        if (d.kind !== 'append') continue;
        if (s.op === 'add') {
          const r = additionReady(learners.get(s.node), 'id');
          if (!r.ready) {
            if (r.start) learners.set(s.node, startCatchUp('id', 10, 0));
            if (s.caughtUp) learners.set(s.node, advanceCatchUp(learners.get(s.node)!, 10, 10, 1, ELECTION));
            continue;
          }
          learners.delete(s.node);
        }
        inForce = [...inForce, d.members];
        configIndex++;
        for (const a of inForce) for (const b of inForce) expect(disjointMajorities(a, b), `${a} / ${b}`).toBe(false);
      }
    }), { numRuns: 300 });
  });
});

/** Brute force: some majority of `a` and some majority of `b` share no server. */
function disjointMajorities(a: readonly string[], b: readonly string[]): boolean {
  const subsets = (xs: readonly string[]): string[][] => xs.reduce<string[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
  const ma = subsets(a).filter((s) => majorityOf(a, s));
  const mb = subsets(b).filter((s) => majorityOf(b, s));
  return ma.some((x) => mb.some((y) => !x.some((n) => y.includes(n))));
}

describe('the leader\'s learners', () => {
  const log = { snapIndex: 0, snapTerm: 0, entries: Array.from({ length: 10 }, (): Entry => ({ term: 1, cmd: null })) };
  const ok = (match: number, seq: number) => ({ type: 'append_entries_ok' as const, term: 1, success: true, match_index: match, conflict_index: 0, conflict_term: 0, seq });

  it('are sent entries but counted in no majority, commit or check-quorum', () => {
    const l = new LeaderState(1, ['n1', 'n2'], 11, 0, { maxBatch: 64, leaseMs: 100 });
    l.addLearner('n3', startCatchUp('d3', 10, 0), 11, 0);
    expect(l.recipients()).toEqual(['n1', 'n2', 'n3']);
    l.nextRound();
    expect(l.messageFor('n3', log, 0, undefined)).toMatchObject({ type: 'append_entries', prev_log_index: 10 });
    l.onReply('n3', l.seq, 0);
    l.onAppendReply('n3', log, ok(10, l.seq));
    // Only the leader and its two members count: the learner's match and round are not theirs.
    expect(l.matches(10)).toEqual([10, 0, 0]);
    expect(l.roundConfirmed(l.seq)).toBe(false);
    // Check-quorum at t = 5000: only the learner answered recently, so no quorum.
    l.onReply('n3', l.seq, 5_000);
    expect(l.hasQuorumContact(5_000, 1_000)).toBe(false);
  });
  it('keep their progress through a configuration change that leaves them out, and when the change that adds them goes in', () => {
    const l = new LeaderState(1, ['n1', 'n2'], 11, 0, { maxBatch: 64, leaseMs: 100 });
    l.addLearner('n3', startCatchUp('d3', 10, 0), 11, 0);
    l.onAppendReply('n3', log, ok(10, 1));
    l.setPeers(['n1'], 11, 0); // n2 removed: its progress goes, the learner's stays
    expect([...l.progress.keys()].sort()).toEqual(['n1', 'n3']);
    l.setPeers(['n1', 'n3'], 11, 0); // n3 added: a member now, with the match it made as a learner
    expect(l.learners.has('n3')).toBe(false);
    expect(l.progress.get('n3')!.match).toBe(10);
    expect(l.matches(10)).toEqual([10, 0, 10]);
  });
  it('a host wiped since (another data id) starts from nothing', () => {
    const l = new LeaderState(1, ['n1'], 11, 0, { maxBatch: 64, leaseMs: 100 });
    l.addLearner('n3', startCatchUp('d3', 10, 0), 11, 0);
    l.onAppendReply('n3', log, ok(10, 1));
    l.addLearner('n3', startCatchUp('d3b', 10, 0), 11, 0);
    expect(l.progress.get('n3')!.match).toBe(0);
  });
});
