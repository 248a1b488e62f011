import { describe, expect, it } from 'vitest';
import { simulate } from '../../../harness/ground/generator/index.js';
import { killPackage, pausePackage, type FamilyBuild, type FaultContext } from '../../../harness/middle/faults/nemesis/index.js';
import type { FaultPackage } from '../../../harness/ground/contracts/roles.js';
import { contextFor, driveNemesis, fakeTarget, S, schedule, type Cap, type FakeTarget } from './fake-target.js';

interface Family {
  name: string;
  build: (ctx: FaultContext, options?: { targets?: never[] | string[] }) => FamilyBuild;
  fault: string;
  heal: string;
  cap: Cap;
  /** The fake's record of faulted nodes. */
  state: (t: FakeTarget) => Set<string>;
  missing: string;
}

const families: Family[] = [
  { name: 'kill', build: killPackage as Family['build'], fault: 'kill', heal: 'start', cap: 'killable', state: (t) => t.down, missing: 'kill: the target offers no killing and restarting of nodes' },
  { name: 'pause', build: pausePackage as Family['build'], fault: 'pause', heal: 'resume', cap: 'pausable', state: (t) => t.paused, missing: 'pause: the target offers no pausing and resuming of nodes' },
];

describe.each(families)('$name', (fam) => {
  const setup = (target = fakeTarget(), options = {}) => {
    const ctx = contextFor(target);
    const built = fam.build(ctx, options);
    return { pkg: built.package as FaultPackage, built, ctx, target };
  };

  it('alternates fault and heal every interval; heals everything at the end', () => {
    const { pkg } = setup();
    const history = simulate(pkg.generator, { concurrency: 1, seed: 9, maxTimeNs: 45 * S });
    // Each gap counts from the completion of the op before it (family.ts startStopCycle); ops take the simulator's 1 ms.
    expect(schedule(history)).toEqual([`${fam.fault}@10`, `${fam.heal}@20.001`, `${fam.fault}@30.002`, `${fam.heal}@40.003`]);
    const invokes = history.filter((o) => o.type === 'invoke');
    for (const o of invokes.filter((o) => o.f === fam.fault)) expect(['one', 'minority', 'majority', 'all']).toContain(o.value);
    for (const o of invokes.filter((o) => o.f === fam.heal)) expect(o.value).toBe('all');
    expect(simulate(pkg.finalGenerator, { concurrency: 2 }).filter((o) => o.type === 'invoke')).toMatchObject([
      { f: fam.heal, value: 'all', process: 'nemesis' },
    ]);
  });

  it('holds the fault for the interval from when its op completed, not from when it was invoked', () => {
    // A start op that takes 3 s (a health probe of a starved cluster, a wait for a holder) must not
    // shorten the fault: the heal comes 10 s after it completed, and the next fault 10 s after the heal did.
    const { pkg } = setup();
    const history = simulate(pkg.generator, {
      concurrency: 0, seed: 9, maxTimeNs: 45 * S,
      completer: (op) => ({ type: 'ok', latencyNs: op.f === fam.fault ? 3 * S : 2 * S }),
    });
    expect(schedule(history)).toEqual([`${fam.fault}@10`, `${fam.heal}@23`, `${fam.fault}@35`]);
  });

  it('hits a largest minority or one node, records them, and heals exactly those', async () => {
    const { pkg, target } = setup();
    const minority = (await pkg.nemesis.invoke({ f: fam.fault, value: 'minority' })) as string[];
    expect(minority).toHaveLength(2);
    expect([...fam.state(target)].sort()).toEqual(minority);
    const one = (await pkg.nemesis.invoke({ f: fam.fault, value: 'one' })) as string[];
    expect(one).toHaveLength(1);
    const healed = (await pkg.nemesis.invoke({ f: fam.heal, value: 'all' })) as string[];
    expect(healed).toEqual(target.nodes.filter((n) => minority.includes(n) || one.includes(n)));
    expect(fam.state(target).size).toBe(0);
    expect(target.calls.filter((c) => c.startsWith(`${fam.heal} `))).toHaveLength(healed.length);
  });

  it('takes explicit node lists and rejects unknown nodes', async () => {
    const { pkg, target } = setup();
    expect(await pkg.nemesis.invoke({ f: fam.fault, value: ['n4', 'n2'] })).toEqual(['n2', 'n4']);
    expect(await pkg.nemesis.invoke({ f: fam.heal, value: ['n4'] })).toEqual(['n4']);
    expect([...fam.state(target)]).toEqual(['n2']);
    await expect(pkg.nemesis.invoke({ f: fam.fault, value: ['n9'] })).rejects.toThrow(/unknown node\(s\) \["n9"\]/);
  });

  it('a driven run leaves every faulted node healed by the final generator', async () => {
    const { pkg, target } = setup();
    await driveNemesis(pkg.generator, pkg.nemesis, { seed: 1, untilNs: 95 * S });
    await driveNemesis(pkg.finalGenerator, pkg.nemesis);
    expect(target.healthy()).toBe(true);
    expect(target.calls.length).toBeGreaterThan(0);
  });

  it('teardown heals nodes whose fault failed after taking effect and whose heal failed', async () => {
    const { pkg, target, ctx } = setup();
    target.fail(`${fam.fault} n1`, { after: true });
    await expect(pkg.nemesis.invoke({ f: fam.fault, value: ['n1', 'n3'] })).rejects.toThrow(
      new RegExp(`${fam.fault} failed on n1: injected failure of ${fam.fault} n1 \\(succeeded on n3\\)`),
    );
    target.fail(`${fam.heal} n3`);
    await expect(pkg.nemesis.invoke({ f: fam.heal, value: 'all' })).rejects.toThrow(/failed on n3/);
    expect([...fam.state(target)]).toEqual(['n3']);
    await pkg.nemesis.teardown();
    expect(fam.state(target).size).toBe(0);
    expect(ctx.logs).toEqual([]);
  });

  it('teardown never throws, logs each node it could not heal, and tries it again next time', async () => {
    const { pkg, target, ctx } = setup();
    await pkg.nemesis.invoke({ f: fam.fault, value: ['n1', 'n2'] });
    target.fail(`${fam.heal} n1`, { times: 1 });
    await expect(pkg.nemesis.teardown()).resolves.toBeUndefined();
    expect(ctx.logs).toEqual([`${fam.name} teardown: ${fam.heal} n1 failed: injected failure of ${fam.heal} n1`]);
    expect([...fam.state(target)]).toEqual(['n1']);
    await pkg.nemesis.teardown();
    expect(fam.state(target).size).toBe(0);
  });

  it('is unsupported without the capability', () => {
    const built = fam.build(contextFor(fakeTarget({ caps: ['net', 'clock'] })));
    expect(built.package).toBeUndefined();
    expect(built.unsupported).toEqual([{ fault: fam.name, reason: fam.missing }]);
  });

  it('targets primaries only when the target reports them', async () => {
    const withPrimaries = setup(fakeTarget({ primaries: ['n4'] }), { targets: ['primaries'] });
    expect(await withPrimaries.pkg.nemesis.invoke({ f: fam.fault, value: 'primaries' })).toEqual(['n4']);
    const without = fam.build(contextFor(fakeTarget({ caps: [fam.cap] })), { targets: ['one', 'primaries'] });
    expect(without.package).toBeDefined();
    expect(without.unsupported.map((u) => u.fault)).toEqual([`${fam.name}:primaries`]);
  });

  it('rejects unknown targets as input errors', () => {
    expect(() => fam.build(contextFor(fakeTarget()), { targets: ['most'] })).toThrow(
      expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/unknown .* target\(s\) most/) }),
    );
  });
});
