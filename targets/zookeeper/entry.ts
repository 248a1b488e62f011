/**
 * The ZooKeeper target: `faultline run --target zookeeper`. Registered in the run command by
 * `zookeeperTarget`.
 */
import { command, file, versionOf, type MachineProbe, type Requirement } from '../../harness/provision/preflight.js';
import { choiceFlag, durationFlag, flagValue } from '../../harness/flags.js';
import { environmentPreflight, nodeNames, STORE_FLAGS, storePlan, storePreflight, storeRequirements } from '../../harness/provision/store-plan.js';
import type { RunDir, RunPlan, RunRequest, TargetEntry } from '../../harness/run-contract.js';
import { getStoreWorkload } from '../../harness/workloads/store-workloads.js';
import { ZkClients, type ZkReads } from './clients.js';
import { SLF4J_SIMPLE_JAR, ZK_JAR, ZK_MAX_SESSION_MS, ZK_MIN_SESSION_MS, ZkCluster } from './cluster.js';
import { InputError } from '../../harness/history/errors.js';

export const ZK_WORKLOADS = ['register', 'set', 'lock'] as const;
const READS: readonly ZkReads[] = ['sync', 'plain'];

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
  choiceFlag(req, 'reads', READS);
  // One server.N line makes no quorum peer ZooKeeper can elect from: the run waited 60 s, then failed.
  if (req.nodeCount < 2) throw new InputError(`--target zookeeper needs --nodes 2 or more (an ensemble; one server alone never forms a quorum here), got ${req.nodeCount}; pass --nodes 3`);
  // The servers allow sessions of 2 to 20 ticks (tickTime 500 ms, cluster.ts); ZooKeeper would
  // silently clamp anything else, and the lock workload's expiry would not be what was asked for.
  const session = durationFlag(req, 'session-timeout', '4s');
  if (session < ZK_MIN_SESSION_MS || session > ZK_MAX_SESSION_MS) {
    throw new InputError(`--session-timeout ${flagValue(req, 'session-timeout')} is outside the ${ZK_MIN_SESSION_MS / 1000}s–${ZK_MAX_SESSION_MS / 1000}s the ZooKeeper servers allow (2 to 20 ticks of 500 ms); pass e.g. 4s`);
  }
  storePreflight('zookeeper', req, ZK_WORKLOADS, zookeeperBinaries(), probe);
}

export function zookeeperPlan(req: RunRequest, run: RunDir): RunPlan {
  return zookeeperParts(req, run).plan;
}

/** The plan with its ensemble and clients, for tests that reach inside. */
export function zookeeperParts(req: RunRequest, run: RunDir): { plan: RunPlan; cluster: ZkCluster; clients: ZkClients } {
  const nodes = nodeNames(req.nodeCount);
  const workload = getStoreWorkload(req.workload, ZK_WORKLOADS);
  const reads = choiceFlag(req, 'reads', READS);
  const cluster = new ZkCluster({ nodes, dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, subnet: flagValue(req, 'subnet'), log: (m) => run.log(m) });
  const clients = new ZkClients(nodes, (n) => cluster.address(n), workload.name, {
    reads,
    timeoutMs: durationFlag(req, 'request-timeout', '2s'),
    sessionTimeoutMs: durationFlag(req, 'session-timeout', '4s'),
  });
  const plan = storePlan(req, run, nodes, workload, cluster, clients, { name: 'zookeeper', reads });
  return { plan, cluster, clients };
}

export const zookeeperTarget: TargetEntry = {
  name: 'zookeeper',
  summary: 'ZooKeeper 3.8 (Debian zookeeper), one server per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: ZK_WORKLOADS,
  flags: [
    { name: 'reads', kind: 'value', help: 'sync (default: sync, then read) or plain (the server\'s local copy, may be stale)' },
    ...STORE_FLAGS,
    { name: 'session-timeout', kind: 'value', help: 'session timeout a client asks for, a duration; its lock node expires this long after its server goes quiet (default 4s; the server allows 1s–10s; was --session-timeout-ms)' },
  ],
  preflight: async (req) => { zookeeperPreflight(req); await environmentPreflight(req, 'zookeeper'); },
  requirements: () => zookeeperBinaries(),
  plan: zookeeperPlan,
};

