/**
 * The election checker against hand-written histories (each violation class, injected, and the
 * failover bound) and, with fast-check, against a brute-force reference on small random histories:
 * every pair of sightings for one leader per epoch and for real-time order, every earlier
 * observation of the same observer for its order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkElection } from '../../../checkers/election.js';
import type { Op, OpType, Process } from '../../../harness/ground/history/op.js';
import { history } from './history.js';

const led = (leader: string, epoch: number, node = 'n1') => ({ node, leader, epoch });
const saw = (leader: string, epoch: number, node = 'n1') => ({ leader, epoch, node });

describe('election checker: injected violations, each with its class', () => {
  it('is valid when leaders follow one another in increasing epochs', () => {
    const r = checkElection(history([
      [0, 'invoke', 'campaign'], [0, 'ok', 'campaign', led('a', 1)],
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', saw('a', 1)],
      [0, 'invoke', 'lead'], [0, 'ok', 'lead', led('a', 1)],
      [1, 'invoke', 'campaign'],
      [0, 'invoke', 'resign'], [0, 'ok', 'resign', led('a', 1)],
      [1, 'ok', 'campaign', led('b', 4, 'n2')],
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', saw('b', 4, 'n2')],
    ]));
    expect(r).toMatchObject({ valid: true, sightings: 5, epochs: 2, leaders: 2, classes: [] });
  });

  it('is unknown when nobody was ever sighted', () => {
    const r = checkElection(history([[2, 'invoke', 'observe'], [2, 'ok', 'observe', { epoch: null, leader: null }]]));
    expect(r.valid).toBe('unknown');
  });

  it('reports two leaders in one epoch (a Raft node remembering a reign counts too)', () => {
    const r = checkElection(history([
      [0, 'invoke', 'campaign'], [0, 'ok', 'campaign', led('a', 3)],
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', { epoch: 5, leader: 'n2', node: 'n2', led: { by: 'n2', terms: [3, 5] } }],
    ]));
    expect(r.valid).toBe(false);
    expect(r.classes).toEqual(['two-leaders-one-epoch']);
    expect(r.twoLeadersOneEpoch.examples[0]).toMatchObject({ epoch: 3, leaders: ['a', 'n2'] });
  });

  it('reports a decreasing epoch in real time, not one of concurrent ops', () => {
    const concurrent = checkElection(history([
      [0, 'invoke', 'lead'], [1, 'invoke', 'lead'],
      [0, 'ok', 'lead', led('a', 7)], [1, 'ok', 'lead', led('b', 6)],
    ]));
    expect(concurrent.valid).toBe(true);
    const r = checkElection(history([
      [0, 'invoke', 'lead'], [0, 'ok', 'lead', led('a', 7)],
      [1, 'invoke', 'lead'], [1, 'ok', 'lead', led('b', 6)],
    ]));
    expect(r.classes).toEqual(['decreasing-epoch']);
    expect(r.decreasingEpoch.examples[0]).toMatchObject({ earlier: { epoch: 7, leader: 'a' }, later: { epoch: 6, leader: 'b' } });
  });

  it('does not judge real-time order on observations (a cut-off Raft leader believes it leads)', () => {
    const r = checkElection(history([
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', saw('n2', 7)],
      [3, 'invoke', 'observe'], [3, 'ok', 'observe', saw('n1', 6)],
    ]));
    expect(r.valid).toBe(true);
  });

  it('reports an observer that sees an older leader after a newer one', () => {
    const r = checkElection(history([
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', saw('b', 4)],
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', { epoch: null, leader: null }],
      [2, 'invoke', 'observe'], [2, 'ok', 'observe', saw('a', 2)],
    ]));
    expect(r.classes).toEqual(['observer-out-of-order']);
    expect(r.observerOutOfOrder.examples[0]).toMatchObject({ process: 2, before: { epoch: 4 }, after: { epoch: 2 } });
  });
});

/** Rows with explicit times in ms. */
function timed(rows: readonly [number, Process, OpType, string, unknown?][]): Op[] {
  return rows.map(([ms, process, type, f, value = null], index) => ({ index, time: ms * 1e6, process, type, f, value }));
}
const pauseHit = (node: string) => ({ result: [node], effect: { took: true, nodes: [{ node, role: 'follower' }] } });
const nodesSeen: [number, Process, OpType, string, unknown?][] = ['n1', 'n2', 'n3', 'n4', 'n5'].flatMap((n, i) => [
  [1, 10 + i, 'invoke', 'observe'], [2, 10 + i, 'ok', 'observe', { epoch: 1, leader: 'a', node: 'n1' }],
] as [number, Process, OpType, string, unknown?][]).map(([ms, p, t, f, v], i) => [ms, p, t, f, i % 2 === 1 ? { ...(v as object), node: `n${Math.floor(i / 2) + 1}`, leader: `a`, epoch: 1 } : v]);

