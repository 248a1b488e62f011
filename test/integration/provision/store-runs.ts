/**
 * Shared bits of the store integration tests (etcd, ZooKeeper, Consul; in namespaces, containers and
 * over ssh): the run request of a short 3-node run (old flag names refused), the fault plans of the
 * stale-read tests (the primaries or one follower cut off), and the checks of their runs — a stale read
 * in a counterexample, a run that really faulted and read on, health around every fault, a set kept
 * whole under partitions, overlapping lock holders, nothing of a namespace run left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'vitest';
import { DEPRECATED_FLAGS } from '../../../harness/ground/contracts/flags.js';
import { nemesis, repeat, sleep } from '../../../harness/ground/generator/index.js';
import { buildFaults } from '../../../harness/middle/faults/nemesis/build.js';
import { complete } from '../../../harness/middle/faults/nemesis/grudge.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { withHealth, type HealthRecord } from '../../../harness/middle/faults/net/health.js';
import type { RunConfig, RunOutcome, RunPlan, RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import type { ZkCluster } from '../../../targets/zookeeper/index.js';
import { leftovers, pidsOf, runIdOf, tempStore } from './helpers.js';
import { readHistory } from './net-probe.js';

/** The target flags of a request, by name without `--`. */
export type StoreFlags = Record<string, string | true>;

/**
 * A run request of a store target in a temporary store: `over` on the common settings (seed 7, 12 s,
 * 100 ops/s from 6 clients, 1 s quiet, no faults, a fault every 2 s), the target's flags as given.
 */
export function storeRequest(name: string, over: Partial<RunConfig>, flags: StoreFlags, workload = 'register', nodeCount = 3): RunRequest {
  // A request built here skips the CLI, which rewrites old flag names; an old name would be silently
  // ignored (a 2 s request timeout instead of the 1 s asked for hid every stale read once).
  const old = Object.keys(flags).find((k) => DEPRECATED_FLAGS.some((d) => d.name === k));
  if (old) throw new Error(`storeRequest: --${old} is an old flag name; use --${DEPRECATED_FLAGS.find((d) => d.name === old)!.now}`);
  const config: RunConfig = {
    name, store: tempStore(name), seed: 7, timeLimitS: 12, rate: 100, concurrency: 6, quietS: 1,
    faults: [], faultIntervalS: 2, ...over,
  };
  return { config, flags: new Map(Object.entries(flags)), workload, nodeCount };
}

/**
 * `storeRequest` with one test file's own defaults: `defaults` under each request's `over`, and
 * `baseFlags` (e.g. `env: 'docker'`) before each request's flags.
 */
export function storeRequests(defaults: Partial<RunConfig> = {}, baseFlags: StoreFlags = {}): (name: string, over: Partial<RunConfig>, flags: StoreFlags, workload?: string) => RunRequest {
  return (name: string, over: Partial<RunConfig>, flags: StoreFlags, workload = 'register'): RunRequest =>
    storeRequest(name, { ...defaults, ...over }, { ...baseFlags, ...flags }, workload);
}

/**
 * The plan of a store run whose faults isolate the primaries (the leader) every 2 s (partition seed
 * 7), with the cluster's health recorded around each fault op.
 */
export function primariesIsolated({ plan, cluster }: { plan: RunPlan; cluster: { healthRecord(): Promise<HealthRecord> } }): RunPlan {
  plan.faults = (target) => {
    const f = buildFaults(['partition'], target, { seed: 7, interval: 2e9, net: target.net, partition: { shapes: ['primaries'] } });
    return { ...f, nemesis: withHealth(f.nemesis, () => cluster.healthRecord()) };
  };
  return plan;
}

/**
 * The plan of a ZooKeeper run whose faults cut one follower off for 4 s after 2 s of calm, again and
 * again (partition seed 1, interval 3 s), with the ensemble's health recorded around each fault op.
 */
export function followerIsolated({ plan, cluster }: { plan: RunPlan; cluster: ZkCluster }): RunPlan {
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
}

