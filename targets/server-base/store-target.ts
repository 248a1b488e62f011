/**
 * One shape for every store run as servers on hosts: a store is a description — how to start its
 * cluster, its clients, its read modes, its session TTL, its own flags and what the machine needs —
 * and `storeTarget` derives the rest (preflight, requirements, the plan, the registry entry). The
 * flags, defaults and ranges are declared once, in the description, so etcd, ZooKeeper and Consul
 * differ only in what is really theirs.
 */
import { durationOption, flagValue, REQUEST_TIMEOUT, valueOf, type TypedFlag } from '../../harness/ground/contracts/flags.js';
import type { LeaseClock, MachineProbe, Requirement, RunDir, RunPlan, RunRequest, TargetEntry, TargetFlag } from '../../harness/ground/contracts/run-contract.js';
import type { Client, MembershipControl } from '../../harness/ground/contracts/roles.js';
import { memberClient } from '../../harness/middle/workloads/member-clients.js';
import { hostCount, wantsMembership } from '../../harness/ground/contracts/spare-host.js';
import { getStoreWorkload } from '../../harness/middle/workloads/store-workloads.js';
import type { ServerCluster, ServerClusterOptions } from './server-cluster.js';
import { txnChecker } from '../../checkers/txn.js';
import { CONSISTENCY_MODELS, environmentPreflight, FENCING, nodeNames, refuseUntrustedBinary, STORE_FLAGS, storePlan, storePreflight, storeRequirements } from './store-plan.js';
import { fencedClients } from '../../harness/middle/workloads/fenced-lock.js';

/** What every store's clients take: the read mode, the request deadline and the session TTL. */
export interface StoreClientOptions<R extends string> {
  /** Read mode of every read (`--reads`). */
  reads: R;
  /** Deadline of one request, ms. Default 2 000. */
  timeoutMs?: number;
  /** The lock holder's session or lease TTL, ms (`--session-ttl`, the store's own default and range). */
  sessionTtlMs?: number;
  /** Longest an acquire waits for the lock, ms. Default 5 000. */
  lockTimeoutMs?: number;
  /** Time between the read and the write of the guarded counter, ms: widens the critical section. Default LOCK_HOLD_MS (200). */
  holdMs?: number;
}

/** The clients of one run: opened per thread, closed (when they hold connections) before the servers go. */
export interface StoreClients {
  open(thread: number, process: number): Client | Promise<Client>;
  holders?(): string[];
  /** Of those, the nodes whose holder is inside the hold of its critical section right now. */
  inside?(): string[];
  close?(): Promise<void>;
}

/** A store, declared: everything `storeTarget` needs to make its registry entry. */
export interface StoreDescription<C extends ServerCluster, K extends StoreClients, R extends string> {
  name: string;
  /** One line for `faultline run --help`. */
  summary: string;
  /** Workloads it runs, the first the default. */
  workloads: readonly string[];
  /** `--reads`, with the store's own modes (the first the default). */
  reads: TypedFlag<R>;
  /** `--session-ttl`, with the store's own meaning, default and range (`sessionTtlOption`). */
  sessionTtl: TypedFlag<number>;
  /** Whether a clock fault reaches the clock the store's lock leases or sessions are timed by (harness/top/run/lease-clock.ts). */
  leaseClock: LeaseClock;
  /** The flag naming the store's binary (`--etcd-bin`), refused when another user could have written it. */
  bin?: TargetFlag;
  /** Further flags of this store alone (Consul's `--lock-delay`), checked before anything starts. */
  flags?: readonly TargetFlag[];
  minNodes?: TargetEntry['minNodes'];
  /** What the store itself needs on this machine (binary, jars); without a request, the defaults. */
  binaries(req?: RunRequest): Requirement[];
  /** The cluster of one run. */
  cluster(o: ServerClusterOptions, req: RunRequest): C;
  /**
   * The consistency models the transactional workloads check by default in each `--reads` mode (the
   * store's documented model; a weaker mode's allows the anomalies it would show). Default: strict-serializable.
   */
  txnModels?(reads: R): string[];
  /**
   * Membership changes (`--nemesis membership`) on `cluster`, whose hosts are the `initial` members
   * and one spare; absent when the store offers none (the run lists the fault as unsupported).
   */
  membership?(cluster: C, initial: readonly string[], log: (line: string) => void): MembershipControl;
  /** The clients of one run, talking to `cluster`. */
  clients(nodes: readonly string[], cluster: C, workload: string, o: Required<Pick<StoreClientOptions<R>, 'reads' | 'timeoutMs' | 'sessionTtlMs'>>, req: RunRequest): K;
}

