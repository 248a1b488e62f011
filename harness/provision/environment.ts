/**
 * The environment seam: where a run's hosts come from. An environment provisions one host per node
 * (each reached through a `Remote`), knows the test network's addresses (so network faults can spare
 * the controller), and removes everything of a run at teardown — or, through `cleanup`, everything a
 * killed controller left. Targets, network faults and the server base talk only to this interface;
 * adding an environment is one folder under `harness/provision/` plus one line in `environments.ts`.
 */
import type { Requirement, TargetFlag } from '../run-contract.js';
import type { Remote } from './remote.js';

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
   * share the controller's filesystem make it visible to the node at the same path.
   */
  nodeDir?: (node: string) => string;
  /** Values of the environment's own flags (`EnvironmentKind.flags`), by flag name. */
  options?: Readonly<Record<string, string | undefined>>;
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
  /** Flags of this environment that every store target accepts (e.g. docker's `--image`). */
  flags?: readonly TargetFlag[];
  /**
   * True when servers run from images (containers): a target's server binaries then need not be
   * installed on this machine, only what the faults use here.
   */
  serversFromImages?: boolean;
  /** Checks, before a run creates anything, what `requirements` cannot (a daemon answers, an image exists). */
  preflight?(opts: { target: string; options: Readonly<Record<string, string | undefined>> }): Promise<void>;
  provision(opts: ProvisionOptions): Promise<Environment>;
  /**
   * Removes what runs left behind when their controller died; runs whose controller lives are skipped
   * unless `force`.
   */
  cleanup(opts: { force?: boolean; runId?: string }): Promise<{ reports: CleanupSummary[]; skipped: { runId: string; owner: number }[] }>;
}