/** One op of a linearizability counterexample, as the checker reports it. */
export type CeOp = { f: string; input: unknown; output: unknown; outcome: string; index: number; completionIndex: number };

type LinVerdict = { valid: unknown; failures: { counterexample: CeOp[] }[] };

/**
 * The stale reads of a counterexample: a read that returned v although the write of v had completed
 * before another write (of another value) began, and that write completed before the read began.
 */
export function staleReads(ce: readonly CeOp[]): { read: CeOp; wrote: CeOp; overwrote: CeOp }[] {
  const written = (o: CeOp): unknown => (o.f === 'cas' ? (o.input as unknown[])[1] : o.input);
  const writes = ce.filter((o) => (o.f === 'write' || o.f === 'cas') && o.outcome === 'ok');
  return ce.filter((o) => o.f === 'read' && o.outcome === 'ok').flatMap((read) => writes
    .filter((w) => written(w) === read.output)
    .flatMap((wrote) => writes
      .filter((x) => written(x) !== read.output && wrote.completionIndex < x.index && x.completionIndex < read.index)
      .map((overwrote) => ({ read, wrote, overwrote }))));
}

/**
 * Not linearizable, and the first counterexample ends in a read that went back in time: before it
 * began, an op of the counterexample had completed that wrote or read another value than the one it
 * returned (a newer write; or, when two writes overlapped, a read that showed the other one won). With
 * `readOfAWrite`, the value read is also one the counterexample wrote.
 */
export function expectEndsInStaleRead(results: { checkers: Record<string, unknown> }, opts: { readOfAWrite?: boolean } = {}): void {
  const lin = results.checkers.linearizable as LinVerdict;
  expect(lin.valid).toBe(false);
  const ce = lin.failures[0].counterexample;
  const last = ce[ce.length - 1];
  expect(last.f).toBe('read');
  const valueOf = (o: CeOp): unknown => (o.f === 'cas' ? (o.input as unknown[])[1] : o.f === 'read' ? o.output : o.input);
  const writes = ce.filter((o) => o.f === 'write' || o.f === 'cas').map(valueOf);
  if (opts.readOfAWrite) expect(writes).toContain(last.output);
  const since = ce.filter((o) => o !== last && o.outcome === 'ok' && o.completionIndex < last.index && valueOf(o) !== last.output);
  expect(since.length, 'an op with another value completed before the stale read began').toBeGreaterThan(0);
}

/** Not linearizable, and some counterexample holds a stale read (see `staleReads`). */
export function expectSomeStaleRead(results: { checkers: Record<string, unknown> }): void {
  const lin = results.checkers.linearizable as LinVerdict;
  expect(lin.valid).toBe(false);
  // A counterexample shows a stale read: its value had been overwritten, in real time, before it began.
  expect(lin.failures.some((f) => staleReads(f.counterexample).length > 0)).toBe(true);
}

/**
 * The Consul run in `dir` partitioned, killed, paused, resumed and restarted servers, recorded
 * Consul's health around the faults (a 3-voter cluster before them, a killed server as down), and
 * reads succeeded — more than 30, some after the first fault: the verdict is about more than the calm
 * start. What the Consul tests of every environment check alike.
 */
export function expectConsulFaultedReads(dir: string): void {
  const hist = fs.readFileSync(`${dir}/history.jsonl`, 'utf8');
  for (const f of ['start-partition', 'kill', 'pause', 'resume', 'start']) expect(hist).toContain(`"f":"${f}"`);
  expect(hist).toMatch(/"health":\{"before":\{"n1":"(leader|follower) \(3\/3 voters\)"/);
  expect(hist).toContain('down: killed');
  const ops = hist.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; index: number });
  const firstFault = ops.find((o) => o.process === 'nemesis')!.index;
  const okReads = ops.filter((o) => o.type === 'ok' && o.f === 'read');
  expect(okReads.length).toBeGreaterThan(30);
  expect(okReads.filter((o) => o.index > firstFault).length).toBeGreaterThan(0);
}

/**
 * The ZooKeeper run in `dir` partitioned, killed and paused servers, bumped or strobed their clocks and
 * reset them, and more than 20 reads succeeded.
 */
