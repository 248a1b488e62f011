/**
 * Disk faults (`--nemesis disk`, Jepsen's file nemesis and LazyFS): `disk` kills the selected nodes,
 * applies one disk fault to each one's files while it is down, and `disk-restart` starts them again.
 * The faults of `--disk-faults` take turns, in the order given: lose-unfsynced (the FUSE layer drops
 * every write not fsynced, as a power loss would), truncate (the log's tail), bit-flip (bits of a data
 * file), rollback (the directory back to the copy taken at this node's previous disk fault; a rollback
 * of `one` node that drew a node with no copy draws once more).
 *
 * A node that will not start on the damaged files is recorded in the restart's value (`refused`, with
 * the error and the end of its log): refusing is a correct answer to corruption, not a safety
 * violation; it stays down and the final restart tries it once more.
 */
import { nemesis } from '../../../ground/generator/index.js';
import { errorMessage, InputError } from '../../../ground/history/errors.js';
import { DISK_FAULTS, type DiskFault, type DiskTouch, type Nemesis } from '../../../ground/contracts/roles.js';
import { checkNodeTargets, choose, missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { DEFAULT_NODE_TARGETS } from './node-faults.js';
import { onNodes, resolveNodes, type NodeSpec } from './nodes.js';

export { DISK_FAULTS, type DiskFault };

export interface DiskOptions {
  /** The faults that take turns (default: all of DISK_FAULTS the target can apply). */
  faults?: readonly string[];
  /** Node selections each fault draws from (default: LOSE_UNFSYNCED_TARGETS and DEFAULT_NODE_TARGETS). */
  targets?: readonly NodeSpec[];
}

/**
 * lose-unfsynced hits every node by default: a power loss of the whole cluster, after which only what
 * was fsynced remains. A minority losing unsynced writes is repaired by the rest (a correct and a
 * non-syncing node both catch up), so a smaller loss finds a missing fsync only by luck.
 */
export const LOSE_UNFSYNCED_TARGETS: readonly NodeSpec[] = ['all'];

/** `disk`'s value: which fault, on which nodes, and the files it touched per node. */
export interface DiskApplied {
  fault: DiskFault;
  /** The nodes killed for the fault (each restart answers for them). */
  nodes: string[];
  /**
   * The nodes the fault reached, which the fault record counts (nemesis/effect.ts): those whose files
   * it touched, and for lose-unfsynced every node whose layer crashed (a power loss happened even when
   * nothing was unsynced). A truncate or bit-flip that found no file, or a rollback with no copy yet,
   * only killed the node: a run of such faults alone tested kills, not the disk, and is not valid.
   */
  reached: string[];
  files: (DiskTouch & { node: string })[];
}

/** Checks a `--disk-faults` list: one sentence naming the bad name and the valid ones. */
export function checkDiskFaults(names: readonly string[]): DiskFault[] {
  const bad = names.filter((n) => !(DISK_FAULTS as readonly string[]).includes(n));
  if (bad.length > 0) throw new InputError(`--disk-faults: unknown disk fault ${bad.join(', ')}; the disk faults are ${DISK_FAULTS.join(', ')}`);
  return [...new Set(names as DiskFault[])];
}

export function diskPackage(ctx: FaultContext, options: DiskOptions = {}): FamilyBuild {
  const { target, rng } = ctx;
  const wanted = checkDiskFaults(options.faults ?? DISK_FAULTS);
  const picked = checkNodeTargets('disk', target, options.targets ?? DEFAULT_NODE_TARGETS);
  const specsFor = (f: DiskFault): readonly NodeSpec[] => (options.targets === undefined && f === 'lose-unfsynced' ? LOSE_UNFSYNCED_TARGETS : picked.targets);
  const { killable, disk } = target;
  if (!killable) return { unsupported: [missingCapability('disk', target, 'killable')] };
  if (!disk) return { unsupported: [{ fault: 'disk', reason: 'disk: the target offers no access to its nodes\' data files' }] };
  const unsupported = [...picked.unsupported];
  const faults = wanted.filter((f) => {
    if (disk.faults.includes(f)) return true;
    unsupported.push({ fault: `disk:${f}`, reason: `disk:${f}: ${disk.unsupported[f] ?? 'this target cannot apply it'}` });
    return false;
  });
  if (faults.length === 0 || picked.targets.length === 0) return { unsupported };

  const down = new Set<string>();
  const remembers = faults.includes('rollback');
  /** Nodes a copy was taken of (at an earlier disk fault): a rollback's candidates. */
  const copied = new Set<string>();
  let turn = 0;
  const restart = async (nodes: readonly string[]): Promise<{ nodes: string[]; refused: { node: string; error: string }[] }> => {
    const started: string[] = [];
    const refused: { node: string; error: string }[] = [];
    await Promise.all(nodes.map(async (node) => {
      try {
        await killable.start(node);
        started.push(node);
        down.delete(node);
      } catch (err) {
        refused.push({ node, error: errorMessage(err) });
      }
    }));
    return { nodes: target.nodes.filter((n) => started.includes(n)), refused };
  };

  const nem: Nemesis = {
    fs: ['disk', 'disk-restart'],
    async invoke(op) {
      if (op.f === 'disk') {
        const fault = faults[turn++ % faults.length];
        // The schedule leaves the nodes to the fault (null): its own default selection, drawn here.
        const spec = op.value ?? choose(rng, specsFor(fault));
        let nodes = await resolveNodes(spec, target.nodes, rng, target.primaries);
        // A rollback of one node that has no copy to go back to only kills it: drawn once among all, most
        // of a short run's rollbacks found none. It draws a second time and keeps that node if it has a
        // copy (always going to a node with one instead hit the first node copied, again and again).
        if (fault === 'rollback' && spec === 'one' && copied.size > 0 && !copied.has(nodes[0])) {
          const again = await resolveNodes(spec, target.nodes, rng, target.primaries);
          if (copied.has(again[0])) nodes = again;
        }
        const files: DiskApplied['files'] = [];
        for (const n of nodes) down.add(n);
        await onNodes('disk', nodes, async (node) => {
          await killable.kill(node);
          // The copy a later rollback restores: read (the whole data directory) only when rollback is one of
          // the faults, at every disk fault, a rollback's too (so a run of rollbacks alone goes back each time).
          if (remembers) {
            await disk.remember(node);
            copied.add(node);
          }
          for (const t of await disk.apply(node, fault, (k) => rng.int(k))) files.push({ node, ...t });
        });
        const reached = fault === 'lose-unfsynced' ? nodes : nodes.filter((n) => files.some((t) => t.node === n));
        const applied: DiskApplied = { fault, nodes, reached, files };
        return applied;
      }
      if (op.f === 'disk-restart') return restart(target.nodes.filter((n) => down.has(n)));
      throw new Error(`the disk nemesis does not handle ${op.f}`);
    },
    async teardown() {
      const left = target.nodes.filter((n) => down.has(n));
      if (left.length === 0) return;
      const r = await restart(left);
      for (const x of r.refused) ctx.log(`disk teardown: ${x.node} would not start: ${x.error}`);
    },
  };
  return {
    unsupported,
    package: {
      name: 'disk',
      nemesis: nem,
      generator: startStopCycle(ctx.interval, { f: 'disk', value: null }, { f: 'disk-restart', value: 'all' }),
      finalGenerator: nemesis({ f: 'disk-restart', value: 'all' }),
      bands: [{ name: 'disk', start: 'disk', stop: 'disk-restart' }],
    },
  };
}
