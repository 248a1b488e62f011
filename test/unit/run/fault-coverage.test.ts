/**
 * No vacuous green (issue 24): the fault record of each start op, the per-family summary, the
 * `fault-coverage` verdict, the schedule that cannot fit, and the default fault choice — and a property
 * over random schedules that no run whose requested faults took no effect is valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeResults } from '../../../checkers/compose.js';
import type { Op } from '../../../harness/ground/history/op.js';
import type { FaultBand, Nemesis } from '../../../harness/ground/contracts/roles.js';
import { effectIn, effectOf, hitLabel, nodesHit, roleOfHealth, withEffects } from '../../../harness/middle/faults/nemesis/effect.js';
import { checkScheduleFits, defaultIntervalS, faultCoverage } from '../../../harness/top/run/fault-coverage.js';
import { faultSummary } from '../../../harness/top/run/fault-summary.js';
import { chooseFaults } from '../../../harness/top/run/fault-choice.js';
import { withHealth } from '../../../harness/middle/faults/net/health.js';
import { InputError } from '../../../harness/ground/history/errors.js';
import type { ChurnResult } from '../../../harness/middle/faults/nemesis/churn.js';
import { replayArgv } from '../../../harness/top/run/replay.js';
import { settingsToArgv } from '../../../harness/top/config/schema.js';

const NODES = ['n1', 'n2', 'n3'];
const S = 1e9;
const bandOf = (name: string): FaultBand => ({ name, start: `start-${name}`, stop: `stop-${name}` });

/** A nemesis that answers every op with `answer(op)`. */
function fake(answer: (op: { f: string; value: unknown }) => unknown): Nemesis {
  return { fs: [], invoke: async (op) => answer(op), teardown: async () => undefined };
}

