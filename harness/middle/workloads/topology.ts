/**
 * Broadcast topologies: which nodes each node should gossip to. The names follow Maelstrom's
 * `--topology` option; `grid` (its default) lays nodes out in a roughly square grid, so each has at
 * most four neighbours. Every topology is symmetric and connected.
 */
import { InputError } from '../../ground/history/errors.js';
import type { TopologyKind } from './types.js';

export type Topology = Record<string, string[]>;

export const TOPOLOGY_KINDS: readonly TopologyKind[] = ['grid', 'line', 'total', 'tree2', 'tree3', 'tree4'];

function grid(nodes: readonly string[]): Topology {
  const side = Math.ceil(Math.sqrt(nodes.length));
  const at = (i: number, j: number): string | undefined =>
    i >= 0 && j >= 0 && j < side && i * side + j < nodes.length ? nodes[i * side + j] : undefined;
  const out: Topology = {};
  nodes.forEach((node, idx) => {
    const i = Math.floor(idx / side);
    const j = idx % side;
    out[node] = [at(i + 1, j), at(i - 1, j), at(i, j + 1), at(i, j - 1)].filter((n): n is string => n !== undefined);
  });
  return out;
}

function line(nodes: readonly string[]): Topology {
  const out: Topology = {};
  nodes.forEach((node, i) => {
    out[node] = [nodes[i - 1], nodes[i + 1]].filter((n): n is string => n !== undefined);
  });
  return out;
}

function total(nodes: readonly string[]): Topology {
  return Object.fromEntries(nodes.map((node) => [node, nodes.filter((n) => n !== node)]));
}

/** A tree laid out as a heap: node i's children are b·i+1 .. b·i+b, its parent ⌊(i-1)/b⌋. */
function tree(nodes: readonly string[], b: number): Topology {
  const out: Topology = {};
  nodes.forEach((node, i) => {
    const parent = i === 0 ? [] : [nodes[Math.floor((i - 1) / b)]];
    const children = nodes.slice(b * i + 1, b * i + b + 1);
    out[node] = [...parent, ...children];
  });
  return out;
}

/** The topology of `kind` over `nodes`. */
export function topology(kind: TopologyKind, nodes: readonly string[]): Topology {
  switch (kind) {
    case 'grid':
      return grid(nodes);
    case 'line':
      return line(nodes);
    case 'total':
      return total(nodes);
    case 'tree2':
    case 'tree3':
    case 'tree4':
      return tree(nodes, Number(kind.slice(4)));
    default:
      throw new InputError(`unknown topology "${String(kind)}"; choose one of ${TOPOLOGY_KINDS.join(', ')}`);
  }
}
