/**
 * Faults aimed at the lock holders (`--node-targets holders`, the `holders` partition shape): the node
 * is chosen from the workload's live state when the fault starts, a miss is recorded as `noHolder`,
 * and a workload without holders is refused with an InputError (exit 254).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import {
  buildFaults, clockPackage, killPackage, partitionPackage, pausePackage,
} from '../../../harness/middle/faults/nemesis/index.js';
import { effectOf } from '../../../harness/middle/faults/nemesis/effect.js';
import { HOLDER_AIM_WAIT_MS } from '../../../harness/middle/faults/nemesis/nodes.js';
import { faultSummary } from '../../../harness/top/run/fault-summary.js';
import type { FaultPackage } from '../../../harness/ground/contracts/roles.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { contextFor, fakeTarget } from './fake-target.js';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

describe('node faults aimed at holders', () => {
  it.each([['pause', pausePackage, 'paused'], ['kill', killPackage, 'down']] as const)('%s hits the holder chosen when the op runs', async (_name, build, state) => {
    const target = fakeTarget();
    let holding: string[] = ['n4'];
    const pkg = build(contextFor(target, { holders: () => holding }), { targets: ['holders'] }).package as FaultPackage;
    const f = _name === 'pause' ? 'pause' : 'kill';
    const heal = _name === 'pause' ? 'resume' : 'start';
    expect(await pkg.nemesis.invoke({ f, value: 'holders' })).toEqual({ result: ['n4'], holders: ['n4'] });
    expect([...target[state]]).toEqual(['n4']);
    await pkg.nemesis.invoke({ f: heal, value: 'all' });
    // The live state, read again at the next fault: now n2 holds.
    holding = ['n2'];
    expect(await pkg.nemesis.invoke({ f, value: 'holders' })).toEqual({ result: ['n2'], holders: ['n2'] });
    await pkg.nemesis.invoke({ f: heal, value: 'all' });
    // Nobody holds: one random node, and the record says so.
    holding = [];
    const miss = (await pkg.nemesis.invoke({ f, value: 'holders' })) as { result: string[]; holders: string[]; noHolder: boolean };
    expect(miss.holders).toEqual([]);
    expect(miss.noHolder).toBe(true);
    expect(miss.result).toHaveLength(1);
    expect(NODES).toContain(miss.result[0]);
  });

  it('waits for a client to hold when nobody does as it starts, and hits that holder', async () => {
    const target = fakeTarget();
    let reads = 0;
    // Nobody holds for the first five looks (every client between a release and its next grant).
    const ctx = contextFor(target, { holders: () => (++reads > 5 ? ['n2'] : []) });
    const pkg = pausePackage(ctx, { targets: ['holders'] }).package as FaultPackage;
    expect(await pkg.nemesis.invoke({ f: 'pause', value: 'holders' })).toEqual({ result: ['n2'], holders: ['n2'], waitedMs: 50 });
    expect([...target.paused]).toEqual(['n2']);
    expect(ctx.sleeps).toEqual([10, 10, 10, 10, 10]);
    // Never anyone within the wait: a random node, recorded as no holder after the whole wait.
    const never = contextFor(fakeTarget(), { holders: () => [] });
    const miss = (await (pausePackage(never, { targets: ['holders'] }).package as FaultPackage).nemesis.invoke({ f: 'pause', value: 'holders' })) as Record<string, unknown>;
    expect(miss).toMatchObject({ holders: [], noHolder: true, waitedMs: HOLDER_AIM_WAIT_MS });
    expect(never.sleeps.reduce((a, b) => a + b, 0)).toBe(HOLDER_AIM_WAIT_MS);
  });

  it('prefers a holder inside the hold of its critical section, waiting for one to enter it', async () => {
    const target = fakeTarget();
    let looks = 0;
    // n1's client holds all along; n3's enters its hold at the fourth look.
    const holders = Object.assign(() => ['n1', 'n3'], { inside: () => (++looks > 3 ? ['n3'] : []) });
    const ctx = contextFor(target, { holders });
    const pkg = pausePackage(ctx, { targets: ['holders'] }).package as FaultPackage;
    expect(await pkg.nemesis.invoke({ f: 'pause', value: 'holders' })).toEqual({ result: ['n3'], holders: ['n3'], waitedMs: 30 });
    // Nobody enters a hold within the wait: any holder, after the whole wait.
    const never = contextFor(fakeTarget(), { holders: Object.assign(() => ['n5'], { inside: () => [] }) });
    const late = await (pausePackage(never, { targets: ['holders'] }).package as FaultPackage).nemesis.invoke({ f: 'pause', value: 'holders' });
    expect(late).toEqual({ result: ['n5'], holders: ['n5'], waitedMs: HOLDER_AIM_WAIT_MS });
  });

  it('is in the default draw only when the workload has holders', async () => {
    const { simulate } = await import('../../../harness/ground/generator/index.js');
    const drawn = (holders?: () => string[]): Set<unknown> => {
      const pkg = pausePackage(contextFor(fakeTarget(), holders ? { holders } : {})).package as FaultPackage;
      const ops = simulate(pkg.generator, { concurrency: 1, seed: 5, maxTimeNs: 2_000e9 });
      return new Set(ops.filter((o) => o.type === 'invoke' && o.f === 'pause').map((o) => o.value));
    };
    expect(drawn()).not.toContain('holders');
    expect(drawn(() => [])).toContain('holders');
  });

  it('refuses holders with a workload that has none (InputError, exit 254)', () => {
    for (const build of [pausePackage, killPackage, clockPackage]) {
      expect(() => build(contextFor(fakeTarget()), { targets: ['holders'] })).toThrow(InputError);
    }
    expect(() => partitionPackage(contextFor(fakeTarget()), { shapes: ['holders'] })).toThrow(/no lock holders or leaders/);
    expect(() => buildFaults(['pause'], fakeTarget(), { pause: { targets: ['holders'] } })).toThrow(InputError);
    // Before the cluster is up it has no network or clock yet: the refusal must not wait for them.
    expect(() => partitionPackage(contextFor(fakeTarget({ caps: [] })), { shapes: ['holders'] })).toThrow(InputError);
    expect(() => clockPackage(contextFor(fakeTarget({ caps: [] })), { targets: ['holders'] })).toThrow(InputError);
    // With holders it builds.
    expect(buildFaults(['pause', 'partition'], fakeTarget(), { pause: { targets: ['holders'] }, partition: { shapes: ['holders'] }, holders: () => [] }).packages).toHaveLength(2);
  });
});

describe('the holders partition shape', () => {
  it('cuts the holder off from the rest, or one random node recorded as no holder', async () => {
    const target = fakeTarget();
    let holding: string[] = ['n3'];
    const pkg = partitionPackage(contextFor(target, { holders: () => holding }), { shapes: ['holders'] }).package as FaultPackage;
    const hit = (await pkg.nemesis.invoke({ f: 'start-partition', value: 'holders' })) as Record<string, unknown>;
    expect(hit).toMatchObject({ shape: 'holders', holders: ['n3'], grudge: { n3: ['n1', 'n2', 'n4', 'n5'] } });
    expect(target.grudge.n3).toEqual(['n1', 'n2', 'n4', 'n5']);
    expect(target.grudge.n1).toEqual(['n3']);
    holding = [];
    const miss = (await pkg.nemesis.invoke({ f: 'start-partition', value: 'holders' })) as { grudge: Record<string, string[]>; noHolder: boolean };
    expect(miss.noHolder).toBe(true);
    const cut = Object.entries(miss.grudge).filter(([, drops]) => drops.length === 4).map(([n]) => n);
    expect(cut).toHaveLength(1);
  });

  it('is left out of the default shapes when the workload has no holders, in them when it has', async () => {
    const drawn = async (holders?: () => string[]): Promise<Set<unknown>> => {
      const pkg = partitionPackage(contextFor(fakeTarget(), holders ? { holders } : {})).package as FaultPackage;
      const { simulate } = await import('../../../harness/ground/generator/index.js');
      const ops = simulate(pkg.generator, { concurrency: 1, seed: 3, maxTimeNs: 2_000e9 });
      return new Set(ops.filter((o) => o.type === 'invoke' && o.f === 'start-partition').map((o) => o.value));
    };
    expect(await drawn()).not.toContain('holders');
    expect(await drawn(() => [])).toContain('holders');
  });
});

describe('the fault record of a holder-aimed fault', () => {
  it('marks the holders the fault saw, and counts hits and misses in the summary', () => {
    const hit = effectOf({ result: ['n2'], holders: ['n2'] }, undefined, NODES, {}, []);
    expect(hit).toEqual({ took: true, nodes: [{ node: 'n2', role: 'none', holder: true }] });
    const miss = effectOf({ result: ['n5'], holders: [], noHolder: true }, undefined, NODES, {}, ['n5']);
    // The aim's own reading (nobody held) wins over the earlier read.
    expect(miss).toEqual({ took: true, nodes: [{ node: 'n5', role: 'none' }], noHolder: true });
    const ops: Op[] = [
      { type: 'invoke', f: 'pause', value: 'holders', process: 'nemesis', time: 1, index: 0 },
      { type: 'info', f: 'pause', value: { result: ['n2'], holders: ['n2'], effect: hit }, process: 'nemesis', time: 2, index: 1 },
      { type: 'invoke', f: 'resume', value: 'all', process: 'nemesis', time: 3, index: 2 },
      { type: 'info', f: 'resume', value: ['n2'], process: 'nemesis', time: 4, index: 3 },
      { type: 'invoke', f: 'pause', value: 'holders', process: 'nemesis', time: 5, index: 4 },
      { type: 'info', f: 'pause', value: { result: ['n5'], effect: miss }, process: 'nemesis', time: 6, index: 5 },
    ] as Op[];
    const s = faultSummary(ops, [{ name: 'pause', bands: [{ name: 'pause', start: 'pause', stop: 'resume' }] }], 10);
    expect(s.pause).toMatchObject({ scheduled: 2, tookEffect: 2, holderHits: 1, noHolder: 1, nodesHitByRole: { holder: ['n2'] } });
  });
});