describe('the fault record', () => {
  it('a pause of the primaries that returned [] while the health record named a leader took no effect', async () => {
    const inner = withHealth(fake(() => []), async () => ({ n1: 'leader', n2: 'follower', n3: 'follower' }));
    const nem = withEffects(inner, [bandOf('pause')], NODES);
    const v = await nem.invoke({ f: 'start-pause', value: 'primaries' });
    expect(effectIn(v)).toEqual({ took: false, nodes: [], why: 'it reached no node', inForceAfterMs: expect.any(Number) });
  });

  it('a pause that reached the leader names it with its role from the health record before the op', async () => {
    const inner = withHealth(fake(() => ['n1', 'n3']), async () => ({ n1: 'leader', n2: 'follower', n3: 'down: killed' }));
    const v = await withEffects(inner, [bandOf('pause')], NODES).invoke({ f: 'start-pause', value: 'primaries' });
    expect(effectIn(v)).toEqual({ took: true, nodes: [{ node: 'n1', role: 'leader' }, { node: 'n3', role: 'down' }], inForceAfterMs: expect.any(Number) });
  });

  it('says when the fault was in force: the health wrapper\'s figure (its first probe before), not the op\'s whole time', async () => {
    const inner = withHealth(fake(() => ['n1']), async () => ({ n1: 'leader' }));
    const v = await withEffects(inner, [bandOf('pause')], NODES).invoke({ f: 'start-pause', value: 'one' }) as { health: { doneMs: number } };
    expect(effectIn(v)?.inForceAfterMs).toBe(v.health.doneMs);
    // Without a health record, the wrapper's own time from the op's start until the family's action returned.
    const slow = fake(async () => { await new Promise((r) => setTimeout(r, 120)); return ['n2']; });
    const w = await withEffects(slow as Nemesis, [bandOf('kill')], NODES).invoke({ f: 'start-kill', value: 'one' });
    expect(effectIn(w)?.inForceAfterMs).toBeGreaterThanOrEqual(110);
  });

  it('reads roles from health details: "no leader (term 2)" is no leader', () => {
    expect(['leader (term 2)', 'follower (term 2)', 'no leader (term 2)', 'down: paused', 'observer', 'up'].map(roleOfHealth))
      .toEqual(['leader', 'follower', 'none', 'down', 'none', 'none']);
  });

  it('without a health record, the primaries asked before the op give the roles', async () => {
    const v = await withEffects(fake(() => ['n2']), [bandOf('kill')], NODES, { primaries: async () => ['n2'] }).invoke({ f: 'start-kill', value: 'one' });
    expect(v).toEqual({ result: ['n2'], effect: { took: true, nodes: [{ node: 'n2', role: 'leader' }], inForceAfterMs: expect.any(Number) } });
  });

  it('a node serving a lock holder as the fault began is marked holder beside its role, in the record, the label and the summary', async () => {
    const inner = withHealth(fake(() => ['n1', 'n2']), async () => ({ n1: 'leader', n2: 'follower', n3: 'follower' }));
    const v = await withEffects(inner, [bandOf('pause')], NODES, undefined, () => ['n2']).invoke({ f: 'start-pause', value: 'majority' });
    const effect = effectIn(v)!;
    expect(effect.nodes).toEqual([{ node: 'n1', role: 'leader' }, { node: 'n2', role: 'follower', holder: true }]);
    expect(hitLabel(effect.nodes)).toBe('n1 (leader), n2 (follower, holder)');
    const ops: Op[] = [
      { index: 0, time: 1 * S, process: 'nemesis', type: 'invoke', f: 'start-pause', value: 'majority' },
      { index: 1, time: 1 * S, process: 'nemesis', type: 'info', f: 'start-pause', value: v },
      { index: 2, time: 3 * S, process: 'nemesis', type: 'invoke', f: 'stop-pause', value: null },
      { index: 3, time: 3 * S, process: 'nemesis', type: 'info', f: 'stop-pause', value: null },
    ];
    const summary = faultSummary(ops, [{ name: 'pause', bands: [bandOf('pause')] }], 10 * S);
    expect(summary.pause.nodesHitByRole).toEqual({ leader: ['n1'], follower: ['n2'], holder: ['n2'] });
  });

  it('a clock strobe with nodes: [] (or no flip) reached no node; stop ops carry no record', async () => {
    expect(nodesHit({ nodes: [], deltaMs: 5, flips: 3 }, NODES)).toEqual([]);
    expect(nodesHit({ nodes: ['n1'], deltaMs: 5, flips: 0 }, NODES)).toEqual([]);
    expect(nodesHit({ nodes: ['n1'], deltaMs: 5, flips: 2 }, NODES)).toEqual(['n1']);
    const strobe: FaultBand = { name: 'clock strobe', start: 'strobe-clock', stop: 'strobe-clock' };
    const nem = withEffects(fake(() => ({ nodes: [], flips: 4 })), [strobe, bandOf('partition')], NODES);
    expect(effectIn(await nem.invoke({ f: 'strobe-clock', value: null }))?.took).toBe(false);
    expect(await nem.invoke({ f: 'stop-partition', value: null })).toEqual({ nodes: [], flips: 4 });
  });

  it('reads each family\'s result: grudge, offsets, churn steps, network-wide faults', () => {
    expect(nodesHit({ shape: 'isolate-one', grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] } }, NODES)).toEqual(NODES);
    expect(nodesHit({ grudge: {} }, NODES)).toEqual([]);
    expect(nodesHit({ offsets: { n3: 40 } }, NODES)).toEqual(['n3']);
    // Typed as churn.ts writes them, so a change of the record's shape breaks this test at compile time.
    const churned: ChurnResult = { durationMs: 5, looks: 3, isolations: 1, rejoins: 1, steps: [{ atMs: 1, isolate: 'n2' }, { atMs: 2, rejoin: 'n2' }] };
    expect(nodesHit(churned, NODES)).toEqual(['n2']);
    expect(nodesHit({ ...churned, isolations: 0, steps: [] }, NODES)).toEqual([]);
    expect(nodesHit({ p: 0.2 }, NODES)).toEqual(NODES);
    expect(nodesHit({ p: 0 }, NODES)).toEqual([]);
    expect(effectOf('one', 'kill failed on n1: timeout', NODES, {}).took).toBe(false);
  });
});

/** A history of nemesis ops: [time s, type, f, value]. */
function hist(rows: [number, Op['type'], string, unknown?][]): Op[] {
  return rows.map(([t, type, f, value], index) => ({ index, time: t * S, process: 'nemesis', type, f, value: value ?? null }));
}

