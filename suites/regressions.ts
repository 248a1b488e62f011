/**
 * The regression suite (`faultline matrix --suite regressions`), in the spirit of etcd's robustness
 * track record: every anomaly Faultline has found must keep being found, and the controls must stay
 * valid. Adding an entry is one object in `SCENARIOS` (a known bug: `expect: 'invalid'`); `fast: true`
 * puts it in `regressions-fast`, the ≤ 5-minute subset CI runs on every change.
 *
 * Seeds are fixed so a miss reproduces; the figures of the last full run are in docs/config-matrix-ci.md.
 */
import { defineConfig, type Scenario } from '../harness/top/config/define.js';
import { BUG_ROWS, bugRow, bugScenario } from './raft-bugs.js';

/**
 * Seeds other than 1, by row: lease-read needs a skew and an isolated leader to meet while its clients
 * read (8/10 seeds in the bench); seed 1 missed it in a full run on a loaded machine, seed 2 caught it.
 */
const RAFT_SEEDS: Readonly<Record<string, number>> = { 'lease-read': 2 };

/**
 * Rows whose window is a matter of timing get 90 s: on this shared 2-core machine (load ~20) each of
 * lease-read and old-term-commit went uncaught in one of two 60 s full runs.
 */
const RAFT_TIME: Readonly<Record<string, number>> = { 'lease-read': 90, 'old-term-commit': 90, 'sticky-leader': 20, 'correct-election': 20 };

/** The Raft rows run for the bench's 60 s unless said above; the fast subset's for 20 s. */
const RAFT: Scenario[] = BUG_ROWS.map((row) => bugScenario(row, RAFT_TIME[row.name ?? row.bug] ?? 60, RAFT_SEEDS[row.name ?? row.bug] ?? 1));
const RAFT_FAST: Scenario[] = [
  { ...bugScenario(bugRow('stale-read'), 20, 1, true), name: 'raft-stale-read-fast' },
  { ...bugScenario(bugRow('correct'), 20, 1, true), name: 'raft-correct-fast' },
];

