/**
 * Partition shapes over node names, after Jepsen's jepsen.nemesis (bisect, split-one, bridge,
 * majorities-ring, complete-grudge).
 *
 * A grudge maps a node to the nodes whose traffic it drops (roles.ts). Everything here is pure: the
 * random shapes draw from the `Rng` they are given, so a seed replays the same partitions. Nodes that
 * drop nothing are left out of a grudge, so `{}` is exactly "no partition". Lists keep the order of
 * the node list they came from, so a grudge reads the same in the report as the cluster config.
 */
import type { Rng } from '../../../ground/generator/index.js';
import type { Grudge } from '../../../ground/contracts/roles.js';

/** The partition shapes, by the names nemesis ops carry as their value. */
export type PartitionShape = 'halves' | 'random-halves' | 'isolate-one' | 'majorities-ring' | 'bridge' | 'primaries' | 'primaries-minority' | 'holders';

export const PARTITION_SHAPES: readonly PartitionShape[] = [
  'halves',
  'random-halves',
  'isolate-one',
  'majorities-ring',
  'bridge',
  'primaries',
  'primaries-minority',
  'holders',
];

/** Shapes drawn only when `--partition-shapes` names them (left out of the default draw). */
export const ASKED_ONLY_SHAPES: readonly PartitionShape[] = ['primaries-minority'];

/** The smallest number of nodes that is more than half of `n`. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** A Fisher–Yates shuffle drawing from `rng`; the input is left alone. */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** First ⌊n/2⌋ nodes, then the rest, as Jepsen's bisect: the second half is the majority. */
export function bisect<T>(nodes: readonly T[]): [T[], T[]] {
  const cut = Math.floor(nodes.length / 2);
  return [nodes.slice(0, cut), nodes.slice(cut)];
}

/**
 * The grudge in which each component talks only to itself: every node drops the traffic of every
 * node outside its own component. Components must be disjoint (a node in two would have two minds).
 */
export function complete(components: readonly (readonly string[])[]): Grudge {
  const home = new Map<string, number>();
  components.forEach((component, i) => {
    for (const node of component) {
      const seen = home.get(node);
      if (seen !== undefined && seen !== i) {
        throw new RangeError(`grudge: node ${node} is in two components; components must be disjoint`);
      }
      home.set(node, i);
    }
  });
  const universe = [...home.keys()];
  const grudge: Grudge = {};
  for (const node of universe) {
    const drops = universe.filter((other) => home.get(other) !== home.get(node));
    if (drops.length > 0) grudge[node] = drops;
  }
  return grudge;
}

/** The same grudge with keys and lists in the order of `nodes` (shuffles must not leak into reports). */
function inNodeOrder(grudge: Grudge, nodes: readonly string[]): Grudge {
  const rank = new Map(nodes.map((n, i) => [n, i]));
  const out: Grudge = {};
  for (const node of nodes) {
    if (grudge[node] !== undefined) out[node] = grudge[node].slice().sort((a, b) => rank.get(a)! - rank.get(b)!);
  }
  return out;
}

/** First half against second half, in the given order (no randomness: the same cut every time). */
export function halves(nodes: readonly string[]): Grudge {
  return complete(bisect(nodes));
}

/** Two halves of randomly chosen nodes; the larger half keeps a majority. */
export function randomHalves(nodes: readonly string[], rng: Rng): Grudge {
  return inNodeOrder(complete(bisect(shuffle(nodes, rng))), nodes);
}

/**
 * Halves of a cluster whose membership changes (`--nemesis membership`): the current members split
 * into a minority of ⌊(m−1)/2⌋ and a majority of the configuration, as bisect splits an odd cluster,
 * and the hosts outside the configuration (the spare, removed ones) spread over both sides. Halves of
 * all hosts would often split the members evenly (three and three of six), which leaves no majority
 * anywhere and tests only unavailability. Without `rng` the members keep their order (`halves`).
 */
export function memberHalves(nodes: readonly string[], members: readonly string[], rng?: Rng): Grudge {
  const inside = members.filter((n) => nodes.includes(n));
  const m = rng ? shuffle(inside, rng) : inside.slice();
  const cut = Math.floor((m.length - 1) / 2);
  const sides: [string[], string[]] = [m.slice(0, cut), m.slice(cut)];
  const outside = nodes.filter((n) => !inside.includes(n));
  (rng ? shuffle(outside, rng) : outside).forEach((n, i) => sides[i % 2].push(n));
  return inNodeOrder(complete(sides.filter((s) => s.length > 0)), nodes);
}

