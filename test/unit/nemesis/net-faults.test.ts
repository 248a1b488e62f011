import { describe, expect, it } from 'vitest';
import { simulate } from '../../../harness/ground/generator/index.js';
import { DEFAULT_LATENCY, latencyPackage, lossPackage } from '../../../harness/middle/faults/nemesis/index.js';
import type { FaultPackage } from '../../../harness/ground/contracts/roles.js';
import { contextFor, fakeTarget, S, schedule } from './fake-target.js';

describe('loss', () => {
  const setup = (probability?: number) => {
    const target = fakeTarget();
    const ctx = contextFor(target);
    return { pkg: lossPackage(ctx, { probability }).package as FaultPackage, target, ctx };
  };

  it('starts loss with the configured probability every other interval', () => {
    const history = simulate(setup(0.3).pkg.generator, { concurrency: 0, maxTimeNs: 45 * S });
    // Each gap counts from the completion of the op before it (family.ts startStopCycle); ops take the simulator's 1 ms.
    expect(schedule(history)).toEqual(['start-loss@10', 'stop-loss@20.001', 'start-loss@30.002', 'stop-loss@40.003']);
    expect(history.find((o) => o.f === 'start-loss')?.value).toEqual({ p: 0.3 });
  });

  it('sets and clears loss on the network, and teardown clears it without throwing', async () => {
    const { pkg, target, ctx } = setup();
    expect(await pkg.nemesis.invoke({ f: 'start-loss', value: { p: 0.2 } })).toEqual({ p: 0.2 });
    expect(target.loss).toBe(0.2);
    expect(await pkg.nemesis.invoke({ f: 'stop-loss', value: null })).toEqual({ p: 0 });
    await pkg.nemesis.invoke({ f: 'start-loss', value: { p: 1 } });
    await pkg.nemesis.teardown();
    expect(target.loss).toBe(0);
    target.fail('loss');
    await expect(pkg.nemesis.teardown()).resolves.toBeUndefined();
    expect(ctx.logs).toEqual(['loss teardown failed: injected failure of loss 0']);
    await expect(pkg.nemesis.invoke({ f: 'start-loss', value: { p: 2 } })).rejects.toThrow(/p must be a number in \(0, 1\]/);
  });

  it('rejects a bad configured probability and reports a missing network', () => {
    expect(() => setup(0)).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(lossPackage(contextFor(fakeTarget({ caps: [] }))).unsupported[0].reason).toMatch(/^loss: the target offers no network control/);
  });
});

describe('latency', () => {
  const setup = () => {
    const target = fakeTarget();
    return { pkg: latencyPackage(contextFor(target)).package as FaultPackage, target };
  };

  it('adds the default extra latency every other interval and heals at the end', () => {
    const { pkg } = setup();
    const history = simulate(pkg.generator, { concurrency: 0, maxTimeNs: 25 * S });
    // Each gap counts from the completion of the op before it (family.ts startStopCycle); ops take the simulator's 1 ms.
    expect(schedule(history)).toEqual(['start-latency@10', 'stop-latency@20.001']);
    expect(history[0].value).toEqual({ dist: DEFAULT_LATENCY });
    expect(schedule(simulate(pkg.finalGenerator, { concurrency: 0 }))).toEqual(['stop-latency@0']);
  });

  it('sets and clears latency on the network; teardown clears it', async () => {
    const { pkg, target } = setup();
    const dist = { kind: 'exponential', meanMs: 30 } as const;
    expect(await pkg.nemesis.invoke({ f: 'start-latency', value: { dist } })).toEqual({ dist });
    expect(target.latency).toEqual(dist);
    await pkg.nemesis.teardown();
    expect(target.latency).toBeNull();
    await expect(pkg.nemesis.invoke({ f: 'start-latency', value: { dist: { kind: 'uniform', minMs: 9, maxMs: 1 } } })).rejects.toThrow(
      /dist must be/,
    );
  });

  it('rejects a bad configured distribution', () => {
    expect(() => latencyPackage(contextFor(fakeTarget()), { dist: { kind: 'constant', ms: -1 } })).toThrow(/latency distribution must be/);
  });
});
