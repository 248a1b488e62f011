/**
 * The etcd target: `faultline run --target etcd`, a store description (targets/server-base/
 * store-target.ts) registered in harness/top/run/targets.ts by `etcdTarget`.
 */
import { command, versionOf, type Requirement } from '../../harness/middle/hosts/preflight.js';
import { choiceOption, flagValue } from '../../harness/ground/contracts/flags.js';
import type { RunRequest } from '../../harness/ground/contracts/run-contract.js';
import { watchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { sessionTtlOption, storeTarget } from '../server-base/store-target.js';
import { EtcdClients, type ReadConsistency } from './clients.js';
import { EtcdCluster } from './cluster.js';
import { EtcdMembership } from './members.js';

export const ETCD_WORKLOADS = ['register', 'set', 'lock', 'fenced-lock', 'watch', 'list-append', 'rw-register', 'election'] as const;
/** `--reads`: how a read is served — through the leader (linearizable) or by the member it reached. */
export const ETCD_READS = choiceOption('reads', ['linearizable', 'serializable'] as const satisfies readonly ReadConsistency[],
  'how a read is served: through a quorum, or by the member alone (serializable, may be stale); was --read-consistency');

/** The etcd binary a run needs (`--etcd-bin`, else etcd on PATH), with its version for doctor. */
export function etcdBinary(req?: RunRequest): Requirement {
  const bin = req ? flagValue(req, 'etcd-bin') : undefined;
  const version = versionOf([bin ?? 'etcd', '--version'], /etcd Version: ([\d.]+)/);
  if (bin === undefined) return { ...command('etcd', 'etcd-server'), version };
  return { what: `the etcd binary ${bin}`, present: (p) => p.hasCommand(bin), install: 'pass an existing executable with --etcd-bin, or apt-get install -y etcd-server', version };
}

const ETCD = storeTarget({
  name: 'etcd',
  summary: 'etcd 3.4 (Debian etcd-server or --etcd-bin), one member per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: ETCD_WORKLOADS,
  reads: ETCD_READS,
  // A lease TTL is whole seconds to etcd, which raises one below its own minimum (1.5 election timeouts).
  leaseClock: { skewable: false, why: 'etcd is a Go binary, which reads the clock through the vDSO, not libc: libfaketime cannot skew it, so no clock fault reaches its lease TTLs' },
  sessionTtl: sessionTtlOption('etcd', 'lease TTL of a lock holder', 'lock-ttl', '2s', 1_000),
  bin: { name: 'etcd-bin', kind: 'value', help: 'etcd binary to run (default: etcd from PATH, Debian etcd-server 3.4)' },
  binaries: (req) => [etcdBinary(req)],
  cluster: (o, req) => new EtcdCluster({ ...o, etcdBin: flagValue(req, 'etcd-bin') }),
  // Member API: remove, add as a learner then promote (targets/etcd/members.ts).
  membership: (cluster, initial, log) => new EtcdMembership(cluster, initial, log),
  // A read-only Txn of serializable ranges is served by the member alone: a consistent snapshot, maybe stale.
  txnModels: (reads) => (reads === 'serializable' ? ['serializable'] : ['strict-serializable']),
  clients: (nodes, cluster, workload, o, req) => new EtcdClients(nodes, (n) => cluster.endpoint(n), workload, o, watchSettings(req.config)),
});

export const etcdTarget = ETCD.entry;
/** What an etcd run needs on this machine, given its flags: its environment's needs, etcd, its faults'. */
export const etcdRequirements = ETCD.requirements;
/** Checks flags and machine; `probe` is injected by tests. */
export const etcdPreflight = ETCD.preflight;
/** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
export const etcdParts = ETCD.parts;
