/**
 * What the etcd and ZooKeeper run plans share: reading their flags, node names, and the faults of a
 * namespace cluster (the real-network control instead of a routed one, health recorded around every
 * fault).
 */
import { InputError } from '../history/errors.js';
import type { Environment, EnvironmentKind } from './environment.js';
import { DEFAULT_ENVIRONMENT, ENVIRONMENTS, getEnvironment } from './environments.js';
import { buildFaults, faultOptionsOf } from '../nemesis/build.js';
import { withHealth, type HealthProbe } from '../net/health.js';
import type { RunPlan } from '../run-contract.js';
import type { RunRequest, TargetFlag } from '../run-contract.js';
import type { RunDir } from '../run-contract.js';
import type { Client, NetControl, Target } from '../roles.js';
import type { StoreWorkload, StoreWorkloadOptions } from '../workloads/store-types.js';

/** `n1`, `n2`, …: the node names of a cluster of `count` nodes. */
export function nodeNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 99) throw new InputError(`--nodes must be a whole number from 1 to 99, got ${count}`);
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

/** A single-valued flag, or undefined when absent. */
export function flagValue(req: RunRequest, name: string): string | undefined {
  const v = req.flags.get(name);
  if (v === undefined) return undefined;
  if (v === true) throw new InputError(`--${name} needs a value`);
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A flag that must be one of `choices` (first is the default). */
export function choiceFlag<T extends string>(req: RunRequest, name: string, choices: readonly T[]): T {
  const v = flagValue(req, name) ?? choices[0];
  if (!(choices as readonly string[]).includes(v)) throw new InputError(`--${name} must be one of ${choices.join(', ')}, got "${v}"`);
  return v as T;
}

/** A positive number flag, or the default. */
export function numberFlag(req: RunRequest, name: string, fallback: number): number {
  const v = flagValue(req, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

/** The run's faults against a namespace cluster: its real network, health recorded around each op. */
export function namespaceFaults(req: RunRequest, net: () => NetControl | undefined, health: HealthProbe, log: (m: string) => void): RunPlan['faults'] {
  return (target: Target) => {
    const f = buildFaults(req.config.faults, target, { ...faultOptionsOf(req.config), net: net(), log });
    return { ...f, nemesis: withHealth(f.nemesis, health) };
  };
}

/**
 * The environment a store run provisions its hosts in (`--env`, default local). A flag of another
 * environment (`--hosts` without `--env ssh`) is refused rather than silently ignored.
 */
export function environmentOf(req: RunRequest): EnvironmentKind {
  const env = getEnvironment(flagValue(req, 'env') ?? DEFAULT_ENVIRONMENT);
  for (const other of Object.values(ENVIRONMENTS)) {
    if (other === env) continue;
    const stray = (other.flags ?? []).find((f) => req.flags.has(f.name) && !(env.flags ?? []).some((g) => g.name === f.name));
    if (stray) throw new InputError(`--${stray.name} is a flag of --env ${other.name}, not of --env ${env.name}; add --env ${other.name}`);
  }
  return env;
}

/** Flags every store target (servers on hosts) takes. */
export const STORE_FLAGS: readonly TargetFlag[] = [
  { name: 'env', kind: 'value', help: `where the hosts come from: ${Object.keys(ENVIRONMENTS).join(', ')} (default ${DEFAULT_ENVIRONMENT}: network namespaces)` },
  { name: 'subnet', kind: 'value', help: 'IPv4 subnet of the namespace bridge (default: first free /24 in 10.91.0.0/16)' },
  { name: 'keys', kind: 'value', help: 'register workload: number of independent keys (default 3)' },
  { name: 'values', kind: 'value', help: 'register workload: values drawn from 0..N-1 (default 5)' },
  { name: 'request-timeout-ms', kind: 'value', help: 'deadline of one client request (default 2000)' },
  // Each environment's own flags (--hosts …), so every store target accepts them.
  ...Object.values(ENVIRONMENTS).flatMap((e) => e.flags ?? []),
];

/** What a namespace cluster offers the plan beyond being a Target. */
export interface NamespaceCluster extends Target {
  net?: NetControl & { timings?: unknown };
  healthRecord: HealthProbe;
  environment?: Environment;
}

/** The plan of a namespace store run: its cluster, clients per thread, real-network faults with health. */
export function storePlan(
  req: RunRequest, run: RunDir, nodes: readonly string[], workload: StoreWorkload, cluster: NamespaceCluster,
  clients: { open(thread: number, process: number): Client | Promise<Client> }, target: Record<string, unknown>,
): RunPlan {
  return {
    target: cluster,
    workload,
    workloadOptions: {
      rate: req.config.rate, concurrency: req.config.concurrency, nodes,
      keyCount: numberFlag(req, 'keys', 3), valueCount: numberFlag(req, 'values', 5),
    } as StoreWorkloadOptions,
    openClient: async (thread, process) => clients.open(thread, process),
    faults: namespaceFaults(req, () => cluster.net, () => cluster.healthRecord(), (m) => run.log(m)),
    model: workload.model,
    extraResults: () => ({ target, netTimings: cluster.net?.timings ?? [], ...(cluster.environment?.record ? { environment: cluster.environment.record() } : {}) }),
  };
}
