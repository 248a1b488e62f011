/**
 * The ZooKeeper target: `faultline run --target zookeeper`. Registered in the run command by
 * `zookeeperTarget`.
 */
import { command, file, versionOf, type MachineProbe, type Requirement } from '../../harness/provision/preflight.js';
import { choiceOption, durationOption, flagValue, REQUEST_TIMEOUT, valueOf } from '../../harness/flags.js';
import { environmentPreflight, nodeNames, STORE_FLAGS, storePlan, storePreflight, storeRequirements } from '../server-base/store-plan.js';
import type { RunDir, RunPlan, RunRequest, TargetEntry } from '../../harness/run-contract.js';
import { getStoreWorkload } from '../../harness/workloads/store-workloads.js';
import { ZkClients, type ZkReads } from './clients.js';
import { SLF4J_SIMPLE_JAR, ZK_JAR, ZK_MAX_SESSION_MS, ZK_MIN_SESSION_MS, ZkCluster } from './cluster.js';

export const ZK_WORKLOADS = ['register', 'set', 'lock'] as const;
/** `--reads`: sync then read, or the server's local copy. */
export const ZK_READS = choiceOption('reads', ['sync', 'plain'] as const satisfies readonly ZkReads[],
  'sync (sync, then read) or plain (the server\'s local copy, may be stale)');
/**
 * `--session-timeout`: the servers allow sessions of 2 to 20 ticks (tickTime 500 ms, cluster.ts);
 * ZooKeeper would silently clamp anything else, and the lock's expiry would not be what was asked for.
 */
const SESSION_TIMEOUT = durationOption('session-timeout',
  'session timeout a client asks for, a duration; its lock node expires this long after its server goes quiet (the server allows 1s–10s; was --session-timeout-ms)', '4s',
  { min: ZK_MIN_SESSION_MS, max: ZK_MAX_SESSION_MS, outside: (t) => `--session-timeout ${t} is outside the ${ZK_MIN_SESSION_MS / 1000}s–${ZK_MAX_SESSION_MS / 1000}s the ZooKeeper servers allow (2 to 20 ticks of 500 ms); pass e.g. 4s` });

/** What ZooKeeper itself needs: a JVM, Debian's jar and the slf4j binding. */
export function zookeeperBinaries(): Requirement[] {
  return [
    { ...command('java', 'default-jre-headless'), version: versionOf(['java', '-version'], /version "([^"]+)"/) },
    { ...file(ZK_JAR, 'zookeeper'), version: versionOf(['dpkg-query', '-W', '-f=${Version}', 'zookeeper'], /^(\S+)/) },
    file(SLF4J_SIMPLE_JAR, 'libslf4j-java'),
  ];
}

/** What a ZooKeeper run needs on this machine, given its flags: its environment's, ZooKeeper's, its faults'. */
export function zookeeperRequirements(req: RunRequest): Requirement[] {
  return storeRequirements(req, zookeeperBinaries());
}

export function zookeeperPreflight(req: RunRequest, probe?: MachineProbe): void {
  valueOf(req, ZK_READS);
  valueOf(req, SESSION_TIMEOUT);
  storePreflight('zookeeper', req, ZK_WORKLOADS, zookeeperBinaries(), probe);
}

export function zookeeperPlan(req: RunRequest, run: RunDir): RunPlan {
  return zookeeperParts(req, run).plan;
}

/** The plan with its ensemble and clients, for tests that reach inside. */
export function zookeeperParts(req: RunRequest, run: RunDir): { plan: RunPlan; cluster: ZkCluster; clients: ZkClients } {
  const nodes = nodeNames(req.nodeCount);
  const workload = getStoreWorkload(req.workload, ZK_WORKLOADS);
  const reads = valueOf(req, ZK_READS);
  const cluster = new ZkCluster({ nodes, dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, subnet: flagValue(req, 'subnet'), log: (m) => run.log(m) });
  const clients = new ZkClients(nodes, (n) => cluster.address(n), workload.name, {
    reads,
    timeoutMs: valueOf(req, REQUEST_TIMEOUT),
    sessionTimeoutMs: valueOf(req, SESSION_TIMEOUT),
  });
  const plan = storePlan(req, run, nodes, workload, cluster, clients, { name: 'zookeeper', reads });
  return { plan, cluster, clients };
}

export const zookeeperTarget: TargetEntry = {
  name: 'zookeeper',
  summary: 'ZooKeeper 3.8 (Debian zookeeper), one server per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: ZK_WORKLOADS,
  flags: [
    ZK_READS,
    ...STORE_FLAGS,
    SESSION_TIMEOUT,
  ],
  // One server.N line makes no quorum peer ZooKeeper can elect from: the run waited 60 s, then failed.
  minNodes: { min: 2, why: 'an ensemble; one server alone never forms a quorum here', suggest: 3 },
  preflight: async (req) => { zookeeperPreflight(req); await environmentPreflight(req, 'zookeeper'); },
  requirements: () => zookeeperBinaries(),
  plan: zookeeperPlan,
};