describe('election checker: failover', () => {
  const base: [number, Process, OpType, string, unknown?][] = [
    [0, 0, 'invoke', 'campaign'], [5, 0, 'ok', 'campaign', { node: 'n1', leader: 'a', epoch: 1, ttlMs: 2000 }],
  ];
  it('measures the failover after a pause of the leader\'s node and accepts it within TTL + bound', () => {
    const r = checkElection(timed([
      ...base, ...nodesSeen.map(([ms, p, t, f, v]) => [ms + 5, p, t, f, v] as typeof base[number]),
      [100, 'nemesis', 'invoke', 'pause', 'holders'], [110, 'nemesis', 'info', 'pause', pauseHit('n1')],
      [200, 1, 'invoke', 'campaign'], [2600, 1, 'ok', 'campaign', { node: 'n2', leader: 'b', epoch: 2, ttlMs: 2000 }],
      [5000, 'nemesis', 'invoke', 'resume'], [5010, 'nemesis', 'info', 'resume', ['n1']],
      [20_000, 3, 'invoke', 'observe'], [20_001, 3, 'ok', 'observe', { epoch: 2, leader: 'b', node: 'n2' }],
    ]), { boundMs: 1000 });
    expect(r.valid).toBe(true);
    expect(r.failover).toMatchObject({ ttlMs: 2000, boundMs: 1000, cutOff: 1, judged: 1, timesMs: [2490] });
  });

  it('reports no failover when no higher epoch comes within TTL + bound of a minority fault', () => {
    const r = checkElection(timed([
      ...base, ...nodesSeen.map(([ms, p, t, f, v]) => [ms + 5, p, t, f, v] as typeof base[number]),
      [100, 'nemesis', 'invoke', 'pause', 'holders'], [110, 'nemesis', 'info', 'pause', pauseHit('n1')],
      [200, 1, 'invoke', 'campaign'], [9000, 1, 'ok', 'campaign', { node: 'n2', leader: 'b', epoch: 2, ttlMs: 2000 }],
      [20_000, 3, 'invoke', 'observe'], [20_001, 3, 'ok', 'observe', { epoch: 2, leader: 'b', node: 'n2' }],
    ]), { boundMs: 1000 });
    expect(r.classes).toEqual(['no-failover']);
    expect(r.noFailover.examples[0]).toMatchObject({ leader: 'a', epoch: 1, node: 'n1', from: 'start', deadlineMs: 3000, failoverMs: 8890 });
  });

  it('does not judge a fault whose deadline is past the end, nor one that missed the leader', () => {
    const r = checkElection(timed([
      ...base, ...nodesSeen.map(([ms, p, t, f, v]) => [ms + 5, p, t, f, v] as typeof base[number]),
      [100, 'nemesis', 'invoke', 'pause'], [110, 'nemesis', 'info', 'pause', pauseHit('n3')],
      [1000, 'nemesis', 'invoke', 'pause'], [1010, 'nemesis', 'info', 'pause', pauseHit('n1')],
      [2000, 3, 'invoke', 'observe'], [2001, 3, 'ok', 'observe', { epoch: 1, leader: 'a', node: 'n1' }],
    ]), { boundMs: 1000 });
    expect(r.valid).toBe(true);
    expect(r.failover).toMatchObject({ cutOff: 1, judged: 0, notJudged: 1 });
  });

  it('waits for another fault in force to end before it counts the deadline', () => {
    const rows: [number, Process, OpType, string, unknown?][] = [
      ...base, ...nodesSeen.map(([ms, p, t, f, v]) => [ms + 5, p, t, f, v] as typeof base[number]),
      [100, 'nemesis', 'invoke', 'pause', 'holders'], [110, 'nemesis', 'info', 'pause', pauseHit('n1')],
      [200, 'nemesis', 'invoke', 'kill'], [210, 'nemesis', 'info', 'kill', { result: ['n2', 'n3'], effect: { took: true, nodes: [{ node: 'n2', role: 'follower' }, { node: 'n3', role: 'follower' }] } }],
      [5000, 'nemesis', 'invoke', 'resume'], [5010, 'nemesis', 'info', 'resume', ['n1']],
      [8000, 'nemesis', 'invoke', 'start'], [8010, 'nemesis', 'info', 'start', ['n2', 'n3']],
      [200, 1, 'invoke', 'campaign'], [10_000, 1, 'ok', 'campaign', { node: 'n2', leader: 'b', epoch: 2, ttlMs: 2000 }],
      [20_000, 3, 'invoke', 'observe'], [20_001, 3, 'ok', 'observe', { epoch: 2, leader: 'b', node: 'n2' }],
    ];
    rows.sort((a, b) => a[0] - b[0]);
    // Alone, the pause owed a failover by 3.1 s; the kill of two more nodes held the rest's majority until 8 s.
    const r = checkElection(timed(rows), { boundMs: 1000 });
    expect(r.valid, JSON.stringify(r.noFailover)).toBe(true);
    expect(r.failover).toMatchObject({ cutOff: 1, judged: 1 });
  });

  it('counts a partition as cutting the leader off only when its side has no majority', () => {
    const part = (grudge: Record<string, string[]>) => ({ result: { shape: 'x', grudge }, grudge, effect: { took: true, nodes: Object.keys(grudge).map((node) => ({ node, role: 'follower' })) } });
    const majoritySide = checkElection(timed([
      ...base, ...nodesSeen.map(([ms, p, t, f, v]) => [ms + 5, p, t, f, v] as typeof base[number]),
      [100, 'nemesis', 'invoke', 'start-partition'], [110, 'nemesis', 'info', 'start-partition', part({ n1: ['n5'], n5: ['n1', 'n2', 'n3', 'n4'] })],
      [20_000, 3, 'invoke', 'observe'], [20_001, 3, 'ok', 'observe', { epoch: 1, leader: 'a', node: 'n1' }],
    ]), { boundMs: 1000 });
    expect(majoritySide.failover.cutOff).toBe(0);
    const isolated = checkElection(timed([
      ...base, ...nodesSeen.map(([ms, p, t, f, v]) => [ms + 5, p, t, f, v] as typeof base[number]),
      [100, 'nemesis', 'invoke', 'start-partition'], [110, 'nemesis', 'info', 'start-partition', part({ n1: ['n2', 'n3', 'n4', 'n5'], n2: ['n1'] })],
      [20_000, 3, 'invoke', 'observe'], [20_001, 3, 'ok', 'observe', { epoch: 1, leader: 'a', node: 'n1' }],
    ]), { boundMs: 1000 });
    expect(isolated.classes).toEqual(['no-failover']);
  });
});