export function expectZkFaultedReads(dir: string): void {
  const hist = fs.readFileSync(`${dir}/history.jsonl`, 'utf8');
  for (const f of ['start-partition', 'kill', 'pause', 'reset-clock']) expect(hist).toContain(`"f":"${f}"`);
  expect(hist).toMatch(/"f":"(bump|strobe)-clock"/);
  expect(hist.split('\n').filter((l) => l.includes('"type":"ok"') && l.includes('"f":"read"')).length).toBeGreaterThan(20);
}

/** More than 4 fault ops, and the health recorded around every one of them. */
export function expectHealthAroundFaults(history: readonly Op[]): void {
  const faultOps = history.filter((o) => o.process === 'nemesis' && o.type === 'info');
  expect(faultOps.length).toBeGreaterThan(4);
  for (const o of faultOps) expect((o.value as { health?: { before: unknown; after: unknown } }).health?.after).toBeDefined();
}

type LockOverlaps = { valid: unknown; reason?: string; overlaps: { count: number; examples: { first: { node?: string; process: number }; second: { node?: string; process: number } }[] } };

/**
 * The lock verdict says mutual exclusion was violated: not valid, overlapping holder pairs counted
 * and named in the reason. With `everyExampleNamed`, every example names two different processes and
 * the nodes they talked to. Returns the verdict, for a test's own checks of its examples.
 */
export function expectOverlappingHolders(results: { checkers: Record<string, unknown> }, opts: { everyExampleNamed?: boolean } = {}): LockOverlaps {
  const lock = results.checkers.lock as LockOverlaps;
  expect(lock.valid).toBe(false);
  expect(lock.overlaps.count).toBeGreaterThan(0);
  expect(lock.reason).toMatch(/mutual exclusion violated: \d+ overlapping holder pair/);
  if (opts.everyExampleNamed) {
    // The nodes may be the same: once the paused node's lease (session) expired, another client of
    // that node can take the lock while the first still believes it holds it — the same violation.
    for (const ex of lock.overlaps.examples) {
      expect(ex.first.node).toBeDefined();
      expect(ex.second.node).toBeDefined();
      expect(ex.second.process).not.toBe(ex.first.process);
    }
  }
  return lock;
}

/**
 * The set verdict of a 3-node run under partitions: valid, no acknowledged element lost and none
 * unexpected, more than 100 acknowledged, every node's final read (marked) judged; and the partitions
 * really cut the cluster.
 */
export function expectSetKeptUnderPartitions(out: RunOutcome): void {
  const set = out.results.checkers.set as { valid: unknown; reason?: string; acknowledged: number; finalReads: number; finalReadSource: string; lost: { count: number }; unexpected: { count: number }; nodesWithoutFinalRead: string[] };
  expect(set.valid, `${set.reason ?? ''} (run ${out.dir})`).toBe(true);
  expect(set.lost.count).toBe(0);
  expect(set.unexpected.count).toBe(0);
  expect(set.acknowledged).toBeGreaterThan(100);
  expect(set.finalReadSource).toBe('marked');
  expect(set.finalReads).toBeGreaterThanOrEqual(3);
  expect(set.nodesWithoutFinalRead).toEqual([]);
  // Partitions really cut the cluster: some start-partition isolated a node from another.
  const parts = readHistory(out.dir).filter((o) => o.f === 'start-partition' && o.type === 'info');
  expect(parts.length).toBeGreaterThan(0);
  expect(parts.some((o) => Object.values((o.value as { grudge: Record<string, string[]> }).grudge).some((d) => d.length > 0))).toBe(true);
}

/**
 * The namespace run in `dir` named its run id, and nothing of it (namespaces, links, rules, state
 * file, processes, rollback's copies — made under this process's PID: each test file is a process of its own) is left.
 */
export function expectNothingLeft(dir: string): void {
  const id = runIdOf(dir);
  expect(id).toBeDefined();
  expect(leftovers(id, pidsOf(dir))).toEqual([]);
  expect(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`faultline-copies-${process.pid}.`))).toEqual([]);
}