describe('the fault summary', () => {
  it('counts scheduled and effective starts, nodes by role and seconds in force', () => {
    const hit = { effect: { took: true, nodes: [{ node: 'n1', role: 'leader' }, { node: 'n2', role: 'follower' }] } };
    const miss = { effect: { took: false, nodes: [] } };
    const ops = hist([
      [1, 'invoke', 'start-pause'], [1.5, 'info', 'start-pause', hit], [3, 'invoke', 'stop-pause'], [3.5, 'info', 'stop-pause'],
      [5, 'invoke', 'start-pause'], [5.1, 'info', 'start-pause', miss], [7, 'invoke', 'stop-pause'], [7.1, 'info', 'stop-pause'],
      [9, 'invoke', 'start-pause'], [9.2, 'info', 'start-pause', hit],
    ]);
    expect(faultSummary(ops, [{ name: 'pause', bands: [bandOf('pause')] }, { name: 'kill', bands: [bandOf('kill')] }], 10 * S)).toEqual({
      pause: { scheduled: 3, tookEffect: 2, nodesHitByRole: { leader: ['n1'], follower: ['n2'] }, secondsInForce: 2.8 },
      kill: { scheduled: 0, tookEffect: 0, nodesHitByRole: {}, secondsInForce: 0 },
    });
  });

  it('counts a fault in force from its record\'s inForceAfterMs, before its op completed (a health probe after it)', () => {
    const hit = (ms: number) => ({ effect: { took: true, nodes: [{ node: 'n1', role: 'leader' }], inForceAfterMs: ms } });
    const ops = hist([
      // Invoked at 1 s, in force 2.5 s later, completed at 5 s (a 1.5-s probe after the fault): 3.5 + healed at 10.
      [1, 'invoke', 'start-pause'], [5, 'info', 'start-pause', hit(2500)], [10, 'invoke', 'stop-pause'], [10, 'info', 'stop-pause'],
      // A figure past the completion is held to it.
      [20, 'invoke', 'start-pause'], [20.5, 'info', 'start-pause', hit(9000)], [22, 'invoke', 'stop-pause'], [22.5, 'info', 'stop-pause'],
    ]);
    expect(faultSummary(ops, [{ name: 'pause', bands: [bandOf('pause')] }], 30 * S).pause.secondsInForce).toBe(6.5 + 2);
  });
});