/**
 * The primary with company: the first primary that is a member, with random other members making
 * up a minority of the configuration (⌊(m−1)/2⌋), cut off from the majority; hosts outside the
 * configuration spread over both sides. Unlike `primaries` (the leader alone), the old leader keeps
 * followers to replicate to, as when the rack holding it loses its uplink: a leader that goes on
 * taking requests (or configuration changes) there has someone to commit them with. No primary
 * among the members: random halves of the members.
 */
export function primariesMinority(nodes: readonly string[], members: readonly string[], primaryNodes: readonly string[], rng: Rng): Grudge {
  const inside = members.filter((n) => nodes.includes(n));
  const p = primaryNodes.find((n) => inside.includes(n));
  if (p === undefined) return memberHalves(nodes, members, rng);
  const rest = shuffle(inside.filter((n) => n !== p), rng);
  const company = Math.max(0, Math.floor((inside.length - 1) / 2) - 1);
  const sides: [string[], string[]] = [[p, ...rest.slice(0, company)], rest.slice(company)];
  shuffle(nodes.filter((n) => !inside.includes(n)), rng).forEach((n, i) => sides[i % 2].push(n));
  return inNodeOrder(complete(sides.filter((x) => x.length > 0)), nodes);
}

/** One random node cut off from all others. */
export function isolateOne(nodes: readonly string[], rng: Rng): Grudge {
  if (nodes.length < 2) return {};
  const loner = nodes[rng.int(nodes.length)];
  return inNodeOrder(complete([[loner], nodes.filter((n) => n !== loner)]), nodes);
}

/**
 * Two random halves that cannot talk to each other, joined by one node of the larger half that talks
 * to both (Jepsen's bridge): both sides may believe they have a majority through the bridge.
 */
export function bridge(nodes: readonly string[], rng: Rng): Grudge {
  const [small, large] = bisect(shuffle(nodes, rng));
  const via = large[0];
  const split = complete([small, large]);
  const grudge: Grudge = {};
  for (const node of nodes) {
    if (node === via || split[node] === undefined) continue;
    const drops = split[node].filter((other) => other !== via);
    if (drops.length > 0) grudge[node] = drops;
  }
  return inNodeOrder(grudge, nodes);
}

/**
 * Every node sees a majority (itself included), but no two nodes see the same majority (Jepsen's
 * majorities-ring): each node may elect itself a leader with a quorum nobody else shares.
 *
 * Nodes sit on a random ring and each sees the k nearest on either side, with k = ⌈(m−1)/2⌉ for a
 * majority m. Seeing is then mutual, and windows narrower than the ring are all distinct; for 4 and
 * 5 nodes this is exactly Jepsen's "perfect" ring. For 6+ nodes Jepsen grows a random graph instead;
 * the ring keeps the same two properties and stays symmetric. Three nodes cannot have distinct
 * symmetric majorities, so there each node sees only its predecessor (a one-way ring, as Jepsen's).
 * Fewer than three nodes cannot be split this way at all: the grudge is empty.
 */
export function majoritiesRing(nodes: readonly string[], rng: Rng): Grudge {
  const n = nodes.length;
  if (n < 3) return {};
  const ring = shuffle(nodes, rng);
  const at = (i: number): string => ring[((i % n) + n) % n];
  const seen = new Map<string, Set<string>>();
  if (n === 3) {
    ring.forEach((node, i) => seen.set(node, new Set([node, at(i - 1)])));
  } else {
    const k = Math.ceil((majority(n) - 1) / 2);
    ring.forEach((node, i) => {
      const view = new Set<string>();
      for (let d = -k; d <= k; d++) view.add(at(i + d));
      seen.set(node, view);
    });
  }
  const grudge: Grudge = {};
  for (const node of nodes) {
    const view = seen.get(node)!;
    grudge[node] = nodes.filter((other) => !view.has(other));
  }
  return grudge;
}

/**
 * Each current primary alone, and all other nodes together (Jepsen's :primaries): during a split
 * brain every self-declared leader is cut off from the followers and from the other leaders.
 * Names that are not in `nodes` are ignored; no known primary gives the empty grudge.
 */
export function primaries(nodes: readonly string[], primaryNodes: readonly string[]): Grudge {
  const isolated = nodes.filter((n) => primaryNodes.includes(n));
  const rest = nodes.filter((n) => !isolated.includes(n));
  return inNodeOrder(complete([rest, ...isolated.map((p) => [p])]), nodes);
}
