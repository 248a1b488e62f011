import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/ground/generator/index.js';
import {
  bisect,
  bridge,
  complete,
  halves,
  isolateOne,
  majoritiesRing,
  majority,
  memberHalves,
  primaries,
  randomHalves,
} from '../../../harness/middle/faults/nemesis/index.js';
import type { Grudge } from '../../../harness/ground/contracts/roles.js';

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

/** The nodes `node` still hears (itself included). */
function view(grudge: Grudge, nodes: readonly string[], node: string): string[] {
  const drops = grudge[node] ?? [];
  return nodes.filter((n) => !drops.includes(n));
}

function isSymmetric(grudge: Grudge): boolean {
  return Object.entries(grudge).every(([a, drops]) => drops.every((b) => (grudge[b] ?? []).includes(a)));
}

/** Invariants of every grudge: known names, no self-grudge, no duplicates, no empty entries. */
function wellFormed(grudge: Grudge, nodes: readonly string[]): boolean {
  return Object.entries(grudge).every(
    ([a, drops]) =>
      nodes.includes(a) && drops.length > 0 && !drops.includes(a) && new Set(drops).size === drops.length &&
      drops.every((b) => nodes.includes(b)),
  );
}

const cluster = fc.record({ n: fc.integer({ min: 0, max: 13 }), seed: fc.integer() });

describe('fixed shapes', () => {
  it.each([
    ['halves of 5', halves(names(5)), { n1: ['n3', 'n4', 'n5'], n2: ['n3', 'n4', 'n5'], n3: ['n1', 'n2'], n4: ['n1', 'n2'], n5: ['n1', 'n2'] }],
    ['halves of 1', halves(names(1)), {}],
    ['complete of three components', complete([['a'], ['b', 'c'], ['d']]), { a: ['b', 'c', 'd'], b: ['a', 'd'], c: ['a', 'd'], d: ['a', 'b', 'c'] }],
    ['complete of one component', complete([['a', 'b']]), {}],
    ['primaries n2 and n4', primaries(names(5), ['n4', 'n2', 'x9']), {
      n1: ['n2', 'n4'], n2: ['n1', 'n3', 'n4', 'n5'], n3: ['n2', 'n4'], n4: ['n1', 'n2', 'n3', 'n5'], n5: ['n2', 'n4'],
    }],
    ['no primary', primaries(names(3), []), {}],
  ])('%s', (_name, grudge, expected) => {
    expect(grudge).toEqual(expected);
  });

  it('bisect puts the majority second, as Jepsen does', () => {
    expect(bisect([1, 2, 3, 4, 5])).toEqual([[1, 2], [3, 4, 5]]);
    expect(bisect([])).toEqual([[], []]);
  });

  it('complete refuses overlapping components', () => {
    expect(() => complete([['a', 'b'], ['b']])).toThrow(/node b is in two components/);
  });
});

