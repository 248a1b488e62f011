import { describe, expect, it } from 'vitest';
import { simulate } from '../../../harness/ground/generator/index.js';
import { clockPackage, type ClockOptions, type StrobeResult } from '../../../harness/middle/faults/nemesis/index.js';
import type { FaultPackage } from '../../../harness/ground/contracts/roles.js';
import { contextFor, driveNemesis, fakeTarget, S, schedule } from './fake-target.js';

function setup(options: ClockOptions = {}, sleep?: (ms: number) => Promise<void>) {
  const target = fakeTarget();
  const ctx = contextFor(target, sleep ? { sleep } : {});
  const built = clockPackage(ctx, options);
  return { pkg: built.package as FaultPackage, built, ctx, target };
}

type Offsets = { offsets: Record<string, number> };

describe('clock generator', () => {
  it('bumps or strobes every other interval and resets in between; resets all at the end', () => {
    const { pkg } = setup();
    const history = simulate(pkg.generator, { concurrency: 0, seed: 4, maxTimeNs: 400 * S });
    const fs = schedule(history).map((s) => s.replace(/@.*/, ''));
    fs.forEach((f, i) => expect(i % 2 === 0 ? ['bump-clock', 'strobe-clock'] : ['reset-clock']).toContain(f));
    expect(new Set(fs)).toEqual(new Set(['bump-clock', 'strobe-clock', 'reset-clock']));
    expect(schedule(history).slice(0, 2)).toEqual([expect.stringMatching(/-clock@10$/), 'reset-clock@20.001']);
    expect(simulate(pkg.finalGenerator, { concurrency: 1 }).filter((o) => o.type === 'invoke')).toMatchObject([
      { f: 'reset-clock', value: 'all', process: 'nemesis' },
    ]);
  });
});

describe('clock nemesis', () => {
  it('bumps a random subset by log-uniform offsets within bounds, on top of the current offsets', async () => {
    const { pkg, target } = setup({ minOffsetMs: 10, maxOffsetMs: 1000 });
    target.offsets = { n1: 5 };
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const before = { ...target.offsets };
      const { offsets } = (await pkg.nemesis.invoke({ f: 'bump-clock', value: 'random-subset' })) as Offsets;
      expect(Object.keys(offsets).length).toBeGreaterThan(0);
      for (const [n, o] of Object.entries(offsets)) {
        const delta = Math.abs(o - (before[n] ?? 0));
        expect(delta).toBeGreaterThanOrEqual(10);
        expect(delta).toBeLessThanOrEqual(1000);
        expect(target.offsets[n]).toBe(o);
        seen.add(o > (before[n] ?? 0) ? '+' : '-');
      }
    }
    expect(seen).toEqual(new Set(['+', '-']));
  });

  it('takes an explicit map of node to delta', async () => {
    const { pkg, target } = setup();
    target.offsets = { n2: 100 };
    expect(await pkg.nemesis.invoke({ f: 'bump-clock', value: { n3: -50, n2: 25 } })).toEqual({ offsets: { n2: 125, n3: -50 } });
    await expect(pkg.nemesis.invoke({ f: 'bump-clock', value: { n3: 'soon' } })).rejects.toThrow(/not a map of node to offset/);
  });

  it('strobes between +delta and the offset it found, a bounded number of times, and restores it', async () => {
    const { pkg, target, ctx } = setup();
    target.offsets = { n1: 7 };
    const value = { nodes: ['n1', 'n2'], deltaMs: 500, periodMs: 100, durationMs: 450 };
    const result = (await pkg.nemesis.invoke({ f: 'strobe-clock', value })) as StrobeResult;
    expect(result).toEqual({ nodes: ['n1', 'n2'], deltaMs: 500, periodMs: 100, durationMs: 450, flips: 5, offsets: { n1: 7, n2: 0 }, samples: expect.any(Array) });
    // #24: every flip of a short strobe is recorded, so the report can draw it.
    expect(result.samples.map((x) => x.high)).toEqual([true, false, true, false, true]);
    const n1 = target.calls.filter((c) => c.startsWith('clock n1 ')).map((c) => Number(c.split(' ')[2]));
    expect(n1).toEqual([507, 7, 507, 7, 507, 7]);
    expect(ctx.sleeps).toEqual([100, 100, 100, 100, 100]);
    expect(target.offsets).toEqual({ n1: 7, n2: 0 });
  });

  it('#24: a strobe of thousands of flips records a bounded sample of them, both states in every pair', async () => {
    const { pkg } = setup();
    const r = (await pkg.nemesis.invoke({ f: 'strobe-clock', value: { nodes: ['n1'], deltaMs: 40, periodMs: 1, durationMs: 5_000 } })) as StrobeResult;
    expect(r.flips).toBe(5_000);
    expect(r.samples.length).toBeGreaterThanOrEqual(2 * 90);
    expect(r.samples.length).toBeLessThanOrEqual(2 * 101);
    for (let i = 0; i + 1 < r.samples.length; i += 2) expect([r.samples[i].high, r.samples[i + 1].high]).toEqual([true, false]);
    expect(r.samples.every((x, i) => i === 0 || x.atMs >= r.samples[i - 1].atMs)).toBe(true);
  });

  it('draws strobe parameters when the op names only nodes', async () => {
    const { pkg } = setup({ strobeDurationMs: 1000, maxStrobePeriodMs: 64 });
    const r = (await pkg.nemesis.invoke({ f: 'strobe-clock', value: 'one' })) as StrobeResult;
    expect(r.nodes).toHaveLength(1);
    expect(r.periodMs).toBeGreaterThanOrEqual(1);
    expect(r.periodMs).toBeLessThanOrEqual(64);
    expect(r.flips).toBe(Math.ceil(1000 / r.periodMs));
  });

  it('teardown cancels a running strobe, then resets every clock', async () => {
    let release: () => void = () => undefined;
    const { pkg, target } = setup({}, () => new Promise<void>((resolve) => (release = resolve)));
    const strobe = pkg.nemesis.invoke({ f: 'strobe-clock', value: { nodes: ['n2'], deltaMs: 300, periodMs: 10, durationMs: 60_000 } });
    await new Promise((r) => setTimeout(r, 5));
    expect(target.offsets.n2).toBe(300);
    const teardown = pkg.nemesis.teardown();
    release();
    await teardown;
    const r = (await strobe) as StrobeResult;
    expect(r.flips).toBe(1);
    expect(Object.values(target.offsets).every((o) => o === 0)).toBe(true);
    expect(Object.keys(target.offsets).sort()).toEqual(target.nodes);
  });

  it('a strobe whose flip fails still restores the offsets, and says so', async () => {
    const { pkg, target } = setup();
    target.fail('clock n1 1000');
    await expect(
      pkg.nemesis.invoke({ f: 'strobe-clock', value: { nodes: ['n1'], deltaMs: 1000, periodMs: 10, durationMs: 100 } }),
    ).rejects.toThrow(/strobe-clock failed on n1/);
    expect(target.offsets.n1).toBe(0);
  });

  it('reset records the zeroed offsets; teardown resets all nodes and never throws', async () => {
    const { pkg, target, ctx } = setup();
    await pkg.nemesis.invoke({ f: 'bump-clock', value: 'all' });
    expect(await pkg.nemesis.invoke({ f: 'reset-clock', value: ['n2'] })).toEqual({ offsets: { n2: 0 } });
    target.fail('clock n4');
    await expect(pkg.nemesis.teardown()).resolves.toBeUndefined();
    expect(ctx.logs).toEqual(['clock teardown: resetting the clock of n4 failed: injected failure of clock n4 0']);
    expect(Object.entries(target.offsets).filter(([, o]) => o !== 0).map(([n]) => n)).toEqual(['n4']);
  });

  it('a driven run ends with every clock at true time', async () => {
    const { pkg, target } = setup();
    await driveNemesis(pkg.generator, pkg.nemesis, { seed: 2, untilNs: 150 * S });
    await driveNemesis(pkg.finalGenerator, pkg.nemesis);
    expect(target.calls.length).toBeGreaterThan(10);
    expect(target.healthy()).toBe(true);
  });
});

