import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../../harness/ground/generator/index.js';
import { bandwidthPackage, buildFaults, DEFAULT_BANDWIDTH_KBIT } from '../../../harness/middle/faults/nemesis/index.js';
import type { FaultPackage } from '../../../harness/ground/contracts/roles.js';
import { MaelstromCluster } from '../../../harness/middle/maelstrom/cluster.js';
import { contextFor, fakeTarget, S, schedule } from './fake-target.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('bandwidth', () => {
  const setup = (rateKbit?: number) => {
    const target = fakeTarget();
    const ctx = contextFor(target);
    return { pkg: bandwidthPackage(ctx, { rateKbit }).package as FaultPackage, target, ctx };
  };

  it('caps the rate every other interval with the configured rate, and heals at the end', () => {
    const { pkg } = setup(250);
    const history = simulate(pkg.generator, { concurrency: 0, maxTimeNs: 45 * S });
    // Each gap counts from the completion of the op before it (family.ts startStopCycle); ops take the simulator's 1 ms.
    expect(schedule(history)).toEqual(['start-bandwidth@10', 'stop-bandwidth@20.001', 'start-bandwidth@30.002', 'stop-bandwidth@40.003']);
    expect(history.find((o) => o.f === 'start-bandwidth')?.value).toEqual({ rateKbit: 250 });
    expect(schedule(simulate(pkg.finalGenerator, { concurrency: 0 }))).toEqual(['stop-bandwidth@0']);
    expect(setup().pkg.bands).toEqual([{ name: 'bandwidth', start: 'start-bandwidth', stop: 'stop-bandwidth' }]);
  });

  it('sets and lifts the cap on the network; teardown lifts it, logs a failure and never throws', async () => {
    const { pkg, target, ctx } = setup();
    expect(await pkg.nemesis.invoke({ f: 'start-bandwidth', value: { rateKbit: DEFAULT_BANDWIDTH_KBIT } })).toEqual({ rateKbit: 1000 });
    expect(target.bandwidth).toBe(1000);
    expect(await pkg.nemesis.invoke({ f: 'stop-bandwidth', value: null })).toEqual({ rateKbit: null });
    expect(target.bandwidth).toBeNull();
    await pkg.nemesis.invoke({ f: 'start-bandwidth', value: { rateKbit: 64 } });
    target.fail('bandwidth');
    await expect(pkg.nemesis.teardown()).resolves.toBeUndefined();
    expect(ctx.logs).toEqual(['bandwidth teardown failed: injected failure of bandwidth null']);
    expect(target.bandwidth).toBe(64);
    await pkg.nemesis.teardown();
    expect(target.healthy()).toBe(true);
    await expect(pkg.nemesis.invoke({ f: 'start-bandwidth', value: { rateKbit: 0.5 } })).rejects.toThrow(/rateKbit must be a whole number/);
  });

  it('rejects a bad configured rate with an input error', () => {
    expect(() => setup(0)).toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/^the bandwidth rate must be/) }));
  });

  it('is unsupported without a network, and without setBandwidth it names the reason the network gives', () => {
    expect(bandwidthPackage(contextFor(fakeTarget({ caps: [] }))).unsupported[0].reason).toMatch(/^bandwidth: the target offers no network control/);
    const target = fakeTarget();
    const { setBandwidth: _drop, ...rest } = target.net!;
    target.net = { ...rest, bandwidthUnsupportedReason: 'no links here' };
    const faults = buildFaults(['partition', 'bandwidth'], target);
    expect(faults.packages.map((p) => p.name)).toEqual(['partition']);
    expect(faults.unsupported).toContainEqual({ fault: 'bandwidth', reason: "bandwidth: the target's network cannot limit bandwidth (no links here)" });
  });

  it('the routed Maelstrom network reports bandwidth unsupported, with its reason', () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bw-'));
    dirs.push(dir);
    // Nothing is spawned before setup(), so the cluster is only constructed here.
    const cluster = new MaelstromCluster({ bin: process.execPath, nodeCount: 3, dir, seed: 1, faketime: false });
    const faults = buildFaults(['bandwidth', 'loss'], cluster);
    expect(faults.packages.map((p) => p.name)).toEqual(['loss']);
    expect(faults.unsupported).toHaveLength(1);
    expect(faults.unsupported[0].reason).toMatch(/^bandwidth: the target's network cannot limit bandwidth \(the routed Maelstrom network .* no link rate to cap/);
  });

  it('sits in heal order after latency and before clock', () => {
    const faults = buildFaults(['kill', 'clock', 'bandwidth', 'latency', 'partition'], fakeTarget());
    expect(faults.packages.map((p) => p.name)).toEqual(['partition', 'latency', 'bandwidth', 'clock', 'kill']);
  });
});
