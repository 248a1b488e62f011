/**
 * Which nodes a fault hits, and doing something to several nodes at once.
 *
 * Generators name a *kind* of target ('minority', 'one', ...) rather than nodes: the nemesis resolves
 * it when the op runs, with its own seeded stream, and records the nodes it chose in the op's
 * completion (as Jepsen's db nemesis does). That keeps the schedule readable and lets 'primaries'
 * mean the primaries at the moment of the fault, not when the schedule was drawn.
 */
import { errorMessage } from '../../../ground/history/errors.js';
import type { Rng } from '../../../ground/generator/index.js';
import type { HasPrimaries } from '../../../ground/contracts/roles.js';
import { majority, shuffle } from './grudge.js';

/** A kind of node selection; an explicit list of node names is accepted wherever a spec is. */
export type NodeSpec = 'one' | 'minority' | 'majority' | 'random-subset' | 'all' | 'primaries' | 'holders';

export const NODE_SPECS: readonly NodeSpec[] = ['one', 'minority', 'majority', 'random-subset', 'all', 'primaries', 'holders'];

/**
 * Nodes whose clients hold the lock (or lead) right now, read from the workload's live state; and,
 * when the workload says so, `inside`: the nodes whose holder is inside the hold of its critical
 * section at this instant (its read done, its write not yet sent), where a fault does its damage.
 */
export type HoldersView = (() => readonly string[]) & { inside?: () => readonly string[] };

/**
 * What a fault aimed at the holders records beside the nodes it hit: the holders it saw when it
 * started, and `noHolder` when there were none (it then hit one random node instead).
 */
export interface HolderAim {
  holders: string[];
  noHolder?: true;
  /** How long the fault waited for a client to hold before it struck, ms (absent: someone held at once). */
  waitedMs?: number;
}

/**
 * How long a fault aimed at the holders waits for a client to hold, ms, when nobody holds as it
 * starts (every client between a release and its next grant): the fault is meant to land inside a
 * critical section, so it starts at the first moment one is open. Past this, it hits a random node.
 */
export const HOLDER_AIM_WAIT_MS = 1_000;
const HOLDER_POLL_MS = 10;

/**
 * The holders' nodes, read from the live state when the fault starts (or, when nobody holds then,
 * as soon as someone does within HOLDER_AIM_WAIT_MS), or one random node with `noHolder` when no
 * client held in that time: a fault aimed at the holder still lands in every interval, and its
 * record says it missed. `waitedMs` says how long it waited for a holder.
 */
export async function aimAtHolders(
  nodes: readonly string[], rng: Rng, holders: HoldersView | undefined, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<{ nodes: string[]; aim: HolderAim }> {
  if (holders === undefined) throw new Error('the workload has no lock holders or leaders, so they cannot be selected');
  const pick = (view: () => readonly string[]): string[] => {
    const now = new Set(view());
    return nodes.filter((n) => now.has(n));
  };
  // With `inside`, wait for a holder to enter its hold (the fault then strikes within it); without,
  // for any holder. Past the wait, any holder at all, else a random node.
  const best = holders.inside ?? holders;
  for (let waited = 0; ; waited += HOLDER_POLL_MS) {
    const held = pick(best);
    if (held.length > 0) return { nodes: held, aim: { holders: held, ...(waited > 0 ? { waitedMs: waited } : {}) } };
    if (waited >= HOLDER_AIM_WAIT_MS) break;
    await sleep(HOLDER_POLL_MS);
  }
  const held = pick(holders);
  if (held.length > 0) return { nodes: held, aim: { holders: held, waitedMs: HOLDER_AIM_WAIT_MS } };
  return { nodes: nodes.length === 0 ? [] : [nodes[rng.int(nodes.length)]], aim: { holders: [], noHolder: true, waitedMs: HOLDER_AIM_WAIT_MS } };
}

/** The largest strict minority of `n` nodes, at least one (so a 1- or 2-node cluster still gets a fault). */
export function minoritySize(n: number): number {
  return Math.max(1, Math.floor((n - 1) / 2));
}

function isNodeSpec(x: unknown): x is NodeSpec {
  return typeof x === 'string' && (NODE_SPECS as readonly string[]).includes(x);
}

/**
 * The nodes `spec` selects, in the order of `nodes`. An explicit list must name known nodes only; a
 * typo would otherwise silently fault nothing.
 */
export async function resolveNodes(
  spec: unknown,
  nodes: readonly string[],
  rng: Rng,
  primaries?: HasPrimaries,
  holders?: HoldersView,
): Promise<string[]> {
  return (await resolveAimed(spec, nodes, rng, primaries, holders)).nodes;
}

/** As resolveNodes, and for `holders` also the aim record (HolderAim) the fault's result carries. */
export async function resolveAimed(
  spec: unknown,
  nodes: readonly string[],
  rng: Rng,
  primaries?: HasPrimaries,
  holders?: HoldersView,
  sleep?: (ms: number) => Promise<void>,
): Promise<{ nodes: string[]; aim?: HolderAim }> {
  if (Array.isArray(spec)) {
    const unknown = spec.filter((n) => typeof n !== 'string' || !nodes.includes(n));
    if (unknown.length > 0) {
      throw new Error(`unknown node(s) ${JSON.stringify(unknown)}; the nodes are ${nodes.join(', ')}`);
    }
    return { nodes: nodes.filter((n) => spec.includes(n)) };
  }
  if (!isNodeSpec(spec)) {
    throw new Error(`cannot select nodes by ${JSON.stringify(spec)}; use one of ${NODE_SPECS.join(', ')} or a list of nodes`);
  }
  let chosen: readonly string[];
  switch (spec) {
    case 'one':
      chosen = nodes.length === 0 ? [] : [nodes[rng.int(nodes.length)]];
      break;
    case 'minority':
      chosen = shuffle(nodes, rng).slice(0, minoritySize(nodes.length));
      break;
    case 'majority':
      chosen = shuffle(nodes, rng).slice(0, majority(nodes.length));
      break;
    case 'random-subset':
      chosen = shuffle(nodes, rng).slice(0, 1 + rng.int(Math.max(1, nodes.length)));
      break;
    case 'all':
      chosen = nodes;
      break;
    case 'primaries':
      if (primaries === undefined) throw new Error('the target does not report its primaries, so they cannot be selected');
      chosen = await primaries.primaries();
      break;
    case 'holders':
      return aimAtHolders(nodes, rng, holders, sleep);
  }
  return { nodes: nodes.filter((n) => chosen.includes(n)) };
}


/**
 * Runs `action` on every node at once (faults should land together, as Jepsen's on-nodes does) and
 * waits for all of them. If any failed, throws one error naming each failure and what did succeed,
 * so the history's `error` says exactly which nodes are in which state.
 */
export async function onNodes(verb: string, nodes: readonly string[], action: (node: string) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(nodes.map((node) => action(node)));
  const failed: string[] = [];
  const done: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') failed.push(`${nodes[i]}: ${errorMessage(r.reason)}`);
    else done.push(nodes[i]);
  });
  if (failed.length > 0) {
    const ok = done.length > 0 ? ` (succeeded on ${done.join(', ')})` : '';
    throw new Error(`${verb} failed on ${failed.join('; ')}${ok}`);
  }
}
