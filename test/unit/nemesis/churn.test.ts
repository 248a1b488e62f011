/**
 * Leader churn's pure logic against a fake target whose "cluster" elects a leader among the nodes
 * that can still hear a majority, and whose cut-off leaders keep believing they lead (as a real
 * isolated Raft leader does until check-quorum).
 */
import { describe, expect, it } from 'vitest';
import { createRng, simulate } from '../../../harness/ground/generator/index.js';
import { InputError } from '../../../harness/ground/history/errors.js';
import { buildFaults, churnPackage, isolationGrudge, MAX_RECORDED_STEPS, type ChurnResult } from '../../../harness/middle/faults/nemesis/index.js';
import type { FaultPackage } from '../../../harness/ground/contracts/roles.js';
import { contextFor, fakeTarget, S, schedule, type FakeTarget } from './fake-target.js';

/** Nodes a grudge cuts off from everyone else. */
const cutOff = (t: FakeTarget): string[] => Object.entries(t.grudge).filter(([, drops]) => drops.length === t.nodes.length - 1).map(([n]) => n);

/** A fake whose leader is the first node still connected; every node it cut off that once led still claims to lead. */
function electingTarget(nodes = ['n1', 'n2', 'n3', 'n4', 'n5']): FakeTarget {
  const t = fakeTarget({ nodes });
  const everLed = new Set<string>();
  t.primaries = {
    primaries: async () => {
      const off = new Set(cutOff(t));
      const leader = t.nodes.find((n) => !off.has(n));
      if (leader !== undefined) everLed.add(leader);
      return [...everLed].filter((n) => off.has(n) || n === leader);
    },
  };
  return t;
}

function build(target: FakeTarget, over = {}, options = {}) {
  const ctx = contextFor(target, over);
  const built = churnPackage(ctx, options);
  return { ...built, pkg: built.package as FaultPackage, ctx };
}

