/**
 * `npm run bench:faults [-- --env ssh [--hosts …]]`: real faults on a 5-member etcd cluster in network
 * namespaces (needs root and etcd), or over SSH: against `--hosts`/`--hosts-file` and the `--ssh-*`
 * flags when given, else against the SSH test bed (5 namespace hosts with a real sshd each), so every
 * fault goes through ssh2 as it would to real machines. Prints how long each fault takes to apply and to heal on all hosts, what a latency fault
 * does to a write, and etcd's failover after its leader is isolated: until a member of the majority
 * names a new leader, and until a write through the majority commits. Median of 5 rounds each.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { Etcd3 } from 'etcd3';
import { complete } from '../harness/nemesis/grudge.js';
import { EtcdCluster } from '../targets/etcd/cluster.js';
import { memberStatus } from '../targets/etcd/http.js';
import { errorMessage } from '../harness/history/errors.js';
import { startTestBed, type TestBed } from '../harness/provision/ssh/test-bed.js';

/** `--name value` / `--flag` pairs of the bench's command line. */
function benchFlags(argv: readonly string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const [name, inline] = argv[i].slice(2).split(/=(.*)/s);
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) { flags.set(name, next); i++; } else flags.set(name, true);
  }
  return flags;
}

/** The 5-host partition floor over SSH (Jepsen's takes seconds). */
const SSH_PARTITION_FLOOR_MS = 300;

const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function timed(action: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const flags = benchFlags(process.argv.slice(2));
  const env = flags.get('env') === 'ssh' ? 'ssh' : 'local';
  const ownHosts = flags.has('hosts') || flags.has('hosts-file');
  if (process.getuid?.() !== 0 && !(env === 'ssh' && ownHosts)) throw new Error('bench:faults needs root (network namespaces); run it with sudo');
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-faults-'));
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  let bed: TestBed | undefined;
  if (env === 'ssh' && !ownHosts) bed = await startTestBed({ nodes });
  const cluster = new EtcdCluster({ nodes, dir, env, flags: bed ? bed.flags() : flags, etcdBin: typeof flags.get('etcd-bin') === 'string' ? flags.get('etcd-bin') as string : undefined });
  let setupMs = 0;
  try {
    setupMs = await timed(() => cluster.setup());
  } catch (err) {
    await cluster.teardown();
    await bed?.stop();
    throw err;
  }
  const net = cluster.net!;
  const clients = new Map(nodes.map((n) => [n, new Etcd3({ hosts: cluster.endpoint(n), defaultCallOptions: { deadline: Date.now() + 60_000 } })]));
  const put = async (node: string, timeoutMs = 3_000): Promise<void> => { await clients.get(node)!.put('bench').value('x').options({ deadline: Date.now() + timeoutMs }); };
  try {
    const where = env === 'local' ? 'in namespaces' : bed ? 'over ssh (test bed: a real sshd in each of 5 namespace hosts)' : 'over ssh';
    console.log(`etcd ${nodes.length} members ${where}: provisioned and healthy in ${setupMs.toFixed(0)} ms\n`);
    console.log('fault (all 5 hosts in parallel)      apply (median)   heal (median)');
    const medians: Record<string, number> = {};
    const row = async (name: string, apply: () => Promise<unknown>, heal: () => Promise<unknown>, settleMs = 200): Promise<void> => {
      const a: number[] = [];
      const h: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        a.push(await timed(apply));
        await sleep(settleMs);
        h.push(await timed(heal));
        await sleep(settleMs);
      }
      medians[name] = median(a);
      console.log(`${name.padEnd(36)}${fmt(median(a))}   ${fmt(median(h))}`);
    };
    await row('partition (halves)', () => net.partition(complete([['n1', 'n2'], ['n3', 'n4', 'n5']])), () => net.partition({}));
    await row('packet loss 20 %', () => net.setLoss(0.2), () => net.setLoss(0));
    await row('latency 50 ms (NFQUEUE delayer)', () => net.setExtraLatency({ kind: 'constant', ms: 50 }), () => net.setExtraLatency(null));
    await row('bandwidth 1 Mbit/s (tbf)', () => net.setBandwidth(1_000), () => net.setBandwidth(null));
    await row('pause one member (SIGSTOP/SIGCONT)', () => cluster.pausable.pause('n5'), () => cluster.pausable.resume('n5'));
    await row('kill one member (SIGKILL / respawn)', () => cluster.killable.kill('n5'), () => cluster.killable.start('n5'), 1_000);
    if (env === 'ssh') {
      const p = medians['partition (halves)'];
      console.log(`\nfloor: a partition of 5 hosts over ssh applied in ≤ ${SSH_PARTITION_FLOOR_MS} ms: ${p.toFixed(1)} ms, ${p <= SSH_PARTITION_FLOOR_MS ? 'met' : 'NOT met'}`);
    }

    // What the latency fault does to a write (the leader waits for a majority's acknowledgement).
    await sleep(1_000);
    const leader0 = (await cluster.primaries.primaries())[0];
    const writes = async (): Promise<number> => median(await Promise.all([0, 1, 2, 3, 4].map(async () => timed(() => put(leader0)))));
    const base = await writes();
    await net.setExtraLatency({ kind: 'uniform', minMs: 40, maxMs: 60 });
    const slow = await writes();
    await net.setExtraLatency(null);
    console.log(`\nwrite through the leader: ${base.toFixed(1)} ms normally, ${slow.toFixed(1)} ms with 40–60 ms extra latency on every host`);

    // Failover after isolating the leader.
    const newLeader: number[] = [];
    const commit: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(1_500);
      const [leader] = await cluster.primaries.primaries();
      const rest = nodes.filter((n) => n !== leader);
      const t0 = performance.now();
      await net.partition(complete([[leader], rest]));
      for (;;) {
        const s = await memberStatus(cluster.endpoint(rest[0]), 300).catch(() => undefined);
        const ids = await Promise.all(rest.map((n) => memberStatus(cluster.endpoint(n), 300).then((x) => x.memberId, () => '')));
        if (s && s.leader !== '0' && ids.includes(s.leader)) break;
        await sleep(10);
      }
      newLeader.push(performance.now() - t0);
      for (;;) {
        try { await put(rest[0], 500); break; } catch { /* not yet */ }
      }
      commit.push(performance.now() - t0);
      await net.partition({});
    }
    console.log(`\netcd failover after isolating the leader (heartbeat 50 ms, election 500 ms, pre-vote), ${ROUNDS} rounds:`);
    console.log(`  majority names a new leader: median ${median(newLeader).toFixed(0)} ms (min ${Math.min(...newLeader).toFixed(0)}, max ${Math.max(...newLeader).toFixed(0)})`);
    console.log(`  first write through the majority commits: median ${median(commit).toFixed(0)} ms (min ${Math.min(...commit).toFixed(0)}, max ${Math.max(...commit).toFixed(0)})`);
  } finally {
    for (const c of clients.values()) c.close();
    await cluster.teardown();
    await bed?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:faults: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
