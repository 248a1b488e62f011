/**
 * The disk nemesis' failure model. A consensus store keeps every acknowledged write on a majority's
 * synced disks, so it survives losing what a minority synced, not more: a fault that destroys synced
 * data (truncate, bit-flip, rollback) on a majority at once, or on a second node while the first has
 * not caught up again, may take an acknowledged write with it, and a store that then serves without
 * it broke no promise it made. (zk-disk's seed 1 used to cut the logs of n2 and n3 of 3 at once, flip
 * bits in both, then cut all three: a lost write there would have told nothing about ZooKeeper.)
 *
 * So by default the nemesis damages at most a minority at a time: a node counts as damaged from its
 * fault until it is back in service with the others (DiskControl.rejoined: its store says it synced
 * with a leader), and one that refused to start stays damaged; a fault finds room only among the
 * other nodes, up to the minority; with none, it lands on one of the damaged nodes again (they stay as
 * few, and the fault's files are still exercised).
 * lose-unfsynced destroys nothing a correct store acknowledged, so it is outside the budget.
 */
import type { DiskFault } from '../../../ground/contracts/roles.js';
import type { Op } from '../../../ground/history/op.js';
import { minoritySize, type NodeSpec } from './nodes.js';

/** The faults that destroy data a node had synced (the budget's): all but lose-unfsynced. */
export function destroysSynced(fault: DiskFault): boolean {
  return fault !== 'lose-unfsynced';
}

/** The default selections of the faults that destroy synced data: within the model, one node or a minority. */
export const SYNCED_DAMAGE_TARGETS: readonly NodeSpec[] = ['one', 'minority'];

/**
 * Selections that may reach past a minority at once: asking for one of them (`--node-targets`) asks
 * for damage outside the model, and lifts the budget.
 */
const PAST_MINORITY: readonly NodeSpec[] = ['majority', 'all', 'random-subset'];

/** Whether a fault drawing from `targets` keeps the budget (none of them reaches past a minority). */
export function keepsBudget(targets: readonly NodeSpec[]): boolean {
  return !targets.some((t) => PAST_MINORITY.includes(t));
}

/**
 * The nodes a budgeted fault may damage now: `drawn` less the damaged ones, at most as many as keep
 * the damaged within a minority of `all` (the first of `drawn`, in its order).
 */
export function withinBudget(drawn: readonly string[], damaged: ReadonlySet<string>, all: readonly string[]): string[] {
  const room = Math.max(0, minoritySize(all.length) - all.filter((n) => damaged.has(n)).length);
  return drawn.filter((n) => !damaged.has(n)).slice(0, room);
}

/**
 * The most nodes a history's disk faults had damaged and not yet back in service at once, read from
 * the nemesis' records alone: the nodes a `disk` op reached (`reached`, else `nodes` in older records)
 * are damaged (lose-unfsynced's are not: it destroys nothing synced) until a `disk-restart` lists them `rejoined` (or, in a record without that field,
 * started them) or a later `disk` op lists them `back`. The budget holds when this is at most a minority.
 */
export function mostDamagedAtOnce(ops: readonly Op[]): number {
  const damaged = new Set<string>();
  let most = 0;
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  for (const op of ops) {
    if (op.process !== 'nemesis' || op.type === 'invoke' || typeof op.value !== 'object' || op.value === null) continue;
    const v = op.value as Record<string, unknown>;
    if (op.f === 'disk') {
      for (const n of names(v.back)) damaged.delete(n);
      if (v.fault !== 'lose-unfsynced') for (const n of names(v.reached ?? v.nodes)) damaged.add(n);
      most = Math.max(most, damaged.size);
    } else if (op.f === 'disk-restart') {
      for (const n of names(v.rejoined ?? v.nodes)) damaged.delete(n);
    }
  }
  return most;
}
