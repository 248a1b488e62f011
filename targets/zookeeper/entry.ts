/**
 * The ZooKeeper target: `faultline run --target zookeeper`, a store description (targets/server-base/
 * store-target.ts) registered in harness/top/run/targets.ts by `zookeeperTarget`.
 */
import { command, file, versionOf, type Requirement } from '../../harness/middle/hosts/preflight.js';
import { choiceOption } from '../../harness/ground/contracts/flags.js';
import { watchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { sessionTtlOption, storeTarget } from '../server-base/store-target.js';
import { ZkClients, type ZkReads } from './clients.js';
import { SLF4J_SIMPLE_JAR, ZK_JAR, ZK_MAX_SESSION_MS, ZK_MIN_SESSION_MS, ZkCluster } from './cluster.js';
import { ZkMembership } from './members.js';

export const ZK_WORKLOADS = ['register', 'set', 'lock', 'fenced-lock', 'list-append', 'rw-register', 'election', 'watch'] as const;
/** `--reads`: sync then read, the server's local copy, or a read its version confirmed through the leader's log. */
export const ZK_READS = choiceOption('reads', ['sync', 'plain', 'quorum'] as const satisfies readonly ZkReads[],
  'sync (sync, then read), plain (the server\'s local copy, may be stale) or quorum (sync, read, then a multi checking the version read commits through the leader: linearizable also across a reconfig that removes the leader; a set\'s read is a sync read)');

/** What ZooKeeper itself needs: a JVM, Debian's jar and the slf4j binding. */
export function zookeeperBinaries(): Requirement[] {
  return [
    { ...command('java', 'default-jre-headless'), version: versionOf(['java', '-version'], /version "([^"]+)"/) },
    { ...file(ZK_JAR, 'zookeeper'), version: versionOf(['dpkg-query', '-W', '-f=${Version}', 'zookeeper'], /^(\S+)/) },
    file(SLF4J_SIMPLE_JAR, 'libslf4j-java'),
  ];
}

const ZOOKEEPER = storeTarget({
  name: 'zookeeper',
  summary: 'ZooKeeper 3.8 (Debian zookeeper), one server per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: ZK_WORKLOADS,
  reads: ZK_READS,
  // The servers allow sessions of 2 to 20 ticks (tickTime 500 ms, cluster.ts); ZooKeeper would
  // silently clamp anything else, and the lock's expiry would not be what was asked for.
  // libfaketime does skew ZooKeeper's JVM (the clock fault is offered), but not the clock its sessions expire by.
  leaseClock: { skewable: false, why: 'ZooKeeper times session expiry on a monotonic clock (System.nanoTime), which libfaketime leaves alone here (FAKETIME_DONT_FAKE_MONOTONIC), so a clock fault never reaches a session' },
  sessionTtl: sessionTtlOption('ZooKeeper', 'session timeout a client asks for; its lock node expires this long after its server goes quiet', 'session-timeout', '4s', ZK_MIN_SESSION_MS, ZK_MAX_SESSION_MS),
  // One server.N line makes no quorum peer ZooKeeper can elect from: the run waited 60 s, then failed.
  minNodes: { min: 2, why: 'an ensemble; one server alone never forms a quorum here', suggest: 3 },
  binaries: () => zookeeperBinaries(),
  cluster: (o) => new ZkCluster(o),
  // Dynamic reconfiguration as the run's super user (targets/zookeeper/members.ts); its settings are
  // in the generated configuration only when --nemesis includes membership (the cluster has members then).
  membership: (cluster, initial, log) => new ZkMembership(cluster, initial, log),
  // Every transaction ends in a multi through the leader (a read-only one in a check-only multi), in either --reads mode.
  txnModels: () => ['strict-serializable'],
  clients: (nodes, cluster, workload, o, req) => new ZkClients(nodes, (n) => cluster.address(n), workload, o, watchSettings(req.config)),
});

export const zookeeperTarget = ZOOKEEPER.entry;
/** What a ZooKeeper run needs on this machine, given its flags: its environment's, ZooKeeper's, its faults'. */
export const zookeeperRequirements = ZOOKEEPER.requirements;
/** Checks flags and machine; `probe` is injected by tests. */
export const zookeeperPreflight = ZOOKEEPER.preflight;
/** The plan with its ensemble and clients, for tests that reach inside. */
export const zookeeperParts = ZOOKEEPER.parts;