// ---- brute-force reference ----

interface Cmd { process: number; f: 'campaign' | 'lead' | 'observe' | 'resign'; type: 'ok' | 'fail' | 'info'; epoch: number; leader: string }

/** Turns commands into a well-formed history: a process' first command invokes, its next completes. */
function build(cmds: readonly Cmd[]): Op[] {
  const open = new Map<number, Cmd>();
  const retired = new Map<number, number>();
  const out: Op[] = [];
  for (const c of cmds) {
    const p = c.process * 100 + (retired.get(c.process) ?? 0);
    const o = open.get(c.process);
    if (!o) {
      open.set(c.process, c);
      out.push({ index: out.length, time: out.length * 1000, process: p, type: 'invoke', f: c.f, value: null });
    } else {
      open.delete(c.process);
      const value = c.type === 'ok' ? { epoch: c.epoch, leader: c.leader, node: `n${c.leader}` } : null;
      out.push({ index: out.length, time: out.length * 1000, process: p, type: c.type, f: o.f, value });
      if (c.type === 'info') retired.set(c.process, (retired.get(c.process) ?? 0) + 1);
    }
  }
  return out;
}

interface Ref { twoEpochs: number; decreasing: number; outOfOrder: number }

/** The three properties by their definitions, pair by pair. */
function reference(h: readonly Op[]): Ref {
  const inv = new Map<number, number>();
  const s: { inv: number; done: number; f: string; process: number; epoch: number; leader: string }[] = [];
  for (const op of h) {
    if (op.type === 'invoke') { inv.set(op.process as number, op.index); continue; }
    if (op.type !== 'ok') continue;
    const v = op.value as { epoch: number; leader: string };
    if (op.f === 'resign') continue;
    s.push({ inv: inv.get(op.process as number)!, done: op.index, f: op.f, process: op.process as number, epoch: v.epoch, leader: v.leader });
  }
  const bad = new Set<number>();
  for (const a of s) for (const b of s) if (a.epoch === b.epoch && a.leader !== b.leader) bad.add(a.epoch);
  const confirmed = s.filter((x) => x.f !== 'observe');
  let decreasing = 0;
  for (const y of confirmed) if (confirmed.some((x) => x.done < y.inv && y.epoch < x.epoch)) decreasing++;
  let outOfOrder = 0;
  for (const y of s) if (y.f === 'observe' && s.some((x) => x.f === 'observe' && x.process === y.process && x.done < y.done && x.epoch > y.epoch)) outOfOrder++;
  return { twoEpochs: bad.size, decreasing, outOfOrder };
}

