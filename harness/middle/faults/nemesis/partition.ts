/**
 * Network partitions (Jepsen's partition package): `start-partition` with a shape name cuts the
 * network into that shape, `stop-partition` heals it. The generator names only the shape; the nemesis
 * draws the actual grudge when the op runs and records it in the completion, so the history says
 * exactly who could not hear whom.
 */
import { nemesis } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { Grudge, Nemesis, NetControl, UnsupportedFault } from '../../../ground/contracts/roles.js';
import { choose, HOLDERS_REFUSED, missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { aimAtHolders, type HolderAim } from './nodes.js';
import {
  bridge,
  halves,
  isolateOne,
  majoritiesRing,
  memberHalves,
  ASKED_ONLY_SHAPES,
  PARTITION_SHAPES,
  primaries,
  primariesMinority,
  randomHalves,
  type PartitionShape,
} from './grudge.js';
import { errorMessage } from '../../../ground/history/errors.js';

export interface PartitionOptions {
  /** Shapes each start draws from, uniformly. Default: all of `PARTITION_SHAPES`. */
  shapes?: readonly PartitionShape[];
}

/** What `start-partition` completes with; `stop-partition` completes with `{grudge: {}}`. */
export interface PartitionApplied extends Partial<HolderAim> {
  /** The shape name, or `'explicit'` when the op carried a grudge itself. */
  shape: PartitionShape | 'explicit';
  grudge: Grudge;
}

function checkShapes(shapes: readonly PartitionShape[]): void {
  const unknown = shapes.filter((s) => !PARTITION_SHAPES.includes(s));
  if (unknown.length > 0) {
    throw new InputError(`unknown partition shape(s) ${unknown.join(', ')}; valid shapes: ${PARTITION_SHAPES.join(', ')}`);
  }
  if (shapes.length === 0) throw new InputError(`no partition shape enabled; enable at least one of ${PARTITION_SHAPES.join(', ')}`);
}

/** An explicit grudge in an op: every key and every listed node must be a node of the cluster. */
function explicitGrudge(value: unknown, nodes: readonly string[]): Grudge | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const grudge: Grudge = {};
  for (const [node, drops] of Object.entries(value)) {
    if (!nodes.includes(node) || !Array.isArray(drops) || drops.some((d) => typeof d !== 'string' || !nodes.includes(d))) {
      throw new Error(`start-partition: ${JSON.stringify(value)} is not a grudge over the nodes ${nodes.join(', ')}`);
    }
    if (drops.length > 0) grudge[node] = drops.slice();
  }
  return grudge;
}

/** The partition package, or why the target cannot be partitioned. */
export function partitionPackage(ctx: FaultContext, options: PartitionOptions = {}): FamilyBuild {
  const { target } = ctx;
  const wanted = options.shapes ?? PARTITION_SHAPES;
  checkShapes(wanted);
  // Asked for by name with a workload that has no holders: refused (exit 254), before anything that
  // depends on the cluster being up, so the check before setup catches it.
  if (options.shapes?.includes('holders') && ctx.holders === undefined) throw new InputError(HOLDERS_REFUSED);
  const net = ctx.net;
  if (net === undefined) return { unsupported: [missingCapability('partition', target, 'net')] };
  if (target.nodes.length < 2) {
    return { unsupported: [{ fault: 'partition', reason: 'partition: a cluster of one node cannot be partitioned' }] };
  }
  const unsupported: UnsupportedFault[] = [];
  // In the default draw, holders is simply left out where the workload has none, as primaries is.
  let shapes = [...new Set(wanted)].filter((s) => (s !== 'holders' || ctx.holders !== undefined) && (options.shapes !== undefined || !ASKED_ONLY_SHAPES.includes(s)));
  for (const shape of ['primaries', 'primaries-minority'] as const) {
    if (!shapes.includes(shape) || target.primaries !== undefined) continue;
    // Reported on its own, so the rest of the partition family still runs; but only when the user
    // asked for the shape (--partition-shapes): by default, as kill and clock do, the draw simply
    // leaves out a shape this target cannot take.
    if (options.shapes?.includes(shape)) unsupported.push(missingCapability(`partition:${shape}`, target, 'primaries'));
    shapes = shapes.filter((s) => s !== shape);
  }
  if (shapes.length === 0) {
    unsupported.push({ fault: 'partition', reason: 'partition: none of the enabled shapes is supported by this target' });
    return { unsupported };
  }
  return {
    unsupported,
    package: {
      name: 'partition',
      nemesis: partitionNemesis(ctx, net),
      generator: startStopCycle(
        ctx.interval,
        (g) => ({ f: 'start-partition', value: choose(g.rng, shapes) }),
        { f: 'stop-partition' },
      ),
      finalGenerator: nemesis({ f: 'stop-partition' }),
      bands: [{ name: 'partition', start: 'start-partition', stop: 'stop-partition' }],
    },
  };
}

