import { describe, expect, it } from 'vitest';
import { any, clients, createRng, phases, simulate, timeLimit } from '../../../harness/ground/generator/index.js';
import { InputError } from '../../../harness/ground/history/errors.js';
import { buildFaults, FAULT_NAMES, faultOptionsOf, parseFaultNames } from '../../../harness/middle/faults/nemesis/index.js';
import { ALL_CAPS, driveNemesis, fakeTarget, MS, S, schedule } from './fake-target.js';

const ALL = ['partition', 'kill', 'pause', 'clock', 'loss', 'latency'];
const fake = (ms: number) => Promise.resolve(void ms);

describe('fault names', () => {
  it('accepts lists and comma-separated entries, without duplicates', () => {
    expect(parseFaultNames(['partition,kill', ' clock ', 'kill', ''])).toEqual(['partition', 'kill', 'clock']);
  });

  it('rejects an unknown name with an input error listing the valid ones', () => {
    expect(() => buildFaults(['partition', 'bitflip'], fakeTarget())).toThrow(InputError);
    expect(() => buildFaults(['bitflip'], fakeTarget())).toThrow(
      `unknown fault 'bitflip'; valid faults are ${FAULT_NAMES.join(', ')}`,
    );
  });

  it('rejects a non-positive interval', () => {
    expect(() => buildFaults(['kill'], fakeTarget(), { interval: 0 })).toThrow(/fault interval must be a positive/);
  });
});