/** What `storeTarget` makes of a description. */
export interface StoreTarget<C extends ServerCluster, K extends StoreClients> {
  entry: TargetEntry;
  /** Checks flags and machine; `probe` is injected by tests. */
  preflight(req: RunRequest, probe?: MachineProbe): void;
  /** What a run needs on this machine, given its flags: its environment's, the store's, its faults' (without flags: the store's). */
  requirements(req?: RunRequest): Requirement[];
  /** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
  parts(req: RunRequest, run: RunDir): { plan: RunPlan; cluster: C; clients: K };
}

/** `--session-ttl` of one store: what the TTL means there, its old name, its default, and the range the store allows. */
export function sessionTtlOption(store: string, meaning: string, was: string | undefined, dflt: string, min: number, max?: number): TypedFlag<number> {
  const text = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1000}s`);
  const allowed = max === undefined ? `${store} allows ${text(min)} or more` : `${store} allows ${text(min)}–${text(max)}`;
  const outside = (t: string): string => (max === undefined
    ? `--session-ttl ${t} is shorter than the ${text(min)} ${store} allows; pass e.g. ${dflt}`
    : `--session-ttl ${t} is outside the ${text(min)}–${text(max)} ${store} allows; pass e.g. ${dflt}`);
  return durationOption('session-ttl', `lock workload: ${meaning}, a duration (${allowed}${was ? `; was --${was}` : ''})`, dflt, { min, max, outside });
}

/**
 * With `--nemesis disk` the cluster offers its nodes' files; the FUSE layer goes under them only when
 * lose-unfsynced is one of the faults (every fault by default).
 */
export function diskOption(req: RunRequest): Pick<ServerClusterOptions, 'disk'> {
  if (!(req.config.faults ?? []).includes('disk')) return {};
  const asked = req.config.diskFaults;
  return { disk: { layer: asked === undefined || asked.length === 0 || asked.includes('lose-unfsynced') } };
}

/** The registry entry, preflight and plan of the store `d` describes. */
export function storeTarget<C extends ServerCluster, K extends StoreClients, R extends string>(d: StoreDescription<C, K, R>): StoreTarget<C, K> {
  const own: TargetFlag[] = [...(d.bin ? [d.bin] : []), d.reads, d.sessionTtl, ...(d.flags ?? [])];
  const preflight = (req: RunRequest, probe?: MachineProbe): void => {
    // Bad values are named before the machine is looked at.
    for (const f of own) if (f.type) valueOf(req, f as TypedFlag<unknown>);
    storePreflight(d.name, req, d.workloads, d.binaries(req), probe);
    if (d.bin) refuseUntrustedBinary(req, d.bin.name);
  };
  const parts = (req: RunRequest, run: RunDir): { plan: RunPlan; cluster: C; clients: K } => {
    const nodes = nodeNames(req.nodeCount);
    // With membership changes the cluster's hosts are the members and a spare (harness/ground/contracts/spare-host.ts).
    const members = d.membership !== undefined && wantsMembership(req);
    const hosts = members ? nodeNames(hostCount(req)) : nodes;
    let workload = getStoreWorkload(req.workload, d.workloads);
    const reads = valueOf(req, d.reads);
    // A transactional workload checks the models asked for, else the store's for its read mode.
    const consistencyModels = workload.elle ? valueOf(req, CONSISTENCY_MODELS) ?? d.txnModels?.(reads) ?? ['strict-serializable'] : undefined;
    if (workload.elle && consistencyModels) workload = { ...workload, checkers: [txnChecker({ workload: workload.elle, consistencyModels })] };
    const subnet = flagValue(req, 'subnet');
    const cluster = d.cluster({ nodes: hosts, ...(members ? { members: nodes } : {}), dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, subnet, log: (m) => run.log(m), ...diskOption(req) }, req);
    const clients = d.clients(hosts, cluster, workload.name, { reads, timeoutMs: valueOf(req, REQUEST_TIMEOUT), sessionTtlMs: valueOf(req, d.sessionTtl) }, req);
    if (clients.close) cluster.onTeardown(() => clients.close!());
    // fenced-lock: the lock clients write their tokens to a resource Faultline runs outside the faults.
    const fenced = workload.name === 'fenced-lock' ? fencedClients(clients, valueOf(req, FENCING), valueOf(req, REQUEST_TIMEOUT)) : undefined;
    if (fenced) cluster.onTeardown(() => fenced.close());
    const plan = storePlan(req, run, nodes, workload, cluster, fenced ?? clients, { name: d.name, reads, subnet, ...(consistencyModels ? { consistencyModels } : {}), ...(fenced ? { fencing: fenced.resource.mode } : {}) });
    if (members) {
      const control = d.membership!(cluster, nodes, (m) => run.log(m));
      cluster.membership = control;
      run.log(`${d.name}: membership changes: members ${nodes.join(', ')}, spare ${hosts.filter((h) => !nodes.includes(h)).join(', ')}`);
      // Each op goes to a current member: the clients' open(i) binds host i of `hosts`.
      plan.openClient = async (thread, process) => memberClient(thread, () => control.members(), async (node) => (fenced ?? clients).open(hosts.indexOf(node), process));
    }
    // Lock and lease workloads: the run says whether clock faults could reach the lease at all.
    if (workload.hasHolders) plan.leaseClock = d.leaseClock;
    if (fenced) {
      const extra = plan.extraResults;
      plan.extraResults = async (history) => ({ ...(await extra?.(history)), resource: { fencing: fenced.resource.mode, applied: fenced.resource.applied, rejected: fenced.resource.rejected } });
    }
    return { plan, cluster, clients };
  };
  const entry: TargetEntry = {
    name: d.name,
    summary: d.summary,
    workloads: d.workloads,
    flags: [...own, ...STORE_FLAGS],
    ...(d.minNodes ? { minNodes: d.minNodes } : {}),
    preflight: async (req) => { preflight(req); await environmentPreflight(req, d.name); },
    requirements: (req) => d.binaries(req),
    plan: (req, run) => parts(req, run).plan,
  };
  return { entry, preflight, requirements: (req) => (req === undefined ? d.binaries() : storeRequirements(req, d.binaries(req))), parts };
}
