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
export type NodeSpec = 'one' | 'minority' | 'majority' | 'random-subset' | 'all' | 'primaries';

export const NODE_SPECS: readonly NodeSpec[] = ['one', 'minority', 'majority', 'random-subset', 'all', 'primaries'];

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
): Promise<string[]> {
  if (Array.isArray(spec)) {
    const unknown = spec.filter((n) => typeof n !== 'string' || !nodes.includes(n));
    if (unknown.length > 0) {
      throw new Error(`unknown node(s) ${JSON.stringify(unknown)}; the nodes are ${nodes.join(', ')}`);
    }
    return nodes.filter((n) => spec.includes(n));
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
  }
  return nodes.filter((n) => chosen.includes(n));
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
