/**
 * Consul 1.8 in network namespaces, second part: the set workload under partitions (consistent reads:
 * no acknowledged element lost, every server read at the end), and the degraded-network faults in
 * one checked run — packet loss (iptables statistic), latency (the NFQUEUE delayer) and bandwidth
 * (tbf) — with evidence that each took effect and that each heal removed it, while consistent reads
 * stay linearizable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { consulParts } from '../../../targets/consul/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf } from '../provision/helpers.js';
import { probedPlan, probeOf, readHistory, type Probed } from '../provision/net-probe.js';
import { expectHealthAroundFaults, expectSetKeptUnderPartitions, storeRequests } from '../provision/store-runs.js';

const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare', 'tc', 'gcc']);
afterAll(removeTempDirs);

const request = storeRequests({ seed: 5, timeLimitS: 15 });

describe.skipIf(skip !== undefined)(`Consul in namespaces: set, loss, latency, bandwidth${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('set under partitions: no acknowledged element lost, every server read at the end', async () => {
    // Quiet 5 s (the CLI's default) before the final reads: on heal the cut-off server's higher term
    // deposes the majority's leader (Consul 1.8's raft has no pre-vote), and a loaded machine can take
    // several seconds to elect again; a server's final read must not fall into that gap.
    // 15 s, not 5: in 2 of 3 CI runs on 2026-12-07 one server's final reads (retried for 20 s) never
    // succeeded after a 5-s quiet ("no final read of n1 succeeded"); it passed 4/4 alone here, and the
    // cause (a slow re-election or rejoin) is not established: the failing run directory was not kept.
    const req = request('consul-set', { faults: ['partition'], quietS: 15 }, { 'reads': 'consistent' }, 'set');
    const out = await runTest(req.config, (run) => consulParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expectSetKeptUnderPartitions(out);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 240_000);

  it('loss, latency and bandwidth take effect in a checked run, heal cleanly, and consistent reads stay valid', async () => {
    const req = request('consul-net', { faults: ['loss', 'latency', 'bandwidth'], timeLimitS: 20, faultIntervalS: 3 }, { 'reads': 'consistent', keys: '5' }, 'register');
    const probes: Probed[] = [];
    const delayerPids = new Set<number>();
    const after = ['start-latency', 'stop-latency', 'stop-loss', 'start-bandwidth', 'stop-bandwidth'];
    const out = await runTest(req.config, (run) => probedPlan(consulParts(req, run), { before: ['stop-loss'], after }, probes));
    expect(out.results.error).toBeUndefined();
    expect(out.results.unsupportedFaults).toEqual([]);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    // Loss: the statistic rule dropped node-to-node packets during a band, and stop-loss emptied the chain.
    expect(probeOf(probes, 'stop-loss', 'before').some((p) => p.lossDrops > 0)).toBe(true);
    for (const p of probeOf(probes, 'stop-loss', 'after')) expect(p.lossDrops).toBe(0);
    // Latency: every host ran a delayer; stop-latency stopped them all.
    const started = probeOf(probes, 'start-latency', 'after');
    expect(started.length).toBeGreaterThan(0);
    for (const p of started) {
      expect(p.delayers).toHaveLength(3);
      p.delayers.forEach((pid) => delayerPids.add(pid));
    }
    for (const p of probeOf(probes, 'stop-latency', 'after')) expect(p.delayers).toEqual([]);
    // Bandwidth: a tbf qdisc on every host's eth0 during the band, none after.
    const capped = probeOf(probes, 'start-bandwidth', 'after');
    expect(capped.length).toBeGreaterThan(0);
    for (const p of capped) expect(p.tbf).toHaveLength(3);
    for (const p of probeOf(probes, 'stop-bandwidth', 'after')) expect(p.tbf).toEqual([]);
    // Health was recorded around every fault op.
    expectHealthAroundFaults(readHistory(out.dir));
    expect(leftovers(runIdOf(out.dir), [...pidsOf(out.dir), ...delayerPids])).toEqual([]);
  }, 240_000);
});