/** The real stores, 3 nodes each; every one needs root (network namespaces) and the store installed. */
const STORES: Scenario[] = [
  {
    name: 'etcd-serializable-reads', expect: 'invalid', fast: true,
    why: 'serializable reads are served from a member\'s local state: a leader cut off from the majority keeps answering with old values while the majority writes on',
    target: 'etcd', workload: 'register', nodes: 3, faults: ['partition'], partitionShapes: ['primaries'], faultInterval: '2s',
    timeLimit: 12, concurrency: 6, quiet: 1, seed: 7, options: { reads: 'serializable', values: 1000, 'request-timeout': '1s' },
  },
  {
    name: 'etcd-linearizable-reads', expect: 'valid',
    why: 'control: linearizable reads stay linearizable under partitions, kills and pauses',
    target: 'etcd', workload: 'register', nodes: 3, faults: ['partition', 'kill', 'pause'], faultInterval: '2s',
    timeLimit: 15, concurrency: 6, quiet: 1, seed: 3, options: { reads: 'linearizable', keys: 5 },
  },
  {
    name: 'etcd-lock-pause', expect: 'invalid', fast: true,
    why: 'etcd\'s lock is a lease: a holder whose member is paused past the TTL loses it while still believing it holds it (Jepsen 2020)',
    // One member paused at a time: a third of the pauses hit the holder's member, so 30 s (five pauses).
    target: 'etcd', workload: 'lock', nodes: 3, faults: ['pause'], nodeTargets: ['one'], faultInterval: '3s',
    timeLimit: 30, concurrency: 6, quiet: 1, seed: 1, options: { 'session-ttl': '1s' },
  },
  {
    // Not in the fast subset: on a loaded 2-core CI machine the isolated follower's window is sometimes
    // missed in 30 s (valid once in a check run of the fast subset); the integration tests cover it.
    name: 'zookeeper-plain-reads', expect: 'invalid',
    why: 'plain reads are served from a server\'s local copy: an isolated follower answers with old values until it notices',
    target: 'zookeeper', workload: 'register', nodes: 3, faults: ['partition'], partitionShapes: ['isolate-one'], faultInterval: '2s',
    timeLimit: 30, concurrency: 6, quiet: 1, seed: 11, options: { reads: 'plain', values: 1000, 'request-timeout': '1s' },
  },
  {
    name: 'zookeeper-sync-reads', expect: 'valid',
    why: 'control: sync then read stays linearizable under partitions, kills, pauses and clock skew',
    target: 'zookeeper', workload: 'register', nodes: 3, faults: ['partition', 'kill', 'pause', 'clock'], faultInterval: '3s',
    timeLimit: 20, concurrency: 6, quiet: 1, seed: 11, options: { reads: 'sync', keys: 5 },
  },
  {
    name: 'zookeeper-lock-pause', expect: 'invalid',
    why: 'the lock recipe has no fencing: a holder whose server is paused past the session timeout loses its lock node while still believing it holds the lock',
    // As etcd's: a third of the pauses hit the holder's server (in 24 s, one run in two missed), so 40 s.
    target: 'zookeeper', workload: 'lock', nodes: 3, faults: ['pause'], nodeTargets: ['one'], faultInterval: '3s',
    timeLimit: 40, concurrency: 6, quiet: 1, seed: 1, options: { 'session-ttl': '1s', 'request-timeout': '8s' },
  },
  {
    name: 'zookeeper-lock-partition-kill', expect: 'valid',
    why: 'control: the lock recipe keeps mutual exclusion under partitions and kills (sessions expire with their holders)',
    target: 'zookeeper', workload: 'lock', nodes: 3, faults: ['partition', 'kill'], faultInterval: '3s',
    timeLimit: 20, concurrency: 6, quiet: 1, seed: 13,
  },
  {
    name: 'consul-stale-reads', expect: 'invalid',
    why: '?stale reads are answered by any server from its own state: followers trail the leader, and a server cut off from the majority keeps answering',
    target: 'consul', workload: 'register', nodes: 3, faults: ['partition'], faultInterval: '3s',
    timeLimit: 15, concurrency: 6, quiet: 1, seed: 3, options: { reads: 'stale', values: 1000, 'request-timeout': '1s' },
  },
  {
    name: 'consul-consistent-reads', expect: 'valid',
    why: 'control: ?consistent reads (the leader confirms it still leads) stay linearizable under partitions, kills and pauses',
    target: 'consul', workload: 'register', nodes: 3, faults: ['partition', 'kill', 'pause'], faultInterval: '4s',
    timeLimit: 20, concurrency: 6, quiet: 1, seed: 5, options: { reads: 'consistent', 'request-timeout': '2s' },
  },
];

/**
 * The election workload on each store (issue 28), controls: every fault aimed at the leader's node,
 * 20 s each. One leader per epoch, epochs in order, failover within TTL + 10 s.
 */
const ELECTION: Scenario[] = (['etcd', 'zookeeper', 'consul'] as const).map((target) => ({
  name: `${target}-election`, expect: 'valid' as const,
  why: `control: ${target}'s leader election keeps one leader per epoch, in order, with a failover after each leader cut off, under partitions, kills and pauses aimed at the leader's node`,
  target, workload: 'election', nodes: 3, faults: ['partition', 'kill', 'pause'], nodeTargets: ['holders'], partitionShapes: ['holders'], faultInterval: '3s',
  // 5 s of quiet (not 1): after the last heal a 3-node ZooKeeper needed more than 1 s to serve again,
  // so the final observations failed and cluster-liveness said unknown (measured once).
  timeLimit: 20, concurrency: 6, quiet: 5, seed: 1,
}));

/** Every entry: the known bugs that must stay invalid and the controls that must stay valid. */
export const SCENARIOS: readonly Scenario[] = [...RAFT_FAST, ...STORES, ...ELECTION, ...RAFT];

export const regressions = defineConfig({ scenarios: SCENARIOS });

/** The fast subset: the entries marked `fast`, under five minutes on a 2-core machine. */
export const regressionsFast = defineConfig({ scenarios: SCENARIOS.filter((s) => s.fast) });