describe('the fault-coverage verdict', () => {
  it('every requested fault unsupported (etcd --nemesis clock): unknown with that reason', () => {
    const r = faultCoverage({ requested: ['clock'], unsupported: [{ fault: 'clock', reason: 'clock: the target offers no clock control' }], summary: {} });
    expect(r?.valid).toBe('unknown');
    expect(r?.reason).toMatch(/^every requested fault \(clock\) is unsupported \(clock: the target offers no clock control\), so nothing was injected/);
  });

  it('no fault started (a final stop only): unknown; none requested: no result', () => {
    const none = { partition: { scheduled: 0, tookEffect: 0, nodesHitByRole: {}, secondsInForce: 0 } };
    expect(faultCoverage({ requested: ['partition'], unsupported: [], summary: none })?.reason).toMatch(/^no fault \(partition\) started before the time limit/);
    expect(faultCoverage({ requested: [], unsupported: [], summary: {} })).toBeUndefined();
    expect(faultCoverage({ requested: ['none'], unsupported: [], summary: {} })).toBeUndefined();
  });

  it('faults aimed at the holders that never found one holding: unknown; one hit, or holders not asked: no result', () => {
    const pauses = (holderHits: number, noHolder: number) => ({ pause: { scheduled: 3, tookEffect: 3, nodesHitByRole: { follower: ['n2'] }, secondsInForce: 3, holderHits, noHolder } });
    const missed = faultCoverage({ requested: ['pause'], unsupported: [], summary: pauses(0, 3), holdersRequested: true });
    expect(missed?.valid).toBe('unknown');
    expect(missed?.reason).toMatch(/none hit a node whose client held the lock \(3 found no holder/);
    expect(faultCoverage({ requested: ['pause'], unsupported: [], summary: pauses(1, 2), holdersRequested: true })).toBeUndefined();
    expect(faultCoverage({ requested: ['pause'], unsupported: [], summary: pauses(0, 3) })).toBeUndefined();
  });
});

describe('the schedule and the default faults', () => {
  it('the maelstrom reproduction: --nemesis partition --time-limit 10s gets an interval that starts a partition', () => {
    const c = chooseFaults('maelstrom', 'partition', 10, undefined);
    expect(c.faults).toEqual(['partition']);
    expect(c.faultIntervalS).toBeCloseTo(3.333, 3);
    expect(c.faultIntervalS).toBeLessThan(10);
  });

  it('an interval given that no fault can start within is refused in one sentence', () => {
    expect(() => chooseFaults('maelstrom', 'partition', 10, 10)).toThrow(InputError);
    expect(() => checkScheduleFits(['partition'], 10, 10)).toThrow(/^--nemesis-interval 10s is not shorter than --time-limit 10s, so no fault \(partition\) could start before the clients stop; use a shorter interval \(e.g. --nemesis-interval 3.333s\), a longer time limit, or --nemesis none$/);
    expect(() => checkScheduleFits([], 10, 10)).not.toThrow();
  });

  it('store targets, custom and raft inject the standard package without --nemesis; maelstrom none; --nemesis none is none', () => {
    for (const t of ['etcd', 'zookeeper', 'consul', 'custom', 'raft']) {
      const c = chooseFaults(t, undefined, 30, undefined);
      expect(c.faults).toEqual(['standard']);
      expect(c.says).toBe(`partition,kill,pause,clock where supported (the ${t} target's standard package; --nemesis none for none), every 10 s (fits the time limit)`);
    }
    expect(chooseFaults('maelstrom', undefined, 30, undefined).faults).toEqual([]);
    expect(chooseFaults('raft', 'none', 30, undefined)).toMatchObject({ faults: [], says: 'none (--nemesis none)' });
    expect(chooseFaults('raft', 'standard', 30, 5).faults).toEqual(['standard']);
  });
});

describe('runs stored or configured without faults stay without faults', () => {
  it('a stored raft run with faults [] replays with --nemesis none; a config\'s faults: [] is --nemesis none', () => {
    const argv = replayArgv({ target: 'raft', seed: 1, faults: [], faultIntervalS: 10 });
    expect(argv.join(' ')).toMatch(/--nemesis none/);
    expect(settingsToArgv({ faults: [] })).toEqual(['--nemesis', 'none']);
  });
});

describe('property: no run whose requested faults took no effect is valid', () => {
  const FAMILIES = ['partition', 'kill', 'pause', 'clock'] as const;
  it('over random time limits, intervals, fault sets, support and hits', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        timeLimitS: fc.double({ min: 0.2, max: 120, noNaN: true }),
        intervalS: fc.option(fc.double({ min: 0.05, max: 60, noNaN: true }), { nil: undefined }),
        families: fc.subarray([...FAMILIES]),
        supported: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        hits: fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
        checkersValid: fc.boolean(),
      }),
      async (p) => {
        const nemesisFlag = p.families.length > 0 ? p.families.join(',') : 'none';
        let choice;
        try {
          choice = chooseFaults('raft', nemesisFlag, p.timeLimitS, p.intervalS);
        } catch (err) {
          // Refused before anything starts: only a given interval that cannot fit is.
          expect(err).toBeInstanceOf(InputError);
          expect(p.intervalS! >= p.timeLimitS).toBe(true);
          return;
        }
        const built = p.families.filter((f) => p.supported[FAMILIES.indexOf(f)]);
        const unsupported = p.families.filter((f) => !built.includes(f)).map((f) => ({ fault: f, reason: `${f}: unsupported` }));
        // The schedule of buildFaults: family k's first start one interval plus k/n of an interval in.
        const interval = choice.faultIntervalS;
        const ops: Op[] = [];
        let hitNo = 0;
        let anyTook = false;
        const nem = withEffects(fake(() => {
          const h = p.hits[hitNo++ % p.hits.length];
          anyTook ||= h;
          return h ? ['n1'] : [];
        }), built.map(bandOf), NODES);
        const starts: [number, string][] = [];
        built.forEach((f, k) => {
          for (let t = interval + (k * interval) / built.length; t < p.timeLimitS; t += 2 * interval) starts.push([t, f]);
        });
        starts.sort((a, b) => a[0] - b[0]);
        for (const [t, f] of starts) {
          ops.push({ index: ops.length, time: t * S, process: 'nemesis', type: 'invoke', f: `start-${f}`, value: 'one' });
          ops.push({ index: ops.length, time: t * S + 1, process: 'nemesis', type: 'info', f: `start-${f}`, value: await nem.invoke({ f: `start-${f}`, value: 'one' }) });
        }
        const summary = faultSummary(ops, built.map((f) => ({ name: f, bands: [bandOf(f)] })), p.timeLimitS * S);
        const coverage = faultCoverage({ requested: choice.faults, unsupported, summary });
        const checkers = { linearizable: { valid: p.checkersValid ? true as const : 'unknown' as const }, ...(coverage ? { 'fault-coverage': coverage } : {}) };
        const valid = composeResults(checkers).valid;
        if (choice.faults.length > 0 && !anyTook) expect(valid).not.toBe(true);
        // And no false alarm: faults that took effect leave the verdict to the checkers.
        if (anyTook) expect(coverage).toBeUndefined();
        // A default interval always lets a requested, supported fault start.
        if (p.intervalS === undefined && built.length > 0) expect(starts.length).toBeGreaterThan(0);
      },
    ), { numRuns: 500 });
  });

  it('the default interval is 10 s, or a third of a shorter time limit', () => {
    expect(defaultIntervalS(60)).toBe(10);
    expect(defaultIntervalS(2)).toBe(0.666);
  });
});