describe('properties', () => {
  it('complete grudges are symmetric and cut exactly between components', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 }), (homes) => {
        const nodes = homes.map((_, i) => `n${i}`);
        const components = [0, 1, 2, 3, 4].map((c) => nodes.filter((_, i) => homes[i] === c));
        const g = complete(components);
        expect(wellFormed(g, nodes) && isSymmetric(g)).toBe(true);
        nodes.forEach((a, i) => nodes.forEach((b, j) => expect((g[a] ?? []).includes(b)).toBe(homes[i] !== homes[j])));
      }),
    );
  });

  it('halves, random halves, isolate-one, bridge and primaries are symmetric and well formed', () => {
    fc.assert(
      fc.property(cluster, fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }), ({ n, seed }, isPrimary) => {
        const nodes = names(n);
        const rng = createRng(seed);
        const shapes = [
          halves(nodes),
          randomHalves(nodes, rng),
          isolateOne(nodes, rng),
          bridge(nodes, rng),
          primaries(nodes, nodes.filter((_, i) => isPrimary[i])),
        ];
        for (const g of shapes) {
          expect(wellFormed(g, nodes) && isSymmetric(g)).toBe(true);
          // Lists read in cluster order, whatever order a shuffle produced.
          for (const drops of Object.values(g)) expect(drops).toEqual(nodes.filter((x) => drops.includes(x)));
          expect(Object.keys(g)).toEqual(nodes.filter((x) => g[x] !== undefined));
        }
      }),
    );
  });

  it('random halves split into a minority and a majority that each see only themselves', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        const nodes = names(n);
        const g = randomHalves(nodes, createRng(seed));
        const sizes = nodes.map((x) => view(g, nodes, x).length);
        for (const x of nodes) {
          const v = view(g, nodes, x);
          // A component: everyone I see sees exactly what I see.
          for (const y of v) expect(view(g, nodes, y)).toEqual(v);
        }
        if (n >= 2) expect(new Set(sizes)).toEqual(new Set([Math.floor(n / 2), n - Math.floor(n / 2)]));
      }),
    );
  });

  it('isolate-one leaves exactly one node alone', () => {
    fc.assert(
      fc.property(cluster.filter(({ n }) => n >= 3), ({ n, seed }) => {
        const nodes = names(n);
        const g = isolateOne(nodes, createRng(seed));
        const alone = nodes.filter((x) => view(g, nodes, x).length === 1);
        expect(alone).toHaveLength(1);
        for (const x of nodes) if (x !== alone[0]) expect(view(g, nodes, x)).toHaveLength(n - 1);
      }),
    );
  });

  it('bridge: one node sees everyone, and everyone sees it', () => {
    fc.assert(
      fc.property(cluster.filter(({ n }) => n >= 3), ({ n, seed }) => {
        const nodes = names(n);
        const g = bridge(nodes, createRng(seed));
        const hub = nodes.filter((x) => g[x] === undefined);
        expect(hub).toHaveLength(1);
        for (const x of nodes) expect(view(g, nodes, x)).toContain(hub[0]);
        // Without the bridge, the two halves cannot talk.
        expect(Object.keys(g).length).toBe(n - 1);
      }),
    );
  });

  it('majorities ring: every node sees a majority, no two see the same one', () => {
    fc.assert(
      fc.property(cluster.filter(({ n }) => n >= 3), ({ n, seed }) => {
        const nodes = names(n);
        const g = majoritiesRing(nodes, createRng(seed));
        expect(wellFormed(g, nodes)).toBe(true);
        const views = nodes.map((x) => view(g, nodes, x));
        for (const v of views) expect(v.length).toBeGreaterThanOrEqual(majority(n));
        expect(new Set(views.map((v) => v.join(','))).size).toBe(n);
        // Mutual for 4+ nodes; three nodes can only do it as a one-way ring.
        expect(isSymmetric(g)).toBe(n >= 4);
      }),
    );
  });

  it('majorities ring of fewer than three nodes is no partition', () => {
    expect(majoritiesRing(names(2), createRng(1))).toEqual({});
    expect(majoritiesRing([], createRng(1))).toEqual({});
  });

  it('the same seed gives the same shapes, other seeds other ones', () => {
    const nodes = names(7);
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return [randomHalves(nodes, rng), isolateOne(nodes, rng), bridge(nodes, rng), majoritiesRing(nodes, rng)];
    };
    expect(draw(42)).toEqual(draw(42));
    const distinct = new Set(Array.from({ length: 10 }, (_, s) => JSON.stringify(draw(s))));
    expect(distinct.size).toBeGreaterThan(1);
  });
});

describe('memberHalves (partitions under membership changes)', () => {
  const sideOf = (g: Grudge, a: string, b: string): boolean => !(g[a] ?? []).includes(b);
  it('property: the current members split into a strict minority and a majority of the configuration; every host is on one side', () => {
    const hosts = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
    fc.assert(fc.property(fc.subarray(hosts, { minLength: 3 }), fc.integer(), (members, seed) => {
      const g = memberHalves(hosts, members, createRng(seed));
      // Sides: the hosts that hear the first member, and the rest.
      const side = hosts.filter((h) => sideOf(g, members[0], h));
      const other = hosts.filter((h) => !side.includes(h));
      for (const a of side) for (const b of other) expect(sideOf(g, a, b) || sideOf(g, b, a)).toBe(false);
      for (const a of side) for (const b of side) expect(sideOf(g, a, b)).toBe(true);
      const counts = [side, other].map((s) => s.filter((h) => members.includes(h)).length).sort((a, b) => a - b);
      expect(counts).toEqual([Math.floor((members.length - 1) / 2), members.length - Math.floor((members.length - 1) / 2)]);
      // Never an even split of the members: one side always holds a majority of the configuration.
      expect(counts[1] * 2).toBeGreaterThan(members.length);
    }), { numRuns: 300 });
  });
  it('without rng, the members keep their order: six members split two against four, the spare goes with the minority', () => {
    expect(memberHalves(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'], ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'])).toEqual(complete([['n0', 'n1', 'n6'], ['n2', 'n3', 'n4', 'n5']]));
  });
});
