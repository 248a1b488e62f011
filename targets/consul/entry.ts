/**
 * The Consul target: `faultline run --target consul`, a store description (targets/server-base/
 * store-target.ts) registered in harness/top/run/targets.ts by `consulTarget`.
 */
import { setupCommand } from '../../harness/middle/setup/catalog.js';
import { execFile } from 'node:child_process';
import { choiceOption, durationOption, flagValue, valueOf } from '../../harness/ground/contracts/flags.js';
import type { Requirement } from '../../harness/middle/hosts/preflight.js';
import { watchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { sessionTtlOption, storeTarget } from '../server-base/store-target.js';
import { ConsulClients } from './clients.js';
import { ConsulCluster } from './cluster.js';
import { ConsulMembership } from './members.js';
import type { ReadMode } from './http.js';

export const CONSUL_WORKLOADS = ['register', 'set', 'lock', 'fenced-lock', 'list-append', 'rw-register', 'election', 'watch'] as const;
/** `--reads`: Consul's read modes. */
export const CONSUL_READS = choiceOption('reads', ['consistent', 'default', 'stale'] as const satisfies readonly ReadMode[],
  'consistent (the leader confirms it still leads), default (the leader answers from its state) or stale (any server, may be stale); was --consul-reads');
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

const CONSUL = storeTarget({
  name: 'consul',
  summary: 'Consul 1.8 (Debian bullseye via scripts/setup-consul.sh, or --consul-bin), one server per host (--env local: network namespaces, root; docker: containers; ssh: your machines)',
  workloads: CONSUL_WORKLOADS,
  reads: CONSUL_READS,
  // session_ttl_min is lowered to 1s in the servers' config (cluster.ts); Consul's maximum is a day.
  leaseClock: { skewable: false, why: 'Consul is a Go binary, which reads the clock through the vDSO, not libc: libfaketime cannot skew it, so no clock fault reaches its session TTLs' },
  sessionTtl: sessionTtlOption('Consul', 'session TTL of a lock holder (Consul invalidates between TTL and 2×TTL)', undefined, '2s', 1_000, 86_400_000),
  bin: { name: 'consul-bin', kind: 'value', help: 'consul binary to run (default: consul from PATH, installed by scripts/setup-consul.sh; with --env docker a path inside the image, over ssh one on the hosts)' },
  flags: [LOCK_DELAY],
  binaries: (req) => [consulBinary(req ? flagValue(req, 'consul-bin') : undefined)],
  cluster: (o, req) => new ConsulCluster({ ...o, consulBin: flagValue(req, 'consul-bin') }),
  // leave / force-leave and remove-peer / join (targets/consul/members.ts).
  membership: (cluster, initial, log) => new ConsulMembership(cluster, initial, log),
  // consistent: the leader confirms it leads before answering; default (a deposed leader may answer) and stale (any server) may be stale.
  txnModels: (reads) => (reads === 'consistent' ? ['strict-serializable'] : ['serializable']),
  clients: (nodes, cluster, workload, o, req) => new ConsulClients(nodes, (n) => cluster.endpoint(n), workload, { ...o, lockDelayS: valueOf(req, LOCK_DELAY) / 1000 }, watchSettings(req.config)),
});

export const consulTarget = CONSUL.entry;
/** What a Consul run needs on this machine, given its flags: its environment's, Consul, its faults'. */
export const consulRequirements = CONSUL.requirements;
/** Checks flags and machine; `probe` is injected by tests. */
export const consulPreflight = CONSUL.preflight;
/** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
export const consulParts = CONSUL.parts;
