/**
 * Crashes (Jepsen's :kill): `kill` hard-kills the selected nodes, `start` restarts every node the
 * nemesis killed. A crash, unlike a pause, loses whatever the node had not made durable, so it tests
 * recovery from disk and rejoining; the final generator restarts everything still down.
 */
import type { FaultContext, FamilyBuild } from './family.js';
import { nodeFaultPackage, type NodeFaultOptions } from './node-faults.js';

export type KillOptions = NodeFaultOptions;

/** The kill package, or why the target cannot be killed (it lacks `killable`). */
export function killPackage(ctx: FaultContext, options: KillOptions = {}): FamilyBuild {
  const killable = ctx.target.killable;
  const actions = killable && { apply: (node: string) => killable.kill(node), undo: (node: string) => killable.start(node) };
  return nodeFaultPackage(ctx, { name: 'kill', fault: 'kill', heal: 'start', capability: 'killable', actions }, options);
}
