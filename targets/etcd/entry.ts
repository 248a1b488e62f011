/**
 * The etcd target: `faultline run --target etcd`. Registered in the run command by `etcdTarget`.
 */
import { command, versionOf, type MachineProbe, type Requirement } from '../../harness/provision/preflight.js';
import { choiceOption, durationOption, flagValue, REQUEST_TIMEOUT, valueOf } from '../../harness/flags.js';
import { environmentPreflight, nodeNames, refuseUntrustedBinary, STORE_FLAGS, storePlan, storePreflight, storeRequirements } from '../server-base/store-plan.js';
import type { RunDir, RunPlan, RunRequest, TargetEntry } from '../../harness/run-contract.js';
import { getStoreWorkload } from '../../harness/workloads/store-workloads.js';
import { EtcdClients, type ReadConsistency } from './clients.js';
import { EtcdCluster } from './cluster.js';

export const ETCD_WORKLOADS = ['register', 'set', 'lock'] as const;
/** `--reads`: how a read is served — through the leader (linearizable) or by the member it reached. */
export const ETCD_READS = choiceOption('reads', ['linearizable', 'serializable'] as const satisfies readonly ReadConsistency[],
  'how a read is served: through a quorum, or by the member alone (serializable, may be stale); was --read-consistency');
/** `--lock-ttl`: the lease TTL of a lock holder. */
const LOCK_TTL = durationOption('lock-ttl', 'lock workload: lease TTL of a holder, a duration', '2s');

/** The etcd binary a run needs (`--etcd-bin`, else etcd on PATH), with its version for doctor. */
export function etcdBinary(req?: RunRequest): Requirement {
  const bin = req ? flagValue(req, 'etcd-bin') : undefined;
  const version = versionOf([bin ?? 'etcd', '--version'], /etcd Version: ([\d.]+)/);
  if (bin === undefined) return { ...command('etcd', 'etcd-server'), version };
  return { what: `the etcd binary ${bin}`, present: (p) => p.hasCommand(bin), install: 'pass an existing executable with --etcd-bin, or apt-get install -y etcd-server', version };
}

/** What an etcd run needs on this machine, given its flags: its environment's needs, etcd, its faults'. */
export function etcdRequirements(req: RunRequest): Requirement[] {
  return storeRequirements(req, [etcdBinary(req)]);
}

/** Checks flags and machine; `probe` is injected by tests. */
export function etcdPreflight(req: RunRequest, probe?: MachineProbe): void {
  valueOf(req, ETCD_READS);
  storePreflight('etcd', req, ETCD_WORKLOADS, [etcdBinary(req)], probe);
  refuseUntrustedBinary(req, 'etcd-bin');
}

/** Builds the plan of an etcd run inside `run`. */
export function etcdPlan(req: RunRequest, run: RunDir): RunPlan {
  return etcdParts(req, run).plan;
}

/** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
export function etcdParts(req: RunRequest, run: RunDir): { plan: RunPlan; cluster: EtcdCluster; clients: EtcdClients } {
  const nodes = nodeNames(req.nodeCount);
  const workload = getStoreWorkload(req.workload, ETCD_WORKLOADS);
  const readConsistency = valueOf(req, ETCD_READS);
  const cluster = new EtcdCluster({ nodes, dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, etcdBin: flagValue(req, 'etcd-bin'), subnet: flagValue(req, 'subnet'), log: (m) => run.log(m) });
  const clients = new EtcdClients(nodes, (n) => cluster.endpoint(n), workload.name, {
    readConsistency,
    timeoutMs: valueOf(req, REQUEST_TIMEOUT),
    lockTtlS: valueOf(req, LOCK_TTL) / 1000,
  });
  cluster.onTeardown(() => clients.close());
  const plan = storePlan(req, run, nodes, workload, cluster, clients, {
    name: 'etcd', readConsistency, subnet: flagValue(req, 'subnet'),
  });
  return { plan, cluster, clients };
}

export const etcdTarget: TargetEntry = {
  name: 'etcd',
  summary: 'etcd 3.4 (Debian etcd-server or --etcd-bin), one member per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: ETCD_WORKLOADS,
  flags: [
    { name: 'etcd-bin', kind: 'value', help: 'etcd binary to run (default: etcd from PATH, Debian etcd-server 3.4)' },
    ETCD_READS,
    LOCK_TTL,
    ...STORE_FLAGS,
  ],
  preflight: async (req) => { etcdPreflight(req); await environmentPreflight(req, 'etcd'); },
  requirements: (req) => [etcdBinary(req)],
  plan: etcdPlan,
};

