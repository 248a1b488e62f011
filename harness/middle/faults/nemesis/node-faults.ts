/**
 * The shape kill and pause share (Jepsen's db package): a fault op hits nodes chosen by a spec, a
 * heal op undoes it on every node still faulted, and teardown undoes whatever is left.
 *
 * A node counts as faulted from the moment the fault is *attempted* on it and until its heal
 * *succeeds*: a kill that timed out may still have killed, and a restart that failed left the node
 * down, so both must be healed again at the end.
 */
import { nemesis } from '../../../ground/generator/index.js';
import type { Nemesis, Target } from '../../../ground/contracts/roles.js';
import { checkNodeTargets, choose, missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { onNodes, resolveAimed, resolveNodes, type NodeSpec } from './nodes.js';
import { errorMessage } from '../../../ground/history/errors.js';

export interface NodeFaultOptions {
  /**
   * Node selections each fault draws from, uniformly. Default: DEFAULT_NODE_TARGETS, `primaries` when
   * the target reports them, and `holders` when the workload has holders.
   */
  targets?: readonly NodeSpec[];
}

/**
 * Jepsen's spread: one node, a minority, a majority and all of them (a majority or all is what loses
 * unflushed writes and breaks quorums), plus the primaries when the target says who they are.
 */
export const DEFAULT_NODE_TARGETS: readonly NodeSpec[] = ['one', 'minority', 'majority', 'all'];

/** How a target applies and undoes one node fault. */
export interface NodeActions {
  apply(node: string): Promise<void>;
  undo(node: string): Promise<void>;
}

/** One node fault: its names, and its actions if the target has the capability. */
export interface NodeFault {
  /** Family name, also the band name: `kill`, `pause`. */
  name: string;
  /** The op that applies it (`kill`) and the one that undoes it (`start`). */
  fault: string;
  heal: string;
  capability: 'killable' | 'pausable';
  /** Undefined when the target lacks the capability. */
  actions: NodeActions | undefined;
}

/** The nemesis of a node fault. `fault` takes a spec or node list; `heal` takes `'all'` or a list. */
export function nodeFaultNemesis(ctx: FaultContext, spec: NodeFault, actions: NodeActions): Nemesis {
  const { target, rng } = ctx;
  const faulted = new Set<string>();
  const inOrder = (set: ReadonlySet<string>): string[] => target.nodes.filter((n) => set.has(n));

  const heal = async (nodes: readonly string[]): Promise<void> => {
    await onNodes(spec.heal, nodes, async (node) => {
      await actions.undo(node);
      faulted.delete(node);
    });
  };

  return {
    fs: [spec.fault, spec.heal],
    async invoke(op) {
      if (op.f === spec.fault) {
        const { nodes, aim } = await resolveAimed(op.value ?? 'one', target.nodes, rng, target.primaries, ctx.holders, ctx.sleep);
        for (const node of nodes) faulted.add(node);
        await onNodes(spec.fault, nodes, (node) => actions.apply(node));
        // Aimed at the holders: the result also says whom it saw holding (or that nobody did).
        return aim ? { result: nodes, ...aim } : nodes;
      }
      if (op.f === spec.heal) {
        const nodes = op.value === null || op.value === undefined || op.value === 'all'
          ? inOrder(faulted)
          : await resolveNodes(op.value, target.nodes, rng, target.primaries);
        await heal(nodes);
        return nodes;
      }
      throw new Error(`the ${spec.name} nemesis does not handle ${op.f}`);
    },
    async teardown() {
      // Node by node with a log line each, never a throw: one node that will not come back must not
      // stop the others from being healed.
      for (const node of inOrder(faulted)) {
        try {
          await actions.undo(node);
          faulted.delete(node);
        } catch (err) {
          ctx.log(`${spec.name} teardown: ${spec.heal} ${node} failed: ${errorMessage(err)}`);
        }
      }
    },
  };
}

/** The package of a node fault, or why the target cannot take it. */
export function nodeFaultPackage(
  ctx: FaultContext,
  spec: NodeFault,
  options: NodeFaultOptions = {},
): FamilyBuild {
  const wanted = options.targets ?? [...DEFAULT_NODE_TARGETS, ...(ctx.target.primaries ? ['primaries' as const] : []), ...(ctx.holders ? ['holders' as const] : [])];
  const target: Target = ctx.target;
  // Checked before the capability, so a typo in --node-targets is an error on any target.
  const { targets, unsupported } = checkNodeTargets(spec.name, target, wanted, ctx.holders);
  const { actions } = spec;
  if (actions === undefined) return { unsupported: [missingCapability(spec.name, target, spec.capability)] };
  if (targets.length === 0) return { unsupported };
  return {
    unsupported,
    package: {
      name: spec.name,
      nemesis: nodeFaultNemesis(ctx, spec, actions),
      generator: startStopCycle(
        ctx.interval,
        (g) => ({ f: spec.fault, value: choose(g.rng, targets) }),
        { f: spec.heal, value: 'all' },
      ),
      finalGenerator: nemesis({ f: spec.heal, value: 'all' }),
      bands: [{ name: spec.name, start: spec.fault, stop: spec.heal }],
    },
  };
}
