import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, simulate } from '../../../harness/ground/generator/index.js';
import { halves, partitionPackage, PARTITION_SHAPES, primaries, ASKED_ONLY_SHAPES, primariesMinority } from '../../../harness/middle/faults/nemesis/index.js';
import type { FaultPackage, NetControl } from '../../../harness/ground/contracts/roles.js';
import { contextFor, driveNemesis, fakeTarget, S, schedule } from './fake-target.js';

function build(target = fakeTarget(), over = {}, options = {}) {
  const ctx = contextFor(target, over);
  const built = partitionPackage(ctx, options);
  return { ...built, pkg: built.package as FaultPackage, ctx, target };
}

describe('partition generator', () => {
  it('alternates start and stop every interval, with a shape drawn from the enabled ones', () => {
    const { pkg } = build();
    const history = simulate(pkg.generator, { concurrency: 2, seed: 3, maxTimeNs: 85 * S });
    // Each gap counts from the completion of the op before it (family.ts startStopCycle); ops take the simulator's 1 ms.
    expect(schedule(history)).toEqual([
      'start-partition@10', 'stop-partition@20.001', 'start-partition@30.002', 'stop-partition@40.003',
      'start-partition@50.004', 'stop-partition@60.005', 'start-partition@70.006', 'stop-partition@80.007',
    ]);
    for (const op of history) expect(op.process).toBe('nemesis');
    const starts = history.filter((o) => o.type === 'invoke' && o.f === 'start-partition');
    for (const o of starts) expect(PARTITION_SHAPES).toContain(o.value);
  });

  it('draws every enabled shape over a long run, and the same seed draws the same ones', () => {
    const { pkg } = build();
    const values = (seed: number) =>
      simulate(pkg.generator, { concurrency: 0, seed, maxTimeNs: 2000 * S })
        .filter((o) => o.type === 'invoke' && o.f === 'start-partition')
        .map((o) => o.value);
    // Every shape but holders (this workload-less context has no holders to aim at: holders.test.ts)
    // and those drawn only when named (primaries-minority).
    expect(new Set(values(1))).toEqual(new Set(PARTITION_SHAPES.filter((s) => s !== 'holders' && !ASKED_ONLY_SHAPES.includes(s))));
    expect(values(1)).toEqual(values(1));
    expect(values(1)).not.toEqual(values(2));
  });

  it('respects the configured interval and shapes', () => {
    const { pkg } = build(fakeTarget(), { interval: 2 * S }, { shapes: ['bridge'] });
    const history = simulate(pkg.generator, { concurrency: 0, maxTimeNs: 9 * S });
    // Each gap counts from the completion of the op before it (family.ts startStopCycle); ops take the simulator's 1 ms.
    expect(schedule(history)).toEqual(['start-partition@2', 'stop-partition@4.001', 'start-partition@6.002', 'stop-partition@8.003']);
    expect(history.filter((o) => o.f === 'start-partition').every((o) => o.value === 'bridge')).toBe(true);
  });

  it('heals with stop-partition at the end', () => {
    const { pkg } = build();
    expect(schedule(simulate(pkg.finalGenerator, { concurrency: 3 }))).toEqual(['stop-partition@0']);
  });
});