const cmd = fc.record({
  process: fc.integer({ min: 0, max: 3 }),
  f: fc.constantFrom('campaign', 'lead', 'observe', 'resign') as fc.Arbitrary<Cmd['f']>,
  type: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info') as fc.Arbitrary<Cmd['type']>,
  epoch: fc.integer({ min: 1, max: 4 }),
  leader: fc.constantFrom('1', '2', '3'),
});

describe('election checker against a brute-force reference', () => {
  it('finds exactly the reference\'s violations on small random histories', () => {
    let invalid = 0, valid = 0;
    fc.assert(fc.property(fc.array(cmd, { minLength: 4, maxLength: 30 }), (cmds) => {
      const h = build(cmds);
      const ref = reference(h);
      const r = checkElection(h);
      expect({ twoEpochs: r.twoLeadersOneEpoch.count, decreasing: r.decreasingEpoch.count, outOfOrder: r.observerOutOfOrder.count }).toEqual(ref);
      const refValid = ref.twoEpochs + ref.decreasing + ref.outOfOrder === 0;
      if (!refValid) invalid++; else valid++;
      // Never valid when the reference finds a violation: the worst bug a checker can have.
      if (!refValid) expect(r.valid).toBe(false);
    }), { numRuns: 2000, seed: 28 });
    // The generator must reach both verdicts often, else the property says little.
    expect(invalid).toBeGreaterThan(200);
    expect(valid).toBeGreaterThan(200);
  });

  it('is valid on truthful histories: one leader per epoch, handed over in increasing epochs', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 12 }), (order) => {
      const rows: Parameters<typeof history>[0] = [];
      order.forEach((p, i) => {
        const epoch = i + 1;
        rows.push([p, 'invoke', 'campaign'], [p, 'ok', 'campaign', led(`L${epoch}`, epoch)]);
        rows.push([9, 'invoke', 'observe'], [9, 'ok', 'observe', saw(`L${epoch}`, epoch)]);
        rows.push([p, 'invoke', 'lead'], [p, 'ok', 'lead', led(`L${epoch}`, epoch)]);
        rows.push([p, 'invoke', 'resign'], [p, 'ok', 'resign', led(`L${epoch}`, epoch)]);
      });
      const r = checkElection(history(rows));
      expect(r.valid).toBe(true);
      expect(r.epochs).toBe(order.length);
    }), { numRuns: 300, seed: 28 });
  });
});
