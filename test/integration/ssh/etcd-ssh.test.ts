/**
 * etcd over SSH, against the test bed (namespace hosts, each with a real sshd): the run reaches the
 * hosts only through `--env ssh --hosts …` — every daemon, fault and file goes over ssh2. Serializable
 * reads through an isolated leader are caught as stale; linearizable reads stay valid under
 * partitions, kills and pauses; a connection cut mid-run (the host's sshd session processes killed)
 * is survived with a complete history. Each run must leave the hosts as they were.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { etcdParts } from '../../../targets/etcd/index.js';
import { primariesIsolated } from '../provision/store-runs.js';
import { bedRequest, describeOnTestBed, sshMissing, unmatchedInvokes } from './helpers.js';

const skip = sshMissing();

describeOnTestBed('etcd over ssh', skip, (testBed) => {
  it('serializable reads through an isolated leader are stale: not linearizable', async () => {
    const bed = testBed();
    const req = bedRequest(bed, 'ssh-serializable', { faults: ['partition'], timeLimitS: 15 }, { 'reads': 'serializable', values: '1000', 'request-timeout': '1s' });
    const out = await runTest(req.config, (run) => primariesIsolated(etcdParts(req, run)));
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(false);
    // Everything went over ssh: the hosts were the test bed's addresses, and the logs came back by SFTP.
    const env = out.results.environment as { kind: string; hosts: { address: string }[] };
    expect(env.kind).toBe('ssh');
    expect(env.hosts.map((h) => h.address)).toEqual(bed.addresses);
    for (const n of ['n1', 'n2', 'n3']) expect(fs.readFileSync(`${out.dir}/nodes/${n}/etcd.log`, 'utf8')).toMatch(/"msg":"/);
    expect(bed.leftovers()).toEqual([]);
  }, 180_000);

  it('linearizable reads stay linearizable under partitions, kills and pauses', async () => {
    const bed = testBed();
    const req = bedRequest(bed, 'ssh-linearizable', { faults: ['partition', 'kill', 'pause'], timeLimitS: 15, seed: 3 }, { 'reads': 'linearizable', keys: '5' });
    const out = await runTest(req.config, (run) => etcdParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'resume', 'start']) expect(hist).toContain(`"f":"${f}"`);
    expect(bed.leftovers()).toEqual([]);
  }, 180_000);

  it('a connection cut mid-run is re-made: the run finishes with a complete history', async () => {
    const bed = testBed();
    const req = bedRequest(bed, 'ssh-cut', { faults: ['partition', 'kill'], timeLimitS: 12, seed: 5 }, { 'reads': 'linearizable' });
    const cuts: number[] = [];
    const out = await runTest(req.config, (run) => {
      const { plan } = etcdParts(req, run);
      const afterSetup = plan.afterSetup;
      plan.afterSetup = async () => {
        await afterSetup?.();
        // Twice during the run, kill every sshd session process of n1 and n2: their connections drop
        // while faults and process watches are using them.
        for (const at of [3_000, 7_000]) {
          setTimeout(() => { cuts.push(...bed.killSessions('n1'), ...bed.killSessions('n2')); }, at);
        }
      };
      return plan;
    });
    expect(cuts.length).toBeGreaterThanOrEqual(4);
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const env = out.results.environment as { reconnects: number; connectionEvents: { event: string; host: string }[] };
    expect(env.reconnects).toBeGreaterThanOrEqual(4);
    expect(env.connectionEvents.filter((e) => e.event === 'gave-up')).toEqual([]);
    // Complete: every client op completed, and every nemesis op too (the faults kept working).
    expect(unmatchedInvokes(out.dir)).toBe(0);
    expect(fs.readFileSync(`${out.dir}/harness.log`, 'utf8')).toMatch(/ssh root@\S+: reconnected after \d+ attempt/);
    expect(bed.leftovers()).toEqual([]);
  }, 180_000);
});