describe('partition nemesis', () => {
  it('applies the shape through the network and records the grudge', async () => {
    const { pkg, target } = build();
    const applied = await pkg.nemesis.invoke({ f: 'start-partition', value: 'halves' });
    expect(applied).toEqual({ shape: 'halves', grudge: halves(target.nodes) });
    expect(target.grudge).toEqual(halves(target.nodes));
    expect(await pkg.nemesis.invoke({ f: 'stop-partition', value: null })).toEqual({ grudge: {} });
    expect(target.grudge).toEqual({});
  });

  it('isolates the primaries the target reports at the time of the fault', async () => {
    const { pkg, target } = build(fakeTarget({ primaries: ['n3'] }));
    target.currentPrimaries = ['n2', 'n5'];
    const applied = await pkg.nemesis.invoke({ f: 'start-partition', value: 'primaries' });
    expect(applied).toEqual({ shape: 'primaries', grudge: primaries(target.nodes, ['n2', 'n5']) });
  });

  it('accepts an explicit grudge and rejects unknown shapes and nodes', async () => {
    const { pkg, target } = build();
    expect(await pkg.nemesis.invoke({ f: 'start-partition', value: { n1: ['n2'], n2: ['n1'], n3: [] } })).toEqual({
      shape: 'explicit',
      grudge: { n1: ['n2'], n2: ['n1'] },
    });
    expect(target.grudge).toEqual({ n1: ['n2'], n2: ['n1'] });
    await expect(pkg.nemesis.invoke({ f: 'start-partition', value: 'triangle' })).rejects.toThrow(/unknown shape "triangle"; valid shapes: halves/);
    await expect(pkg.nemesis.invoke({ f: 'start-partition', value: { n1: ['n9'] } })).rejects.toThrow(/not a grudge/);
  });

  it('the same seed draws the same grudges', async () => {
    const grudges = async () => {
      const { pkg } = build();
      const history = await driveNemesis(pkg.generator, pkg.nemesis, { seed: 5, untilNs: 200 * S });
      return history.filter((o) => o.type === 'info' && o.f === 'start-partition').map((o) => o.value);
    };
    const a = await grudges();
    expect(a).toHaveLength(10);
    expect(await grudges()).toEqual(a);
  });

  it('teardown heals even after a start that failed half way, and never throws', async () => {
    const { pkg, target, ctx } = build();
    target.fail('partition', { after: true });
    await expect(pkg.nemesis.invoke({ f: 'start-partition', value: 'isolate-one' })).rejects.toThrow(/injected/);
    expect(Object.keys(target.grudge)).not.toHaveLength(0);
    await pkg.nemesis.teardown();
    expect(target.grudge).toEqual({});
    target.fail('partition', { times: 5 });
    await expect(pkg.nemesis.teardown()).resolves.toBeUndefined();
    expect(ctx.logs.join('\n')).toMatch(/partition teardown: healing the network failed/);
  });

  it('uses a network supplied by the run instead of the target', async () => {
    const calls: string[] = [];
    const net: NetControl = {
      partition: async (g) => void calls.push(JSON.stringify(g)),
      setLoss: async () => undefined,
      setExtraLatency: async () => undefined,
    };
    const target = fakeTarget({ caps: [] });
    const { pkg } = build(target, { net });
    await pkg.nemesis.invoke({ f: 'start-partition', value: 'halves' });
    expect(calls).toEqual([JSON.stringify(halves(target.nodes))]);
  });
});

describe('partition support', () => {
  it.each([
    ['no network control', fakeTarget({ caps: ['killable'] }), 'partition', 'partition: the target offers no network control (partitions, packet loss, latency)'],
    ['a single node', fakeTarget({ nodes: ['n1'] }), 'partition', 'partition: a cluster of one node cannot be partitioned'],
  ])('%s: unsupported', (_name, target, fault, reason) => {
    const built = partitionPackage(contextFor(target));
    expect(built.package).toBeUndefined();
    expect(built.unsupported).toEqual([{ fault, reason }]);
  });

  it('without primaries, the default draw leaves the primaries shape out without calling it unsupported (#19)', () => {
    const { pkg, unsupported } = build(fakeTarget({ caps: ['net'] }));
    expect(unsupported).toEqual([]);
    const values = simulate(pkg.generator, { concurrency: 0, maxTimeNs: 2000 * S }).map((o) => o.value);
    expect(values).not.toContain('primaries');
    expect(values).toContain('bridge');
  });

  it('asking only for primaries of a target without them leaves nothing to run', () => {
    const built = partitionPackage(contextFor(fakeTarget({ caps: ['net'] })), { shapes: ['primaries'] });
    expect(built.package).toBeUndefined();
    expect(built.unsupported.map((u) => u.fault)).toEqual(['partition:primaries', 'partition']);
  });

  it('rejects unknown shapes as input errors', () => {
    expect(() => partitionPackage(contextFor(fakeTarget()), { shapes: ['bridge', 'ring' as never] })).toThrow(
      expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/unknown partition shape\(s\) ring/) }),
    );
  });
});

describe('primaries-minority', () => {
  const hosts = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
  it('property: the primary sits in a strict minority of the configuration with ⌊(m−1)/2⌋ members, against a majority', () => {
    fc.assert(fc.property(fc.subarray(hosts, { minLength: 3 }), fc.nat(), fc.integer(), (members, pi, seed) => {
      const primary = members[pi % members.length];
      const g = primariesMinority(hosts, members, [primary], createRng(seed));
      const side = hosts.filter((h) => !(g[primary] ?? []).includes(h));
      const mine = side.filter((h) => members.includes(h));
      expect(mine).toContain(primary);
      expect(mine.length).toBe(Math.max(1, Math.floor((members.length - 1) / 2)));
      // Everyone else among the members is on the other side, all together.
      for (const m of members.filter((x) => !mine.includes(x))) {
        expect(g[primary]).toContain(m);
        for (const o of members.filter((x) => !mine.includes(x))) expect(g[m] ?? []).not.toContain(o);
      }
    }), { numRuns: 300 });
  });
  it('is drawn only when named, and refused by name on a target that names no primaries', () => {
    const { pkg } = build(fakeTarget(), {}, { shapes: ['primaries-minority'] });
    expect(pkg).toBeDefined();
    const b = partitionPackage(contextFor(fakeTarget({ caps: ['net'] })), { shapes: ['primaries-minority', 'halves'] });
    expect(b.unsupported.map((u) => u.fault)).toContain('partition:primaries-minority');
  });
});
