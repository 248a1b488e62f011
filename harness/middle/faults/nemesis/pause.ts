/**
 * Process pauses (Jepsen's :pause): `pause` stops the selected nodes (SIGSTOP, docker pause),
 * `resume` continues every node the nemesis paused. A paused node keeps its memory and connections
 * and wakes up believing no time passed: the classic trigger of a stale leader acting on an expired
 * lease. The final generator resumes everything still paused.
 */
import type { FaultContext, FamilyBuild } from './family.js';
import { nodeFaultPackage, type NodeFaultOptions } from './node-faults.js';

export type PauseOptions = NodeFaultOptions;

/** The pause package, or why the target cannot be paused (it lacks `pausable`). */
export function pausePackage(ctx: FaultContext, options: PauseOptions = {}): FamilyBuild {
  const pausable = ctx.target.pausable;
  const actions = pausable && { apply: (node: string) => pausable.pause(node), undo: (node: string) => pausable.resume(node) };
  return nodeFaultPackage(ctx, { name: 'pause', fault: 'pause', heal: 'resume', capability: 'pausable', actions }, options);
}