describe('buildFaults', () => {
  it('none builds nothing: no ops, a nemesis that handles nothing and heals nothing', async () => {
    const faults = buildFaults(['none'], fakeTarget());
    expect(faults.packages).toEqual([]);
    expect(faults.unsupported).toEqual([]);
    expect(faults.nemesis.fs).toEqual([]);
    expect(simulate(faults.generator, { concurrency: 2 })).toEqual([]);
    expect(simulate(faults.finalGenerator, { concurrency: 2 })).toEqual([]);
    await expect(faults.nemesis.teardown()).resolves.toBeUndefined();
  });

  it('declares, per family, bands whose start and stop are fs its own nemesis handles (the report and progress read only these)', () => {
    const faults = buildFaults(ALL, fakeTarget(), { seed: 1 });
    for (const p of faults.packages) {
      expect(p.bands.length, p.name).toBeGreaterThan(0);
      for (const b of p.bands) {
        expect(p.nemesis.fs, `${p.name} band ${b.name}`).toContain(b.start);
        expect(p.nemesis.fs, `${p.name} band ${b.name}`).toContain(b.stop);
      }
    }
  });

  it('composes every family in heal order, one nemesis routing each f', () => {
    const faults = buildFaults([...ALL].reverse(), fakeTarget(), { seed: 1 });
    expect(faults.packages.map((p) => p.name)).toEqual(['partition', 'loss', 'latency', 'clock', 'pause', 'kill']);
    expect(faults.unsupported).toEqual([]);
    expect(faults.nemesis.fs).toEqual([
      'start-partition', 'stop-partition', 'start-loss', 'stop-loss', 'start-latency', 'stop-latency',
      'bump-clock', 'strobe-clock', 'reset-clock', 'pause', 'resume', 'kill', 'start',
    ]);
    expect(schedule(simulate(faults.finalGenerator, { concurrency: 3 }))).toEqual([
      'stop-partition@0', 'stop-loss@0.001', 'stop-latency@0.002', 'reset-clock@0.003', 'resume@0.004', 'start@0.005',
    ]);
  });

  it('runs the families side by side, shifted within an interval, on the nemesis thread only', () => {
    const faults = buildFaults(['partition', 'kill'], fakeTarget(), { seed: 1, interval: 4 * S });
    const gen = timeLimit(17 * S, clients(() => ({ f: 'read' }), faults.generator));
    const history = simulate(gen, { concurrency: 3, seed: 1, completer: () => ({ type: 'ok', latencyNs: 100 * MS }) });
    for (const op of history) expect(op.process === 'nemesis').toBe(op.f !== 'read');
    // Each family's gaps count from the completion of its own previous op (100 ms here), not from the
    // other family's: partition's stop comes 4 s after its start completed, kill's heal 4 s after the kill did.
    expect(schedule(history).filter((s) => !s.startsWith('read'))).toEqual([
      'start-partition@4', 'kill@6', 'stop-partition@8.1', 'start@10.1', 'start-partition@12.2', 'kill@14.2', 'stop-partition@16.3',
    ]);
  });

  it('the same seed gives the same schedule, another seed another one', () => {
    const run = (seed: number) => {
      const faults = buildFaults(ALL, fakeTarget(), { seed });
      return simulate(faults.generator, { concurrency: 2, seed, maxTimeNs: 300 * S }).map((o) => [o.time, o.f, o.value]);
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it("a family's choices do not depend on which other families are enabled", async () => {
    const kills = async (names: string[]) => {
      const target = fakeTarget();
      const faults = buildFaults(names, target, { rng: createRng('x') });
      for (let i = 0; i < 5; i++) await faults.nemesis.invoke({ f: 'kill', value: 'minority' });
      return target.calls.filter((c) => c.startsWith('kill'));
    };
    expect(await kills(['kill'])).toEqual(await kills(['partition', 'kill', 'clock']));
  });

  it('reports what the target cannot take, naming the missing capability', () => {
    const target = fakeTarget({ caps: ['net', 'pausable'], extra: { clockUnsupportedReason: 'libfaketime is not installed' } });
    const faults = buildFaults(ALL, target);
    expect(faults.packages.map((p) => p.name)).toEqual(['partition', 'loss', 'latency', 'pause']);
    // No partition:primaries: the default draw leaves out a shape the user never asked for (#19).
    expect(faults.unsupported).toEqual([
      { fault: 'clock', reason: 'clock: the target offers no clock control (libfaketime is not installed)' },
      { fault: 'kill', reason: 'kill: the target offers no killing and restarting of nodes' },
    ]);
    expect(faults.nemesis.fs).not.toContain('kill');
  });

  it('an op no enabled family handles fails clearly', async () => {
    const faults = buildFaults(['kill'], fakeTarget());
    await expect(faults.nemesis.invoke({ f: 'start-partition', value: 'halves' })).rejects.toThrow(
      /no enabled fault handles the nemesis op start-partition; handled: kill, start/,
    );
  });
});

describe('the composed nemesis', () => {
  it('a whole driven run, healed by the final generator, leaves the cluster healthy', async () => {
    const target = fakeTarget();
    const faults = buildFaults(ALL, target, { seed: 3, sleep: fake, interval: 5 * S });
    const history = await driveNemesis(phases(faults.generator), faults.nemesis, { seed: 3, untilNs: 120 * S });
    expect(history.filter((o) => o.type === 'info' && o.error !== undefined)).toEqual([]);
    expect(new Set(history.map((o) => o.f))).toEqual(new Set(faults.nemesis.fs));
    await driveNemesis(faults.finalGenerator, faults.nemesis);
    expect(target.healthy()).toBe(true);
  });

  it('teardown heals everything after partial failures, and never throws', async () => {
    const target = fakeTarget();
    const logs: string[] = [];
    const faults = buildFaults(ALL, target, { seed: 3, sleep: fake, log: (m) => logs.push(m) });
    const n = faults.nemesis;
    target.fail('kill n2', { after: true });
    await n.invoke({ f: 'kill', value: ['n2', 'n3'] }).catch(() => undefined);
    await n.invoke({ f: 'pause', value: ['n4'] });
    await n.invoke({ f: 'bump-clock', value: { n1: 5000 } });
    target.fail('partition', { after: true });
    await n.invoke({ f: 'start-partition', value: 'majorities-ring' }).catch(() => undefined);
    await n.invoke({ f: 'start-loss', value: { p: 0.5 } });
    await n.invoke({ f: 'start-latency', value: { dist: { kind: 'constant', ms: 100 } } });
    target.fail('start n3');
    await n.invoke({ f: 'start', value: 'all' }).catch(() => undefined);
    expect(target.healthy()).toBe(false);

    // Every heal fails once: teardown logs them, carries on, and a second teardown finishes the job.
    for (const call of ['partition', 'loss', 'latency', 'clock n1', 'resume', 'start']) target.fail(call);
    await expect(n.teardown()).resolves.toBeUndefined();
    expect(logs).toHaveLength(6);
    await n.teardown();
    expect(target.healthy()).toBe(true);
    expect(target.down.size + target.paused.size).toBe(0);
  });

  it('teardown survives a member that throws despite its contract', async () => {
    const target = fakeTarget({ caps: ALL_CAPS.filter((c) => c !== 'clock') });
    const logs: string[] = [];
    const faults = buildFaults(['partition', 'kill'], target, { log: (m) => logs.push(m) });
    faults.packages[0].nemesis.teardown = () => Promise.reject(new Error('boom'));
    await faults.nemesis.invoke({ f: 'kill', value: ['n1'] });
    await expect(faults.nemesis.teardown()).resolves.toBeUndefined();
    expect(logs).toEqual(['nemesis teardown (start-partition, stop-partition) failed: boom']);
    expect(target.down.size).toBe(0);
  });

  it('works with the run lifecycle shape: phases of a time limit, then the final generator', () => {
    const faults = buildFaults(['pause', 'loss'], fakeTarget(), { seed: 1, interval: 3 * S });
    const gen = phases(timeLimit(10 * S, any(clients(() => ({ f: 'read' })), faults.generator)), faults.finalGenerator);
    const nemesisOps = simulate(gen, { concurrency: 2, completer: () => ({ type: 'ok', latencyNs: 50 * MS }) }).filter(
      (o) => o.process === 'nemesis' && o.type === 'invoke',
    );
    expect(nemesisOps.map((o) => o.f)).toEqual(['start-loss', 'pause', 'stop-loss', 'resume', 'start-loss', 'stop-loss', 'resume']);
  });
});

describe('faultOptionsOf', () => {
  it('hands --node-targets to kill, pause and clock, and --partition-shapes to partitions', () => {
    const o = faultOptionsOf({ seed: 1, faultIntervalS: 2, nodeTargets: ['primaries'], partitionShapes: ['primaries'] });
    expect(o).toMatchObject({ seed: 1, interval: 2e9, kill: { targets: ['primaries'] }, pause: { targets: ['primaries'] }, clock: { targets: ['primaries'] }, partition: { shapes: ['primaries'] } });
    expect(faultOptionsOf({ seed: 1, faultIntervalS: 2 }).clock).toBeUndefined();
  });
});

describe('a family\'s choices under other timing', () => {
  // Which family's op comes next depends on when each family's ops completed; what each family asks
  // for (shape, nodes, bump or strobe) must not: it draws from a stream counted in its own ops.
  const perFamily = (seed: number, latencyOf: (f: string, k: number) => number): Record<string, string[]> => {
    const faults = buildFaults(['partition', 'kill', 'pause', 'clock'], fakeTarget(), { seed, interval: 2 * S });
    const familyOf = new Map(faults.packages.flatMap((p) => p.nemesis.fs.map((f) => [f, p.name] as const)));
    let k = 0;
    const h = simulate(faults.generator, {
      concurrency: 0, seed, maxTimeNs: 120 * S,
      completer: (op) => ({ type: 'info', latencyNs: latencyOf(op.f, k++) }),
    });
    const out: Record<string, string[]> = {};
    for (const o of h.filter((x) => x.type === 'invoke')) (out[familyOf.get(o.f)!] ??= []).push(JSON.stringify([o.f, o.value]));
    return out;
  };
  const prefixes = (a: Record<string, string[]>, b: Record<string, string[]>): void => {
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const f of Object.keys(a)) {
      const m = Math.min(a[f].length, b[f].length);
      expect(m, f).toBeGreaterThanOrEqual(5);
      expect(b[f].slice(0, m), f).toEqual(a[f].slice(0, m));
    }
  };

  it('ops that take 1 ms or up to 1.5 s: the families interleave differently, each asks for the same faults', () => {
    const quick = perFamily(7, () => MS);
    const slow = perFamily(7, (f, k) => ((k * 7919) % 1500) * MS);
    prefixes(quick, slow);
    // The interleaving did change, or this test would not show anything.
    const order = (x: Record<string, string[]>): string => Object.entries(x).map(([f, ops]) => `${f}:${ops.length}`).join(' ');
    expect(order(slow)).not.toEqual(order(quick));
  });

  it('another seed asks for other faults', () => {
    const a = perFamily(7, () => MS);
    const c = perFamily(8, () => MS);
    expect(JSON.stringify(c)).not.toEqual(JSON.stringify(a));
  });
});
