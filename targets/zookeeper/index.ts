/**
 * The ZooKeeper target: `faultline run --target zookeeper`. Registered in the run command by
 * `zookeeperTarget`.
 */
import { parseFaultNames } from '../../harness/nemesis/build.js';
import { DELAY_REQUIREMENTS, checkRequirements, command, file, realProbe, type MachineProbe, type Requirement } from '../../harness/provision/preflight.js';
import { choiceFlag, environmentOf, flagValue, nodeNames, numberFlag, STORE_FLAGS, storePlan } from '../../harness/provision/store-plan.js';
import type { RunPlan } from '../../harness/run-contract.js';
import type { RunDir } from '../../harness/run-contract.js';
import type { RunRequest, TargetEntry } from '../../harness/run-contract.js';
import { getStoreWorkload } from '../../harness/workloads/store-workloads.js';
import { FAKETIME_LIB } from '../maelstrom/faketime.js';
import { ZkClients, type ZkReads } from './clients.js';
import { SLF4J_SIMPLE_JAR, ZK_JAR, ZkCluster } from './cluster.js';

export const ZK_WORKLOADS = ['register', 'set', 'lock'] as const;
const READS: readonly ZkReads[] = ['sync', 'plain'];

/** What a ZooKeeper run needs on this machine, given its flags. */
export function zookeeperRequirements(req: RunRequest): Requirement[] {
  const env = environmentOf(req);
  // Remote hosts are checked for java and the jars at setup, on the hosts themselves.
  if (env.remote) return [...env.requirements()];
  const reqs: Requirement[] = [...env.requirements(), command('java', 'default-jre-headless'), file(ZK_JAR, 'zookeeper'), file(SLF4J_SIMPLE_JAR, 'libslf4j-java')];
  const faults = parseFaultNames(req.config.faults);
  if (faults.includes('clock')) reqs.push(file(FAKETIME_LIB, 'libfaketime'));
  if (faults.includes('latency')) reqs.push(...DELAY_REQUIREMENTS);
  return reqs;
}

export function zookeeperPreflight(req: RunRequest, probe: MachineProbe = realProbe): void {
  getStoreWorkload(req.workload, ZK_WORKLOADS);
  choiceFlag(req, 'reads', READS);
  nodeNames(req.nodeCount);
  checkRequirements('zookeeper', zookeeperRequirements(req), probe, !environmentOf(req).remote);
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
    timeoutMs: numberFlag(req, 'request-timeout-ms', 2_000),
    sessionTimeoutMs: numberFlag(req, 'session-timeout-ms', 4_000),
  });
  const plan = storePlan(req, run, nodes, workload, cluster, clients, { name: 'zookeeper', reads });
  return { plan, cluster, clients };
}

export const zookeeperTarget: TargetEntry = {
  name: 'zookeeper',
  summary: 'ZooKeeper 3.8 (Debian zookeeper), one server per host (--env: network namespaces, needs root; or machines over ssh)',
  workloads: ZK_WORKLOADS,
  flags: [
    { name: 'reads', kind: 'value', help: 'sync (default: sync, then read) or plain (the server\'s local copy, may be stale)' },
    ...STORE_FLAGS,
    { name: 'session-timeout-ms', kind: 'value', help: 'session timeout a client asks for; its lock node expires this long after its server goes quiet (default 4000; the server allows 1000–10000)' },
  ],
  preflight: (req) => zookeeperPreflight(req),
  plan: zookeeperPlan,
};

export { ZkCluster, fourLetter, ZK_JAR, SLF4J_SIMPLE_JAR, ZK_JVM_FLAGS } from './cluster.js';
export type { ZkClusterOptions } from './cluster.js';
export { ZkClients } from './clients.js';
export type { ZkClientOptions, ZkReads } from './clients.js';
export { ZkSession, ZkError } from './session.js';
