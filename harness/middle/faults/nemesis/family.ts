/**
 * What every fault family shares: the context it is built in, the shape of its result (a package, or
 * the reasons it cannot be offered), the start/stop rhythm of its generator, and how a missing
 * capability is explained to the user.
 */
import { nemesis, once, repeat, settled, sleep, type GenLike, type Generator, type Rng } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { FaultPackage, NetControl, Target, UnsupportedFault } from '../../../ground/contracts/roles.js';
import { NODE_SPECS, type HoldersView, type NodeSpec } from './nodes.js';

/** Everything a family needs to build its package. */
export interface FaultContext {
  target: Target;
  /** The network to fault: the target's own, unless the run supplies one (a real network's control). */
  net?: NetControl;
  /** Nanoseconds from a start op's completion to its stop, and from a stop's completion to the next start (startStopCycle). */
  interval: number;
  /** This family's own stream for the nemesis' choices (nodes, offsets); forked from the run's seed. */
  rng: Rng;
  /** Real waiting, for faults that take time inside one op (clock strobes); tests inject a fake. */
  sleep: (ms: number) => Promise<void>;
  /** The run log, for problems that must not fail the run (teardown). */
  log: (message: string) => void;
  /** Nodes whose clients hold the lock or lead right now; only workloads with holders have it (`holders` targets). */
  holders?: HoldersView;
}

/** A family's answer: its package if the target can take the fault, and what it cannot take. */
export interface FamilyBuild {
  package?: FaultPackage;
  unsupported: UnsupportedFault[];
}

/**
 * The schedule of one fault: quiet for `interval`, start, stop `interval` after the start op
 * *completed*, quiet for `interval` after the stop op completed, forever, with fixed rather than
 * random gaps so a report's fault bands line up with the configured interval. Each gap counts from
 * the completion of the op before it, because a fault takes effect only when its op is done: a start
 * op may first probe the cluster's health (seconds when a node is starved), wait for a lock holder,
 * or restart nodes, and none of that may eat into the time the fault is in force — a pause meant to
 * outlast a lease by `interval` would otherwise end after a fraction of it. So a fault is in force for
 * at least `interval`. `start` and `stop` each contribute one op per round. Routed to the nemesis
 * thread, so a package's generator is safe to use on its own.
 */
export function startStopCycle(interval: number, start: GenLike, stop: GenLike): Generator {
  return nemesis(repeat([sleep(interval), settled(once(start)), sleep(interval), settled(once(stop))]));
}

/** One item drawn uniformly with `rng`. */
export function choose<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** What each capability is called in a message. */
const CAPABILITY_NAMES = {
  net: 'network control (partitions, packet loss, latency)',
  killable: 'killing and restarting of nodes',
  pausable: 'pausing and resuming of nodes',
  clock: 'clock control',
  primaries: 'report of its current primaries',
} as const;

export type Capability = keyof typeof CAPABILITY_NAMES;

/**
 * The unsupported-fault record for a missing capability. A target may say why it lacks one through
 * an optional `<capability>UnsupportedReason` string (e.g. `clockUnsupportedReason: 'libfaketime is
 * not installed'`); it is read loosely because it is not part of the Target role.
 */
export function missingCapability(fault: string, target: Target, capability: Capability): UnsupportedFault {
  const why = (target as unknown as Record<string, unknown>)[`${capability}UnsupportedReason`];
  const detail = typeof why === 'string' && why.trim() !== '' ? ` (${why.trim()})` : '';
  return { fault, reason: `${fault}: the target offers no ${CAPABILITY_NAMES[capability]}${detail}` };
}

/**
 * The node selections a family draws from (`--node-targets`), checked: an unknown or empty list is
 * an input error; `primaries` on a target that names none is dropped and reported unsupported; when
 * nothing is left, `targets` is empty and the family must not be offered.
 */
export function checkNodeTargets(fault: string, target: Target, wanted: readonly NodeSpec[], holders?: HoldersView): { targets: NodeSpec[]; unsupported: UnsupportedFault[] } {
  const bad = wanted.filter((t) => !NODE_SPECS.includes(t));
  if (bad.length > 0) throw new InputError(`unknown ${fault} target(s) ${bad.join(', ')}; valid: ${NODE_SPECS.join(', ')}`);
  if (wanted.length === 0) throw new InputError(`no ${fault} target enabled; enable at least one of ${NODE_SPECS.join(', ')}`);
  const unsupported: UnsupportedFault[] = [];
  let targets = [...new Set(wanted)];
  if (targets.includes('primaries') && target.primaries === undefined) {
    unsupported.push(missingCapability(`${fault}:primaries`, target, 'primaries'));
    targets = targets.filter((t) => t !== 'primaries');
  }
  // Asked for by name with a workload that has no holders: refused, since the run would aim at nobody.
  if (targets.includes('holders') && holders === undefined) throw new InputError(HOLDERS_REFUSED);
  if (targets.length === 0) unsupported.push({ fault, reason: `${fault}: none of the enabled targets is supported by this target` });
  return { targets, unsupported };
}

/** Why `holders` (a node target or partition shape) is refused: the workload has no lock holders or leaders. */
export const HOLDERS_REFUSED = 'holders: this workload has no lock holders or leaders to aim at; use --workload lock (or another workload with holders), or drop holders from --node-targets / --partition-shapes';
