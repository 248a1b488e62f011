/**
 * Real etcd 3.4 clusters in network namespaces under real faults. Each test is one short run through
 * `runTest` with the etcd plan: serializable reads through an isolated leader are caught as stale
 * (not linearizable); linearizable reads stay valid under partitions, kills and pauses; the lock API
 * loses mutual exclusion when a holder's member is paused past its lease TTL (Jepsen's 2020 etcd
 * finding). Every test also checks that the run left nothing behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildFaults } from '../../../harness/middle/faults/nemesis/build.js';
import { nemesis, repeat, sleep } from '../../../harness/ground/generator/index.js';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectEndsInStaleRead, expectNothingLeft, expectOverlappingHolders, primariesIsolated, storeRequest } from '../provision/store-runs.js';

const skip = missing(['etcd', 'iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`etcd in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('serializable reads through an isolated leader are stale: not linearizable, the stale read explained', async () => {
    // Isolate the leader every 2 s; its clients keep reading member-local state while the majority
    // elects a new leader and writes on. Many values, so an indeterminate write rarely explains a stale read.
    const req = storeRequest('etcd-serializable', { faults: ['partition'] }, { 'reads': 'serializable', values: '1000', 'request-timeout': '1s' });
    const out = await runTest(req.config, (run) => primariesIsolated(etcdParts(req, run)));
    expect(out.results.error).toBeUndefined();
    expectEndsInStaleRead(out.results, { readOfAWrite: true });
    expectNothingLeft(out.dir);
  }, 180_000);

  it('linearizable reads stay linearizable under partitions, kills and pauses', async () => {
    const req = storeRequest('etcd-linearizable', { faults: ['partition', 'kill', 'pause'], timeLimitS: 15, seed: 3 }, { 'reads': 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(true);
    // The faults really happened: every family has start and stop ops in the history.
    const fs = await import('node:fs');
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'resume', 'start']) expect(hist).toContain(`"f":"${f}"`);
    expect(hist).toContain('"health":{"before"');
    expectNothingLeft(out.dir);
  }, 180_000);

  it("etcd's lock loses mutual exclusion when the holder's member is paused longer than the lease TTL", async () => {
    const req = storeRequest('etcd-lock', { timeLimitS: 20, concurrency: 6 }, { 'session-ttl': '1' }, 'lock');
    let holders: () => string[] = () => [];
    const out = await runTest(req.config, (run) => {
      const { plan, clients } = etcdParts(req, run);
      holders = () => clients.holders();
      plan.faults = (target) => {
        const f = buildFaults(['pause'], target, { seed: 1, interval: 3e9 });
        // Pause whichever member a current holder talks to, for 3 s (TTL 1 s), then resume.
        const inner = f.nemesis;
        const holderNemesis = {
          ...inner,
          invoke: (op: { f: string; value: unknown }) => inner.invoke(op.value === 'holder' ? { ...op, value: holders().length > 0 ? holders() : 'one' } : op),
        };
        const generator = nemesis(repeat([sleep(1.5e9), { f: 'pause', value: 'holder' }, sleep(3e9), { f: 'resume', value: 'all' }]));
        return { ...f, nemesis: holderNemesis, generator };
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    expectOverlappingHolders(out.results, { everyExampleNamed: true });
    // The fault record marks the paused members that served a holder (#24's holder role).
    const pause = (out.results.faults as Record<string, { nodesHitByRole: Record<string, string[]> }> | undefined)?.pause;
    expect(pause?.nodesHitByRole.holder?.length ?? 0).toBeGreaterThan(0);
    expectNothingLeft(out.dir);
  }, 180_000);
});
