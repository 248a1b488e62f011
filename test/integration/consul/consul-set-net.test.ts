/**
 * Consul 1.8 in network namespaces, second part: the set workload under partitions (consistent reads:
 * no acknowledged element lost, every server read at the end), and the degraded-network faults in
 * one checked run — packet loss (iptables statistic), latency (the NFQUEUE delayer) and bandwidth
 * (tbf) — with evidence that each took effect and that each heal removed it, while consistent reads
 * stay linearizable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/run/run.js';
import type { RunConfig, RunRequest } from '../../../harness/run-contract.js';
import type { LocalNetwork } from '../../../harness/provision/local/network.js';
import { consulParts } from '../../../targets/consul/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf, tempStore } from '../provision/helpers.js';
import { probing, readHistory, type NetProbe } from '../provision/net-probe.js';

const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare', 'tc', 'gcc']);
afterAll(removeTempDirs);

function request(name: string, over: Partial<RunConfig>, flags: Record<string, string>, workload: string): RunRequest {
  const config: RunConfig = {
    name, store: tempStore(name), seed: 5, timeLimitS: 15, rate: 100, concurrency: 6, quietS: 1,
    faults: [], faultIntervalS: 2, ...over,
  };
  return { config, flags: new Map(Object.entries(flags)), workload, nodeCount: 3 };
}

type Probed = { f: string; when: 'before' | 'after'; probe: NetProbe | { error: string } };
const probeOf = (log: Probed[], f: string, when: 'before' | 'after'): NetProbe[] =>
  log.filter((p) => p.f === f && p.when === when).map((p) => {
    if ('error' in p.probe) throw new Error(`probe after ${f} failed: ${p.probe.error}`);
    return p.probe;
  });

describe.skipIf(skip !== undefined)(`Consul in namespaces: set, loss, latency, bandwidth${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('set under partitions: no acknowledged element lost, every server read at the end', async () => {
    // Quiet 5 s (the CLI's default) before the final reads: on heal the cut-off server's higher term
    // deposes the majority's leader (Consul 1.8's raft has no pre-vote), and a loaded machine can take
    // several seconds to elect again; a server's final read must not fall into that gap.
    const req = request('consul-set', { faults: ['partition'], quietS: 5 }, { 'consul-reads': 'consistent' }, 'set');
    const out = await runTest(req.config, (run) => consulParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    const set = out.results.checkers.set as { valid: unknown; acknowledged: number; finalReads: number; finalReadSource: string; lost: { count: number }; unexpected: { count: number }; nodesWithoutFinalRead: string[] };
    expect(set.valid).toBe(true);
    expect(set.lost.count).toBe(0);
    expect(set.unexpected.count).toBe(0);
    expect(set.acknowledged).toBeGreaterThan(100);
    expect(set.finalReadSource).toBe('marked');
    expect(set.finalReads).toBeGreaterThanOrEqual(3);
    expect(set.nodesWithoutFinalRead).toEqual([]);
    const parts = readHistory(out.dir).filter((o) => o.f === 'start-partition' && o.type === 'info');
    expect(parts.some((o) => Object.values((o.value as { grudge: Record<string, string[]> }).grudge).some((d) => d.length > 0))).toBe(true);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 240_000);

  it('loss, latency and bandwidth take effect in a checked run, heal cleanly, and consistent reads stay valid', async () => {
    const req = request('consul-net', { faults: ['loss', 'latency', 'bandwidth'], timeLimitS: 20, faultIntervalS: 3 }, { 'consul-reads': 'consistent', keys: '5' }, 'register');
    const probes: Probed[] = [];
    const delayerPids = new Set<number>();
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = consulParts(req, run);
      const build = plan.faults;
      plan.faults = (target) => {
        const f = build(target);
        const after = ['start-latency', 'stop-latency', 'stop-loss', 'start-bandwidth', 'stop-bandwidth'];
        return { ...f, nemesis: probing(f.nemesis, () => cluster.environment as LocalNetwork | undefined, { before: ['stop-loss'], after }, probes) };
      };
      return plan;
    });
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
    const faultOps = readHistory(out.dir).filter((o) => o.process === 'nemesis' && o.type === 'info');
    expect(faultOps.length).toBeGreaterThan(4);
    for (const o of faultOps) expect((o.value as { health?: { after: unknown } }).health?.after).toBeDefined();
    expect(leftovers(runIdOf(out.dir), [...pidsOf(out.dir), ...delayerPids])).toEqual([]);
  }, 240_000);
});
