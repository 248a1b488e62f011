/**
 * The etcd and ZooKeeper acceptance runs with `--env docker` against a real dockerd: serializable
 * etcd reads through an isolated leader and plain ZooKeeper reads through an isolated follower are
 * caught as stale (the stale read in the counterexample); linearizable etcd under partitions, kills
 * and pauses, and sync+read ZooKeeper under those plus libfaketime clock skew, stay valid — with the
 * faults really applied inside the containers (health records, restarts, per-node clock offsets).
 * Each run must leave nothing of itself behind. 3 nodes and 12–15 s runs keep CI short.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nemesis, repeat, sleep } from '../../../harness/generator/index.js';
import { buildFaults } from '../../../harness/nemesis/build.js';
import { complete } from '../../../harness/nemesis/grudge.js';
import { withHealth } from '../../../harness/net/health.js';
import { runTest } from '../../../harness/run/run.js';
import type { RunConfig, RunRequest } from '../../../harness/run-contract.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';
import { removeTempDirs, tempStore } from '../provision/helpers.js';
import { dockerLeftovers, dockerMissing, dockerRunIdOf, ensureTargetImage, faketimeShmFiles, pidsOf } from './helpers.js';

const skip = await dockerMissing();
afterAll(removeTempDirs);

function request(name: string, over: Partial<RunConfig>, flags: Record<string, string>): RunRequest {
  const config: RunConfig = { name, store: tempStore(name), seed: 7, timeLimitS: 12, rate: 100, concurrency: 6, quietS: 1, faults: [], faultIntervalS: 2, ...over };
  return { config, flags: new Map(Object.entries({ env: 'docker', ...flags })), workload: 'register', nodeCount: 3 };
}

/** The counterexample ends in a read of an older write's value after a newer write completed. */
function expectStaleRead(results: { checkers: Record<string, unknown> }): void {
  const lin = results.checkers.linearizable as { valid: unknown; failures: { counterexample: { f: string; input: unknown; output: unknown }[] }[] };
  expect(lin.valid).toBe(false);
  const ce = lin.failures[0].counterexample;
  const last = ce[ce.length - 1];
  expect(last.f).toBe('read');
  const writes = ce.filter((o) => o.f === 'write' || o.f === 'cas').map((o) => (o.f === 'cas' ? (o.input as unknown[])[1] : o.input));
  expect(writes[writes.length - 1]).not.toEqual(last.output);
}

function expectNothingLeft(dir: string, shmBefore: readonly string[]): void {
  const id = dockerRunIdOf(dir);
  expect(id).toBeDefined();
  expect(dockerLeftovers(id!, pidsOf(dir))).toEqual([]);
  expect(faketimeShmFiles().filter((f) => !shmBefore.includes(f) && pidsOf(dir).some((p) => f.endsWith(`_${p}`)))).toEqual([]);
}

describe.skipIf(skip !== undefined)(`etcd in containers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => { await ensureTargetImage('etcd'); }, 600_000);

  it('serializable reads through an isolated leader are stale: not linearizable, the stale read explained', async () => {
    const shm = faketimeShmFiles();
    const req = request('docker-etcd-serializable', { faults: ['partition'] }, { 'read-consistency': 'serializable', values: '1000', 'request-timeout': '1s' });
    const out = await runTest(req.config, (run) => {
      const { plan } = etcdParts(req, run);
      plan.faults = (target) => {
        const f = buildFaults(['partition'], target, { seed: 7, interval: 2e9, net: target.net, partition: { shapes: ['primaries'] } });
        return { ...f, nemesis: withHealth(f.nemesis, () => (target as typeof plan.target & { healthRecord(): Promise<Record<string, string>> }).healthRecord()) };
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    expectStaleRead(out.results);
    // The partition was applied inside the containers: the isolated leader lost its quorum.
    expect(fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8')).toMatch(/no leader|"leader \(term \d+\)".*"follower/);
    expectNothingLeft(out.dir, shm);
  }, 240_000);

  it('linearizable reads stay linearizable under partitions, kills (docker kill + start) and pauses', async () => {
    const shm = faketimeShmFiles();
    const req = request('docker-etcd-linearizable', { faults: ['partition', 'kill', 'pause'], timeLimitS: 15, seed: 3 }, { 'read-consistency': 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'resume', 'start']) expect(hist).toContain(`"f":"${f}"`);
    expect(hist).toContain('"health":{"before"');
    // A killed member came back as a new container process (a new PID) on the same data.
    const log = fs.readFileSync(`${out.dir}/harness.log`, 'utf8');
    expect((log.match(/etcd: started n\d as pid/g) ?? []).length).toBeGreaterThan(3);
    // Its log, streamed from the container, holds every start: the first and the restarts.
    const starts = ['n1', 'n2', 'n3'].map((n) => (fs.readFileSync(`${out.dir}/nodes/${n}/etcd.log`, 'utf8').match(/starting an etcd server/g) ?? []).length);
    expect(Math.max(...starts)).toBeGreaterThan(1);
    expectNothingLeft(out.dir, shm);
  }, 240_000);
});

describe.skipIf(skip !== undefined)(`ZooKeeper in containers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => { await ensureTargetImage('zookeeper'); }, 600_000);

  it('plain reads through an isolated follower are stale: not linearizable, the stale read explained', async () => {
    const shm = faketimeShmFiles();
    const req = request('docker-zk-plain', { faults: ['partition'], timeLimitS: 20, seed: 11 }, { reads: 'plain', values: '1000', 'request-timeout': '1s' });
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = zookeeperParts(req, run);
      plan.faults = (target) => {
        const f = buildFaults(['partition'], target, { seed: 1, interval: 3e9, net: cluster.net });
        // Cut one follower off: until it notices (syncLimit × tickTime) it serves its old state.
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
    expectStaleRead(out.results);
    expectNothingLeft(out.dir, shm);
  }, 240_000);

  it('sync+read stays linearizable under partitions, kills, pauses and clock skew, the offsets in the health records', async () => {
    const shm = faketimeShmFiles();
    const req = request('docker-zk-sync', { faults: ['partition', 'kill', 'pause', 'clock'], timeLimitS: 15, seed: 11, faultIntervalS: 3 }, { reads: 'sync', keys: '5' });
    const out = await runTest(req.config, (run) => zookeeperParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.unsupportedFaults).toEqual([]);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'reset-clock']) expect(hist).toContain(`"f":"${f}"`);
    expect(hist).toMatch(/"f":"(bump|strobe)-clock"/);
    // Per-node offsets, as the report shows them beside each node's health.
    expect(hist).toMatch(/\(clock -?\d+ ms\)/);
    expect(hist.split('\n').filter((l) => l.includes('"type":"ok"') && l.includes('"f":"read"')).length).toBeGreaterThan(20);
    expectNothingLeft(out.dir, shm);
  }, 240_000);
});