describe('clock support', () => {
  it('names the missing capability and the reason the target gives', () => {
    const target = fakeTarget({ caps: ['net'], extra: { clockUnsupportedReason: 'libfaketime is not installed' } });
    expect(clockPackage(contextFor(target)).unsupported).toEqual([
      { fault: 'clock', reason: 'clock: the target offers no clock control (libfaketime is not installed)' },
    ]);
    expect(clockPackage(contextFor(fakeTarget({ caps: [] }))).unsupported[0].reason).toBe('clock: the target offers no clock control');
  });

  it('rejects nonsensical options as input errors', () => {
    expect(() => clockPackage(contextFor(fakeTarget()), { minOffsetMs: 100, maxOffsetMs: 10 })).toThrow(/must not exceed/);
    expect(() => clockPackage(contextFor(fakeTarget()), { strobeDurationMs: -1 })).toThrow(/strobeDurationMs must be a positive/);
  });
});

describe('clock targets (--node-targets)', () => {
  it('draws every bump and strobe from the targets given, and the primaries resolve at the fault', async () => {
    const target = fakeTarget({ primaries: ['n4'] });
    const built = clockPackage(contextFor(target), { targets: ['primaries'] });
    const pkg = built.package as FaultPackage;
    const history = simulate(pkg.generator, { concurrency: 0, seed: 9, maxTimeNs: 400 * S });
    const starts = history.filter((o) => o.type === 'invoke' && o.f !== 'reset-clock');
    expect(starts.length).toBeGreaterThan(5);
    for (const o of starts) expect(o.value).toBe('primaries');
    const { offsets } = (await pkg.nemesis.invoke({ f: 'bump-clock', value: 'primaries' })) as Offsets;
    expect(Object.keys(offsets)).toEqual(['n4']);
  });

  it('defaults to random subsets and the primaries, and only random subsets without primaries', () => {
    const values = (t: ReturnType<typeof fakeTarget>): Set<unknown> => {
      const pkg = clockPackage(contextFor(t)).package as FaultPackage;
      const h = simulate(pkg.generator, { concurrency: 0, seed: 3, maxTimeNs: 2000 * S });
      return new Set(h.filter((o) => o.type === 'invoke' && o.f !== 'reset-clock').map((o) => o.value));
    };
    expect(values(fakeTarget())).toEqual(new Set(['random-subset', 'primaries']));
    expect(values(fakeTarget({ caps: ['clock'] }))).toEqual(new Set(['random-subset']));
  });

  it('reports primaries unsupported on a target that names none, and rejects unknown targets', () => {
    const built = clockPackage(contextFor(fakeTarget({ caps: ['clock'] })), { targets: ['one', 'primaries'] });
    expect(built.package).toBeDefined();
    expect(built.unsupported.map((u) => u.fault)).toEqual(['clock:primaries']);
    const none = clockPackage(contextFor(fakeTarget({ caps: ['clock'] })), { targets: ['primaries'] });
    expect(none.package).toBeUndefined();
    expect(() => clockPackage(contextFor(fakeTarget()), { targets: ['most' as never] })).toThrow(
      expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/unknown clock target\(s\) most/) }),
    );
  });
});
