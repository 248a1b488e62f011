/**
 * What the etcd and ZooKeeper run plans share: reading their flags, node names, and the faults of a
 * namespace cluster (the real-network control instead of a routed one, health recorded around every
 * fault).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../../harness/ground/history/errors.js';
import { refuseUntrusted } from '../../harness/middle/hosts/trust.js';
import { choiceOption, flagValue, intOption, REQUEST_TIMEOUT, valueOf } from '../../harness/ground/contracts/flags.js';
import { CONSISTENCY_MODELS } from '../../harness/middle/workloads/consistency-models.js';
import { KEYS } from '../../harness/middle/workloads/keys.js';
import { watchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { FENCING_MODES } from '../../harness/middle/workloads/fenced-resource.js';
import type { Environment, EnvironmentKind } from '../../harness/middle/hosts/environment.js';
import { DEFAULT_ENVIRONMENT, ENVIRONMENTS, getEnvironment } from '../../harness/middle/hosts/environments.js';
import { buildFaults, faultOptionsOf, parseFaultNames } from '../../harness/middle/faults/nemesis/build.js';
import type { HoldersView } from '../../harness/middle/faults/nemesis/nodes.js';
import { getStoreWorkload } from '../../harness/middle/workloads/store-workloads.js';
import { checkRequirements, faultRequirements, realProbe } from '../../harness/middle/hosts/preflight.js';
import { withHealth, type HealthProbe } from '../../harness/middle/faults/net/health.js';
import type { MachineProbe, Requirement, RunDir, RunPlan, RunRequest, TargetFlag } from '../../harness/ground/contracts/run-contract.js';
import type { Client, NetControl, Target } from '../../harness/ground/contracts/roles.js';
import type { StoreWorkload, StoreWorkloadOptions } from '../../harness/middle/workloads/store-types.js';

/** `n1`, `n2`, …: the node names of a cluster of `count` nodes. */
export function nodeNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 99) throw new InputError(`--nodes must be a whole number from 1 to 99, got ${count}`);
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

/** The run's faults against a namespace cluster: its real network, health recorded around each op. */
export function namespaceFaults(
  req: RunRequest, net: () => NetControl | undefined, health: HealthProbe, log: (m: string) => void, holders?: HoldersView,
): RunPlan['faults'] {
  return (target: Target, observed) => {
    const f = buildFaults(req.config.faults, target, { ...faultOptionsOf(req.config, observed), net: net(), log, ...(holders ? { holders } : {}) });
    return { ...f, nemesis: withHealth(f.nemesis, health) };
  };
}

/** What a store run needs on the machine: its environment's needs, the store's own, its faults'. */
export function storeRequirements(req: RunRequest, own: readonly Requirement[]): Requirement[] {
  const env = environmentOf(req);
  // Remote hosts are checked for the servers and the faults' tools at setup, on the hosts themselves.
  if (env.remote) return [...env.requirements()];
  // In containers the image holds the servers; this machine needs only what the faults use here.
  return [...env.requirements(), ...(env.serversFromImages ? [] : own), ...faultRequirements(parseFaultNames(req.config.faults))];
}

/**
 * The checks every store target makes before anything starts: a workload it runs, a node count, and
 * the machine (root first); `probe` is injected by tests.
 */
export function storePreflight(
  name: string, req: RunRequest, workloads: readonly string[], own: readonly Requirement[], probe: MachineProbe = realProbe,
): void {
  getStoreWorkload(req.workload, workloads);
  nodeNames(req.nodeCount);
  checkRequirements(name, storeRequirements(req, own), probe, !environmentOf(req).remote);
}

/**
 * A binary a setting names (`--etcd-bin PATH`) that this machine will run: refused when another user
 * could have written it or a directory above it. A name looked up on the PATH, and a path inside an
 * image (--env docker) or on the hosts (--env ssh), are not this machine's to judge.
 */
export function refuseUntrustedBinary(req: RunRequest, flag: string): void {
  const bin = flagValue(req, flag);
  if (bin === undefined || !bin.includes('/') || environmentOf(req).name !== 'local' || !fs.existsSync(bin)) return;
  refuseUntrusted(nodePath.resolve(bin), `--${flag}`, 'run');
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

/** The environment's own checks before anything is created (a daemon answers, an image exists). */
export async function environmentPreflight(req: RunRequest, target: string): Promise<void> {
  await environmentOf(req).preflight?.({ target, flags: req.flags });
}

export { KEYS };
/** `--values` of the store workloads: values drawn from 0..N-1. */
export const VALUES = intOption('values', 'register workload: values drawn from 0..N-1', 5, 1);

export { CONSISTENCY_MODELS };
/** `--fencing` of the fenced-lock workload: whether the resource rejects a token below the highest it saw. */
export const FENCING = choiceOption('fencing', FENCING_MODES, 'fenced-lock workload: the resource rejects a fencing token lower than the highest it has seen (enforce) or takes every write (off)');

/** Flags every store target (servers on hosts) takes. */
export const STORE_FLAGS: readonly TargetFlag[] = [
  { name: 'env', kind: 'value', help: `where the hosts come from: ${Object.keys(ENVIRONMENTS).join(', ')} (default ${DEFAULT_ENVIRONMENT}: network namespaces)` },
  ...Object.values(ENVIRONMENTS).flatMap((e) => e.flags ?? []),
  { name: 'subnet', kind: 'value', help: 'IPv4 subnet of the test network (default: first free /24 in 10.91.0.0/16; with --env docker in 10.92.0.0/16)' },
  KEYS,
  VALUES,
  CONSISTENCY_MODELS,
  FENCING,
  REQUEST_TIMEOUT,
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
  clients: { open(thread: number, process: number): Client | Promise<Client>; holders?(): string[]; inside?(): string[] }, target: Record<string, unknown>,
): RunPlan {
  // Only a workload whose clients hold or lead has holders to aim faults at and to mark.
  const holders: HoldersView | undefined = workload.hasHolders && clients.holders
    ? Object.assign((): readonly string[] => clients.holders!(), clients.inside ? { inside: (): readonly string[] => clients.inside!() } : {})
    : undefined;
  return {
    target: cluster,
    workload,
    workloadOptions: {
      rate: req.config.rate, concurrency: req.config.concurrency, nodes,
      keyCount: valueOf(req, KEYS), valueCount: valueOf(req, VALUES), watch: watchSettings(req.config),
    } as StoreWorkloadOptions,
    openClient: async (thread, process) => clients.open(thread, process),
    ...(holders ? { holders } : {}),
    faults: namespaceFaults(req, () => cluster.net, () => cluster.healthRecord(), (m) => run.log(m), holders),
    model: workload.model,
    extraResults: () => ({ target, netTimings: cluster.net?.timings ?? [], ...(cluster.environment?.record ? { environment: cluster.environment.record() } : {}) }),
  };
}
