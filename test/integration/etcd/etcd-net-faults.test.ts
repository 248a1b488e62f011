/**
 * etcd 3.4 in network namespaces, second part: the set workload under partitions (no acknowledged
 * element lost, every node's final read judged), and the degraded-network faults inside a full checked
 * run — packet loss (iptables statistic), latency (the NFQUEUE delayer) and bandwidth (tbf) — with
 * evidence that each took effect (rule counters, delayer processes, slower ops in the latency bands,
 * a tbf qdisc) and that each heal removed it, while linearizable reads stay linearizable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf } from '../provision/helpers.js';
import { bandWindows, median, okLatencies, probedPlan, probeOf, readHistory, type Probed } from '../provision/net-probe.js';
import { expectHealthAroundFaults, expectSetKeptUnderPartitions, storeRequests } from '../provision/store-runs.js';

const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare', 'tc', 'gcc']);
afterAll(removeTempDirs);

const request = storeRequests({ seed: 5, timeLimitS: 15 });

describe.skipIf(skip !== undefined)(`etcd in namespaces: set, loss, latency, bandwidth${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('set under partitions: no acknowledged element lost, every node read at the end', async () => {
    const req = request('etcd-set', { faults: ['partition'] }, { 'reads': 'linearizable' }, 'set');
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expectSetKeptUnderPartitions(out);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 240_000);

  it('loss and latency take effect in a checked run, heal cleanly, and linearizable reads stay valid', async () => {
    const req = request('etcd-loss-latency', { faults: ['loss', 'latency'], timeLimitS: 24, faultIntervalS: 4, concurrency: 10 }, { 'reads': 'linearizable', keys: '5' }, 'register');
    const probes: Probed[] = [];
    const delayerPids = new Set<number>();
    const out = await runTest(req.config, (run) => probedPlan(etcdParts(req, run), { before: ['stop-loss'], after: ['start-latency', 'stop-latency', 'stop-loss'] }, probes));
    expect(out.results.error).toBeUndefined();
    expect(out.results.unsupportedFaults).toEqual([]);
    expect(out.results.checkers.linearizable.valid).toBe(true);

    // Loss: the statistic rule dropped node-to-node packets during each band, and stop-loss emptied the chain.
    const beforeStop = probeOf(probes, 'stop-loss', 'before');
    expect(beforeStop.length).toBeGreaterThan(0);
    expect(beforeStop.some((p) => p.lossDrops > 0)).toBe(true);
    for (const p of probeOf(probes, 'stop-loss', 'after')) expect(p.lossDrops).toBe(0);
    // Latency: every host ran a delayer and queued packets to it; stop-latency stopped them all.
    const started = probeOf(probes, 'start-latency', 'after');
    expect(started.length).toBeGreaterThan(0);
    for (const p of started) {
      expect(p.delayers).toHaveLength(3);
      p.delayers.forEach((pid) => delayerPids.add(pid));
    }
    for (const p of probeOf(probes, 'stop-latency', 'after')) {
      expect(p.delayers).toEqual([]);
      expect(p.delayQueued).toBe(0);
    }
    // Health was recorded around every fault op.
    const history = readHistory(out.dir);
    expectHealthAroundFaults(history);
    // Ops that ran wholly inside a latency band (and outside any loss band) waited on delayed
    // replication (50–200 ms per hop); ops with no fault on at all did not.
    const lat = bandWindows(history, 'start-latency', 'stop-latency');
    const loss = bandWindows(history, 'start-loss', 'stop-loss');
    const inside = (w: [number, number][], o: { invoked: number; completed: number }): boolean => w.some(([a, b]) => o.invoked >= a && o.completed <= b);
    const touches = (w: [number, number][], o: { invoked: number; completed: number }): boolean => w.some(([a, b]) => o.completed > a && o.invoked < b);
    const ops = okLatencies(history, ['read', 'write', 'cas']);
    const slow = ops.filter((o) => inside(lat, o) && !touches(loss, o)).map((o) => o.ms);
    const calm = ops.filter((o) => !touches(lat, o) && !touches(loss, o)).map((o) => o.ms);
    // Latency-only windows are short (the loss band overlaps them) and a delayed op takes ~0.6 s, so a
    // loaded machine fits only a handful in; the gap is two orders of magnitude, a few suffice.
    expect(slow.length).toBeGreaterThanOrEqual(3);
    expect(calm.length).toBeGreaterThan(10);
    expect(median(slow)).toBeGreaterThanOrEqual(50);
    expect(median(calm) * 2).toBeLessThan(median(slow));
    // Nothing left: namespaces, bridge, rules, etcd and delayer processes.
    expect(leftovers(runIdOf(out.dir), [...pidsOf(out.dir), ...delayerPids])).toEqual([]);
  }, 240_000);

  it('bandwidth caps every host with tbf during its bands, lifts the cap at stop, and the verdict stays valid', async () => {
    const req = request('etcd-bandwidth', { faults: ['bandwidth'], timeLimitS: 12 }, { 'reads': 'linearizable' }, 'register');
    const probes: Probed[] = [];
    const out = await runTest(req.config, (run) => probedPlan(etcdParts(req, run), { after: ['start-bandwidth', 'stop-bandwidth'] }, probes));
    expect(out.results.error).toBeUndefined();
    expect(out.results.unsupportedFaults).toEqual([]);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const on = probeOf(probes, 'start-bandwidth', 'after');
    expect(on.length).toBeGreaterThan(0);
    for (const p of on) {
      expect(p.tbf).toHaveLength(3);
      expect(p.tbf[0]).toMatch(/rate 1Mbit/);
    }
    const off = probeOf(probes, 'stop-bandwidth', 'after');
    expect(off.length).toBeGreaterThan(0);
    for (const p of off) expect(p.tbf).toEqual([]);
    const starts = readHistory(out.dir).filter((o) => o.f === 'start-bandwidth' && o.type === 'info');
    expect(starts[0].value).toMatchObject({ rateKbit: 1000 });
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 240_000);
});