/** Applies shapes through `net`; its teardown always heals, whatever the last op managed to do. */
export function partitionNemesis(ctx: FaultContext, net: NetControl): Nemesis {
  const { target, rng } = ctx;
  const nodes = target.nodes;

  const grudgeFor = async (value: unknown): Promise<PartitionApplied> => {
    const explicit = explicitGrudge(value, nodes);
    if (explicit !== undefined) return { shape: 'explicit', grudge: explicit };
    switch (value as PartitionShape) {
      // Under membership changes the halves are of the configuration as it stands (grudge.ts memberHalves).
      case 'halves':
        return { shape: 'halves', grudge: target.membership ? memberHalves(nodes, target.membership.members()) : halves(nodes) };
      case 'random-halves':
        return { shape: 'random-halves', grudge: target.membership ? memberHalves(nodes, target.membership.members(), rng) : randomHalves(nodes, rng) };
      case 'isolate-one':
        return { shape: 'isolate-one', grudge: isolateOne(nodes, rng) };
      case 'majorities-ring':
        return { shape: 'majorities-ring', grudge: majoritiesRing(nodes, rng) };
      case 'bridge':
        return { shape: 'bridge', grudge: bridge(nodes, rng) };
      case 'primaries': {
        if (target.primaries === undefined) throw new Error('start-partition primaries: the target does not report its primaries');
        return { shape: 'primaries', grudge: primaries(nodes, await target.primaries.primaries()) };
      }
      case 'primaries-minority': {
        if (target.primaries === undefined) throw new Error('start-partition primaries-minority: the target does not report its primaries');
        return { shape: 'primaries-minority', grudge: primariesMinority(nodes, target.membership?.members() ?? nodes, await target.primaries.primaries(), rng) };
      }
      case 'holders': {
        // The holders' nodes cut off from the rest, as primaries cuts off the leaders; one random
        // node, recorded as `noHolder`, when nobody holds at this moment.
        const { nodes: cut, aim } = await aimAtHolders(nodes, rng, ctx.holders, ctx.sleep);
        return { shape: 'holders', grudge: primaries(nodes, cut), ...aim };
      }
      default:
        throw new Error(`start-partition: unknown shape ${JSON.stringify(value)}; valid shapes: ${PARTITION_SHAPES.join(', ')}`);
    }
  };

  return {
    fs: ['start-partition', 'stop-partition'],
    async invoke(op) {
      if (op.f === 'start-partition') {
        const applied = await grudgeFor(op.value);
        await net.partition(applied.grudge);
        return applied;
      }
      if (op.f === 'stop-partition') {
        await net.partition({});
        return { grudge: {} };
      }
      throw new Error(`the partition nemesis does not handle ${op.f}`);
    },
    async teardown() {
      try {
        await net.partition({});
      } catch (err) {
        ctx.log(`partition teardown: healing the network failed: ${errorMessage(err)}`);
      }
    },
  };
}
