/**
 * The Consul target's entry: `faultline run --target consul`, registered in harness/run/targets.ts.
 */
import { setupCommand } from '../../harness/setup/catalog.js';
import { execFile } from 'node:child_process';
import { choiceOption, durationOption, flagValue, REQUEST_TIMEOUT, valueOf } from '../../harness/flags.js';
import type { MachineProbe, Requirement } from '../../harness/provision/preflight.js';
import { environmentPreflight, nodeNames, refuseUntrustedBinary, STORE_FLAGS, storePlan, storePreflight, storeRequirements } from '../server-base/store-plan.js';
import type { RunDir, RunPlan, RunRequest, TargetEntry } from '../../harness/run-contract.js';
import { getStoreWorkload } from '../../harness/workloads/store-workloads.js';
import { ConsulClients } from './clients.js';
import { ConsulCluster } from './cluster.js';
import type { ReadMode } from './http.js';

export const CONSUL_WORKLOADS = ['register', 'set', 'lock'] as const;
/** `--reads`: Consul's read modes. */
export const CONSUL_READS = choiceOption('reads', ['consistent', 'default', 'stale'] as const satisfies readonly ReadMode[],
  'consistent (the leader confirms it still leads), default (the leader answers from its state) or stale (any server, may be stale); was --consul-reads');
const SESSION_TTL = durationOption('session-ttl', 'lock workload: session TTL, a duration (Consul invalidates between TTL and 2×TTL)', '2s');
/** `--lock-delay`: unlike the other durations it may be 0 (none); Consul's own default is 15s. */
const LOCK_DELAY = durationOption('lock-delay', 'lock workload: session lock-delay, a duration, 0 for none (Consul\'s own default is 15s)', '1s', { zero: true });
const SETUP = setupCommand('consul');

/** The first line of `<bin> version` (e.g. `Consul v1.8.7`), or undefined when it does not run. */
export function consulVersion(bin = 'consul'): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bin, ['version'], { timeout: 5_000 }, (err, stdout) => resolve(err ? undefined : stdout.split('\n')[0].trim() || undefined));
  });
}

/** The consul binary a run uses: `--consul-bin PATH`, else `consul` from PATH. */
export function consulBinary(bin?: string): Requirement {
  if (bin === undefined) {
    return {
      what: 'consul (Consul 1.8.7 from Debian bullseye)',
      present: (p) => p.hasCommand('consul'),
      install: `${SETUP} (fetches bullseye's consul package with apt without touching the system's sources)`,
      version: () => consulVersion('consul'),
    };
  }
  return {
    what: `the consul binary ${bin}`,
    present: (p) => p.hasCommand(bin),
    install: `pass an existing executable with --consul-bin, or run ${SETUP}`,
    version: () => consulVersion(bin),
  };
}

/** What a Consul run needs on this machine, given its flags: its environment's, Consul, its faults'. */
export function consulRequirements(req?: RunRequest): Requirement[] {
  if (req === undefined) return [consulBinary()];
  return storeRequirements(req, [consulBinary(flagValue(req, 'consul-bin'))]);
}

/** Checks flags and machine; `probe` is injected by tests. */
export function consulPreflight(req: RunRequest, probe?: MachineProbe): void {
  valueOf(req, CONSUL_READS);
  valueOf(req, SESSION_TTL);
  valueOf(req, LOCK_DELAY);
  storePreflight('consul', req, CONSUL_WORKLOADS, [consulBinary(flagValue(req, 'consul-bin'))], probe);
  refuseUntrustedBinary(req, 'consul-bin');
}

/** Builds the plan of a Consul run inside `run`. */
export function consulPlan(req: RunRequest, run: RunDir): RunPlan {
  return consulParts(req, run).plan;
}

/** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
export function consulParts(req: RunRequest, run: RunDir): { plan: RunPlan; cluster: ConsulCluster; clients: ConsulClients } {
  const nodes = nodeNames(req.nodeCount);
  const workload = getStoreWorkload(req.workload, CONSUL_WORKLOADS);
  const reads = valueOf(req, CONSUL_READS);
  const cluster = new ConsulCluster({ nodes, dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, consulBin: flagValue(req, 'consul-bin'), subnet: flagValue(req, 'subnet'), log: (m) => run.log(m) });
  const clients = new ConsulClients(nodes, (n) => cluster.endpoint(n), workload.name, {
    reads,
    timeoutMs: valueOf(req, REQUEST_TIMEOUT),
    sessionTtlS: valueOf(req, SESSION_TTL) / 1000,
    lockDelayS: valueOf(req, LOCK_DELAY) / 1000,
  });
  cluster.onTeardown(() => clients.close());
  const plan = storePlan(req, run, nodes, workload, cluster, clients, { name: 'consul', reads, subnet: flagValue(req, 'subnet') });
  return { plan, cluster, clients };
}

export const consulTarget: TargetEntry = {
  name: 'consul',
  summary: 'Consul 1.8 (Debian bullseye via scripts/setup-consul.sh, or --consul-bin), one server per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: CONSUL_WORKLOADS,
  flags: [
    { name: 'consul-bin', kind: 'value', help: 'consul binary to run (default: consul from PATH, installed by scripts/setup-consul.sh; with --env docker a path inside the image, over ssh one on the hosts)' },
    CONSUL_READS,
    SESSION_TTL,
    LOCK_DELAY,
    ...STORE_FLAGS,
  ],
  preflight: async (req) => { consulPreflight(req); await environmentPreflight(req, 'consul'); },
  requirements: (req) => [consulBinary(req ? flagValue(req, 'consul-bin') : undefined)],
  plan: consulPlan,
};

