/**
 * The environment seam: where a run's hosts come from. An environment provisions one host per node
 * (each reached through a `Remote`), knows the test network's addresses (so network faults can spare
 * the controller), and removes everything of a run at teardown — or, through `cleanup`, everything a
 * killed controller left. Targets, network faults and the server base talk only to this interface;
 * adding an environment is one folder under `harness/middle/hosts/` plus one line in `environments.ts`.
 */
import type { ClockControl } from '../../ground/contracts/roles.js';
import type { Requirement, TargetFlag } from '../../ground/contracts/run-contract.js';
import { type TypedFlag } from '../../ground/contracts/flags.js';
import type { Remote } from './remote.js';

/** A run's flags as the CLI parsed them (environment-specific ones such as `--hosts` among them). */
export type RunFlags = ReadonlyMap<string, string | true | string[]>;

/** The hosts of a run as a network: what the real-network faults need. */
export interface HostNetwork {
  readonly hosts: readonly Remote[];
  host(node: string): Remote;
  /** The controller's address on the test network; faults never cut it off from a node. */
  readonly controllerAddress: string;
  /** The test network in CIDR notation, e.g. `10.91.3.0/24`. */
  readonly subnet: string;
}

/** One run's provisioned hosts. */
export interface Environment extends HostNetwork {
  /** The environment's name, e.g. `local`. */
  readonly kind: string;
  /** Short id that names everything of this run (namespaces, bridges, labels, state files). */
  readonly runId: string;
  /**
   * True when a server's (re)start gives its host a fresh network namespace (a container), so the
   * network faults in force are re-applied after each start. Absent: the namespace outlives servers.
   */
  readonly freshNetworkOnStart?: boolean;
  /** Removes every host, network and rule of the run. Idempotent; never throws. */
  teardown(log?: (message: string) => void): Promise<void>;
  /**
   * The hosts' own clocks, when the environment can skew them (ssh `--clock-mode system`); a target
   * uses it instead of its own clock control (libfaketime).
   */
  readonly clock?: ClockControl;
  /** What results.json records about the environment (hosts, dropped and re-made connections). */
  record?(): Record<string, unknown>;
}

/** A single-valued flag of the run (the last when repeated), for an environment's own flags. */
export function flagOf(flags: RunFlags | undefined, name: string): string | undefined {
  const v = flags?.get(name);
  return typeof v === 'string' ? v : Array.isArray(v) ? v[v.length - 1] : undefined;
}

/**
 * The typed value of an environment's declared flag (`--ssh-port`, `--clock-mode`, `--docker-pause`):
 * its text parsed by the flag's one declaration, else its default. The run's settings already parsed
 * it once (a bad value is refused before anything starts); cleanup, which has no settings, parses here.
 */
export function typedFlagOf<T>(flags: RunFlags | undefined, flag: TypedFlag<T>): T {
  const text = flagOf(flags, flag.name);
  if (text !== undefined) return flag.type.parse(text, flag.name) as T;
  return flag.type.default as T;
}

/** The host of `node` among an environment's hosts, or an error naming the hosts there are. */
export function findHost<H extends Remote>(hosts: readonly H[], node: string): H {
  const h = hosts.find((x) => x.node === node);
  if (!h) throw new Error(`no host ${node}; the hosts are ${hosts.map((x) => x.node).join(', ')}`);
  return h;
}

export interface ProvisionOptions {
  /** Node names, e.g. `['n1', 'n2', 'n3']`. */
  nodes: readonly string[];
  /** The test network's subnet, when the user chose one. */
  subnet?: string;
  log?: (message: string) => void;
  /** What the hosts will run (the target's name): environments that run images choose one by it. */
  target?: string;
  /**
   * Each node's directory on the controller (config, data, logs). Environments whose hosts do not
   * share the controller's filesystem make it visible to the node at the same path (docker).
   */
  nodeDir?: (node: string) => string;
  /** The run's flags, for the environment's own (`EnvironmentKind.flags`; read with `flagOf`). */
  flags?: RunFlags;
}

/** What `faultline cleanup` removed for one run. */
export interface CleanupSummary {
  runId: string;
  /** One phrase per kind of thing removed, e.g. `3 namespace(s)`. */
  removed: string[];
  problems: string[];
}

/** An environment kind, as registered in `environments.ts`. */
export interface EnvironmentKind {
  name: string;
  /** One line for `--help` and `faultline doctor`. */
  summary: string;
  /** What this machine needs to provision hosts of this kind. */
  requirements(): readonly Requirement[];
  /** Flags of this environment (docker's `--image`, ssh's `--hosts`); every store target accepts them. */
  readonly flags?: readonly TargetFlag[];
  /**
   * True when servers run from images (containers): a target's server binaries then need not be
   * installed on this machine, only what the faults use here.
   */
  readonly serversFromImages?: boolean;
  /**
   * True when the hosts are other machines: the target's binaries are looked for on them (at setup),
   * not on the controller, and the controller itself needs no root.
   */
  readonly remote?: boolean;
  /** The node count the environment's flags imply when `--nodes` is absent (ssh: one per host). */
  defaultNodeCount?(flags: RunFlags): number | undefined;
  /** Checks, before a run creates anything, what `requirements` cannot (a daemon answers, an image exists). */
  preflight?(opts: { target: string; flags: RunFlags }): Promise<void>;
  provision(opts: ProvisionOptions): Promise<Environment>;
  /**
   * Removes what runs left behind when their controller died; runs whose controller lives are skipped
   * unless `force`.
   */
  cleanup(opts: { force?: boolean; runId?: string; flags?: RunFlags }): Promise<{ reports: CleanupSummary[]; skipped: { runId: string; owner: number }[] }>;
}
