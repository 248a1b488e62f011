/**
 * The etcd target: `faultline run --target etcd`. Registered in the run command by `etcdTarget`.
 */
import { DELAY_REQUIREMENTS, checkRequirements, command, realProbe, type MachineProbe, type Requirement } from '../../harness/provision/preflight.js';
import { choiceFlag, environmentOf, flagValue, nodeNames, numberFlag, STORE_FLAGS, storePlan } from '../../harness/provision/store-plan.js';
import { parseFaultNames } from '../../harness/nemesis/build.js';
import type { RunPlan } from '../../harness/run-contract.js';
import type { RunDir } from '../../harness/run-contract.js';
import type { RunRequest, TargetEntry } from '../../harness/run-contract.js';
import { getStoreWorkload } from '../../harness/workloads/store-workloads.js';
import { EtcdClients, type ReadConsistency } from './clients.js';
import { EtcdCluster } from './cluster.js';

export const ETCD_WORKLOADS = ['register', 'set', 'lock'] as const;
const CONSISTENCIES: readonly ReadConsistency[] = ['linearizable', 'serializable'];

/** What an etcd run needs on this machine, given its flags. */
export function etcdRequirements(req: RunRequest): Requirement[] {
  const bin = flagValue(req, 'etcd-bin');
  const env = environmentOf(req);
  // Remote hosts are checked for etcd (and the delayer's compiler) at setup, on the hosts themselves.
  if (env.remote) return [...env.requirements()];
  const reqs: Requirement[] = [...env.requirements()];
  reqs.push(bin === undefined ? command('etcd', 'etcd-server') : { what: `the etcd binary ${bin}`, present: (p) => p.hasCommand(bin), install: 'pass an existing executable with --etcd-bin, or apt-get install -y etcd-server' });
  const faults = parseFaultNames(req.config.faults);
  if (faults.includes('latency')) reqs.push(...DELAY_REQUIREMENTS);
  return reqs;
}

/** Checks flags and machine; `probe` is injected by tests. */
export function etcdPreflight(req: RunRequest, probe: MachineProbe = realProbe): void {
  getStoreWorkload(req.workload, ETCD_WORKLOADS);
  choiceFlag(req, 'read-consistency', CONSISTENCIES);
  nodeNames(req.nodeCount);
  checkRequirements('etcd', etcdRequirements(req), probe, !environmentOf(req).remote);
}

/** Builds the plan of an etcd run inside `run`. */
export function etcdPlan(req: RunRequest, run: RunDir): RunPlan {
  return etcdParts(req, run).plan;
}

/** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
export function etcdParts(req: RunRequest, run: RunDir): { plan: RunPlan; cluster: EtcdCluster; clients: EtcdClients } {
  const nodes = nodeNames(req.nodeCount);
  const workload = getStoreWorkload(req.workload, ETCD_WORKLOADS);
  const readConsistency = choiceFlag(req, 'read-consistency', CONSISTENCIES);
  const cluster = new EtcdCluster({ nodes, dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, etcdBin: flagValue(req, 'etcd-bin'), subnet: flagValue(req, 'subnet'), log: (m) => run.log(m) });
  const clients = new EtcdClients(nodes, (n) => cluster.endpoint(n), workload.name, {
    readConsistency,
    timeoutMs: numberFlag(req, 'request-timeout-ms', 2_000),
    lockTtlS: numberFlag(req, 'lock-ttl', 2),
  });
  cluster.onTeardown(() => clients.close());
  const plan = storePlan(req, run, nodes, workload, cluster, clients, {
    name: 'etcd', readConsistency, subnet: flagValue(req, 'subnet'),
  });
  return { plan, cluster, clients };
}

export const etcdTarget: TargetEntry = {
  name: 'etcd',
  summary: 'etcd 3.4 (Debian etcd-server or --etcd-bin), one member per host (--env: network namespaces, needs root; or machines over ssh)',
  workloads: ETCD_WORKLOADS,
  flags: [
    { name: 'etcd-bin', kind: 'value', help: 'etcd binary to run (default: etcd from PATH, Debian etcd-server 3.4)' },
    { name: 'read-consistency', kind: 'value', help: 'linearizable (default) or serializable (member-local, may be stale)' },
    { name: 'lock-ttl', kind: 'value', help: 'lock workload: lease TTL of a holder in seconds (default 2)' },
    ...STORE_FLAGS,
  ],
  preflight: (req) => etcdPreflight(req),
  plan: etcdPlan,
};

export { EtcdCluster } from './cluster.js';
export type { EtcdClusterOptions } from './cluster.js';
export { EtcdClients } from './clients.js';
export type { EtcdClientOptions, ReadConsistency } from './clients.js';
export { GatewayError, lockAcquire, lockRelease, memberStatus } from './http.js';
