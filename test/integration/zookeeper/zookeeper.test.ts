/**
 * A real ZooKeeper 3.8 ensemble in network namespaces under real faults: plain reads through an
 * isolated follower are stale (not linearizable, the stale read in the counterexample); sync+read
 * stays linearizable under partitions, kills, pauses and libfaketime clock skew.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nemesis, repeat, sleep } from '../../../harness/generator/index.js';
import { buildFaults } from '../../../harness/nemesis/build.js';
import { complete } from '../../../harness/nemesis/grudge.js';
import { withHealth } from '../../../harness/net/health.js';
import { runTest } from '../../../harness/run/run.js';
import { type RunConfig } from '../../../harness/run-contract.js';
import type { RunRequest } from '../../../harness/run-contract.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';
import { leftovers, missing, pidsOf, removeTempDirs, runIdOf, tempStore } from '../provision/helpers.js';

const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar', '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1']);
afterAll(removeTempDirs);

function request(name: string, over: Partial<RunConfig>, flags: Record<string, string>): RunRequest {
  const config: RunConfig = { name, store: tempStore(name), seed: 11, timeLimitS: 15, rate: 100, concurrency: 6, quietS: 1, faults: [], faultIntervalS: 3, ...over };
  return { config, flags: new Map(Object.entries(flags)), workload: 'register', nodeCount: 3 };
}

describe.skipIf(skip !== undefined)(`ZooKeeper in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('plain reads through an isolated follower are stale: not linearizable, the stale read explained', async () => {
    const req = request('zk-plain', { faults: ['partition'] }, { reads: 'plain', values: '1000', 'request-timeout': '1s' });
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = zookeeperParts(req, run);
      plan.faults = (target) => {
        const f = buildFaults(['partition'], target, { seed: 1, interval: 3e9, net: cluster.net });
        // Cut one follower off: until it notices (syncLimit × tickTime) it serves its old state while
        // the leader and the other follower commit new writes.
        const inner = withHealth(f.nemesis, () => cluster.healthRecord());
        const nem = {
          ...inner,
          invoke: async (op: { f: string; value: unknown }) => {
            if (op.value !== 'follower') return inner.invoke(op);
            const leaders = await cluster.primaries.primaries();
            const loner = cluster.nodes.find((n) => !leaders.includes(n))!;
            return inner.invoke({ ...op, value: complete([[loner], cluster.nodes.filter((n) => n !== loner)]) });
          },
        };
        return { ...f, nemesis: nem, generator: nemesis(repeat([sleep(2e9), { f: 'start-partition', value: 'follower' }, sleep(4e9), { f: 'stop-partition' }])) };
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    const lin = out.results.checkers.linearizable as { valid: unknown; failures: { counterexample: { f: string; input: unknown; output: unknown }[] }[] };
    expect(lin.valid).toBe(false);
    const ce = lin.failures[0].counterexample;
    const last = ce[ce.length - 1];
    expect(last.f).toBe('read');
    const writes = ce.filter((o) => o.f === 'write' || o.f === 'cas').map((o) => (o.f === 'cas' ? (o.input as unknown[])[1] : o.input));
    expect(writes[writes.length - 1]).not.toEqual(last.output);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 180_000);

  it('sync+read stays linearizable under partitions, kills, pauses and clock skew', async () => {
    const req = request('zk-sync', { faults: ['partition', 'kill', 'pause', 'clock'], timeLimitS: 20 }, { reads: 'sync', keys: '5' });
    const out = await runTest(req.config, (run) => zookeeperParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.unsupportedFaults).toEqual([]);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'reset-clock']) expect(hist).toContain(`"f":"${f}"`);
    expect(hist).toMatch(/"f":"(bump|strobe)-clock"/);
    expect(hist.split('\n').filter((l) => l.includes('"type":"ok"') && l.includes('"f":"read"')).length).toBeGreaterThan(20);
    expect(leftovers(runIdOf(out.dir), pidsOf(out.dir))).toEqual([]);
  }, 180_000);
});