describe('isolationGrudge', () => {
  it('cuts each isolated node off from everyone and leaves the rest together', () => {
    expect(isolationGrudge(['a', 'b', 'c', 'd', 'e'], new Set())).toEqual({});
    const g = isolationGrudge(['a', 'b', 'c', 'd', 'e'], new Set(['b', 'd']));
    expect(g.b?.sort()).toEqual(['a', 'c', 'd', 'e']);
    expect(g.d?.sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(g.a?.sort()).toEqual(['b', 'd']);
    expect(g.c?.sort()).toEqual(['b', 'd']);
  });
});

describe('leader-churn generator', () => {
  it('churns for one op every interval, each followed at once by a heal', () => {
    const { pkg } = build(electingTarget(), { interval: 2 * S });
    const fs = schedule(simulate(pkg.generator, { concurrency: 0, maxTimeNs: 9 * S })).map((x) => x.split('@')[0]);
    expect(fs.slice(0, 4)).toEqual(['start-churn', 'stop-churn', 'start-churn', 'stop-churn']);
    expect(schedule(simulate(pkg.finalGenerator, { concurrency: 0 }))).toEqual(['stop-churn@0']);
  });
});

describe('leader-churn nemesis', () => {
  it('cuts off only leaders that can still reach others, keeps a majority connected, and ends healed', async () => {
    const t = electingTarget();
    const { pkg } = build(t);
    const seen: string[][] = [];
    const partition = t.net!.partition;
    t.net!.partition = async (g) => {
      await partition(g);
      seen.push(cutOff(t));
    };
    const r = (await pkg.nemesis.invoke({ f: 'start-churn', value: 2_000 })) as ChurnResult;
    expect(r.looks).toBeGreaterThan(50);
    expect(r.isolations).toBeGreaterThan(10);
    expect(r.steps.filter((s) => s.isolate).length).toBe(r.isolations);
    expect(r.steps.filter((s) => s.rejoin).length).toBe(r.rejoins);
    // Never more than a minority cut off once a step settles; the last change heals.
    for (const off of seen.slice(0, -1)) expect(off.length).toBeLessThanOrEqual(2);
    expect(seen.at(-1)).toEqual([]);
    expect(t.grudge).toEqual({});
    // Each node cut off was, at that look, a leader not already cut off.
    const off = new Set<string>();
    for (const s of r.steps) {
      if (s.isolate) {
        expect(off.has(s.isolate)).toBe(false);
        off.add(s.isolate);
      }
      if (s.rejoin) {
        expect(off.has(s.rejoin)).toBe(true);
        off.delete(s.rejoin);
      }
    }
    // A rejoin never brings back the leader cut off in the same look while another is waiting.
    for (let i = 1; i < r.steps.length; i++) {
      const [a, b] = [r.steps[i - 1], r.steps[i]];
      if (a.isolate && b.rejoin && a.atMs === b.atMs) expect(b.rejoin).not.toBe(a.isolate);
    }
    expect(r.steps.every((s, i) => i === 0 || s.atMs >= r.steps[i - 1].atMs)).toBe(true);
  });

  it('waits mostly up to 13 ms between looks, one in ten up to the long wait', async () => {
    const { pkg, ctx } = build(electingTarget(), {}, { longWaitMs: 60 });
    await pkg.nemesis.invoke({ f: 'start-churn', value: 5_000 });
    const long = ctx.sleeps.filter((ms) => ms > 13);
    expect(Math.max(...ctx.sleeps)).toBeLessThanOrEqual(60);
    expect(long.length / ctx.sleeps.length).toBeGreaterThan(0.03);
    expect(long.length / ctx.sleeps.length).toBeLessThan(0.1);
    expect(() => churnPackage(contextFor(electingTarget()), { longWaitMs: -1 })).toThrow(/longWaitMs must be a number of ms ≥ 0/);
  });

  it('keeps the first steps only, and keeps its rules after that', async () => {
    const t = electingTarget();
    const { pkg } = build(t);
    let most = 0;
    const partition = t.net!.partition;
    t.net!.partition = async (g) => {
      await partition(g);
      most = Math.max(most, cutOff(t).length);
    };
    const r = (await pkg.nemesis.invoke({ f: 'start-churn', value: 300_000 })) as ChurnResult;
    expect(r.isolations).toBeGreaterThan(MAX_RECORDED_STEPS);
    expect(r.steps).toHaveLength(MAX_RECORDED_STEPS);
    expect(most).toBeLessThanOrEqual(2);
    expect(t.grudge).toEqual({});
  });

  it('makes the same choices for the same seed', async () => {
    const run = async (seed: number) => {
      const { pkg } = build(electingTarget(), { rng: createRng(seed) });
      return ((await pkg.nemesis.invoke({ f: 'start-churn', value: 500 })) as ChurnResult).steps;
    };
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });

  it('teardown stops a running churn and heals', async () => {
    const t = electingTarget();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let sleeps = 0;
    const { pkg } = build(t, { sleep: async () => { if (++sleeps === 20) await gate; } });
    const running = pkg.nemesis.invoke({ f: 'start-churn', value: 60_000 });
    while (sleeps < 20) await new Promise((r) => setTimeout(r, 1));
    const torn = pkg.nemesis.teardown();
    release();
    await torn;
    const r = (await running) as ChurnResult;
    expect(r.looks).toBeLessThan(21);
    expect(t.grudge).toEqual({});
  });

  it('is unsupported, with the reason, without a network, without primaries, or below 3 nodes', () => {
    const noPrimaries = churnPackage(contextFor(fakeTarget({ caps: ['net'] })));
    expect(noPrimaries.package).toBeUndefined();
    expect(noPrimaries.unsupported[0].reason).toMatch(/leader-churn: the target offers no report of its current primaries/);
    const noNet = churnPackage(contextFor(fakeTarget({ caps: ['primaries'] })));
    expect(noNet.unsupported[0].reason).toMatch(/leader-churn: the target offers no network control/);
    const two = churnPackage(contextFor(fakeTarget({ nodes: ['a', 'b'] })));
    expect(two.unsupported[0].reason).toMatch(/fewer than 3 nodes/);
  });

  it('with cut: pause, pauses the leaders it cuts off and resumes those that rejoin, never partitions, and ends with all resumed', async () => {
    const t = fakeTarget();
    const everLed = new Set<string>();
    // The leader is the first node not paused; a paused node answers nothing, so it is not reported.
    t.primaries = {
      primaries: async () => {
        const leader = t.nodes.find((n) => !t.paused.has(n));
        if (leader !== undefined) everLed.add(leader);
        return leader === undefined ? [] : [leader];
      },
    };
    const partitions: unknown[] = [];
    const partition = t.net!.partition;
    t.net!.partition = async (g) => { partitions.push(g); await partition(g); };
    const pausedCounts: number[] = [];
    const pause = t.pausable!.pause;
    t.pausable!.pause = async (n) => { await pause(n); pausedCounts.push(t.paused.size); };
    const { pkg } = build(t, {}, { cut: 'pause' });
    const r = (await pkg.nemesis.invoke({ f: 'start-churn', value: 2_000 })) as ChurnResult;
    expect(r.isolations).toBeGreaterThan(10);
    expect(r.rejoins).toBeGreaterThan(5);
    // At most two paused once a step settles (a third pause is followed at once by a resume).
    expect(Math.max(...pausedCounts)).toBeLessThanOrEqual(3);
    expect(t.paused.size).toBe(0);
    expect(partitions.every((g) => Object.keys(g as object).length === 0)).toBe(true);
    expect(everLed.size).toBeGreaterThan(2);
  });

  it('with cut: pause, is unsupported on a target that cannot pause, and refuses an unknown cut', () => {
    const noPause = churnPackage(contextFor(fakeTarget({ caps: ['net', 'primaries'] })), { cut: 'pause' });
    expect(noPause.unsupported[0].reason).toMatch(/leader-churn: the target offers no/);
    expect(() => churnPackage(contextFor(fakeTarget()), { cut: 'freeze' as never })).toThrow(/cut must be partition or pause/);
  });

  it('refuses to run beside partition, which would undo its cuts', () => {
    expect(() => buildFaults(['partition', 'leader-churn'], fakeTarget())).toThrow(InputError);
    expect(() => buildFaults(['partition,leader-churn'], fakeTarget())).toThrow(/use one of them per run/);
    expect(buildFaults(['leader-churn', 'kill'], fakeTarget()).packages.map((p) => p.name)).toEqual(['leader-churn', 'kill']);
  });
});
