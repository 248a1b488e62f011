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
 *
 * The faults that destroy synced data keep within the failure model by default (disk-budget.ts): at
 * most a minority damaged at a time, a node counting as damaged until its restart brought it back in
 * service with the others; a restart waits (up to REJOIN_WAIT_MS) for that and says which came back.
 * A fault with no room among the undamaged lands on a damaged node again.
 */
import { nemesis } from '../../../ground/generator/index.js';
import { errorMessage, InputError } from '../../../ground/history/errors.js';
import { DISK_FAULTS, type DiskFault, type DiskTouch, type Nemesis } from '../../../ground/contracts/roles.js';
import { checkNodeTargets, choose, missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { onNodes, resolveNodes, type NodeSpec } from './nodes.js';
import { destroysSynced, keepsBudget, SYNCED_DAMAGE_TARGETS, withinBudget } from './disk-budget.js';

export { DISK_FAULTS, type DiskFault };

export interface DiskOptions {
  /** The faults that take turns (default: all of DISK_FAULTS the target can apply). */
  faults?: readonly string[];
  /** Node selections each fault draws from (default: LOSE_UNFSYNCED_TARGETS and SYNCED_DAMAGE_TARGETS). */
  targets?: readonly NodeSpec[];
}

/** How long a restart waits for its damaged nodes to be back in service, and how often it asks. */
export const REJOIN_WAIT_MS = 20_000;
export const REJOIN_POLL_MS = 250;

/**
 * lose-unfsynced hits every node by default: a power loss of the whole cluster, after which only what
 * was fsynced remains. A minority losing unsynced writes is repaired by the rest (a correct and a
 * non-syncing node both catch up), so a smaller loss finds a missing fsync only by luck.
 */
export const LOSE_UNFSYNCED_TARGETS: readonly NodeSpec[] = ['all'];

/** `disk`'s value: which fault, on which nodes, and the files it touched per node; `again` when it found no room among the undamaged. */
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
  /** No room among the undamaged (disk-budget.ts): it landed on a node already damaged, so no more are. */
  again?: true;
  /** Damaged nodes found back in service as this fault began (their restart had stopped waiting for them). */
  back?: string[];
}

/** `disk-restart`'s value: the nodes started, those that refused, and (damaged ones) which came back in service within REJOIN_WAIT_MS. */
export interface DiskRestarted {
  nodes: string[];
  refused: { node: string; error: string }[];
  rejoined?: string[];
  notRejoined?: string[];
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
  const picked = checkNodeTargets('disk', target, options.targets ?? SYNCED_DAMAGE_TARGETS);
  const specsFor = (f: DiskFault): readonly NodeSpec[] => (options.targets === undefined && f === 'lose-unfsynced' ? LOSE_UNFSYNCED_TARGETS : picked.targets);
  // Asking for a majority or all (--node-targets) asks for damage past the model: no budget then.
  const budgeted = keepsBudget(picked.targets);
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
  /** Nodes whose synced data a fault destroyed and that are not back in service yet (disk-budget.ts). */
  const damaged = new Map<string, 'refused' | 'rejoining'>();
  const remembers = faults.includes('rollback');
  /** Nodes a copy was taken of (at an earlier disk fault): a rollback's candidates. */
  const copied = new Set<string>();
  let turn = 0;
  const isBack = async (node: string): Promise<boolean> => {
    if (down.has(node)) return false;
    if (!disk.rejoined) return true;
    try {
      return await disk.rejoined(node);
    } catch {
      return false;
    }
  };
  /** Asks each started damaged node whether it is back, every REJOIN_POLL_MS until all are or REJOIN_WAIT_MS passed. */
  const awaitRejoin = async (nodes: readonly string[], waitMs: number): Promise<{ rejoined: string[]; notRejoined: string[] }> => {
    const left = new Set(nodes);
    for (let waited = 0; ; waited += REJOIN_POLL_MS) {
      for (const n of [...left]) if (await isBack(n)) { left.delete(n); damaged.delete(n); }
      if (left.size === 0 || waited >= waitMs) break;
      await ctx.sleep(REJOIN_POLL_MS);
    }
    return { rejoined: nodes.filter((n) => !left.has(n)), notRejoined: nodes.filter((n) => left.has(n)) };
  };
  const restart = async (nodes: readonly string[], waitMs = REJOIN_WAIT_MS): Promise<DiskRestarted> => {
    const started: string[] = [];
    const refused: { node: string; error: string }[] = [];
    await Promise.all(nodes.map(async (node) => {
      try {
        await killable.start(node);
        started.push(node);
        down.delete(node);
      } catch (err) {
        refused.push({ node, error: errorMessage(err) });
        if (damaged.has(node)) damaged.set(node, 'refused');
      }
    }));
    const out: DiskRestarted = { nodes: target.nodes.filter((n) => started.includes(n)), refused };
    const watched = out.nodes.filter((n) => damaged.has(n));
    return watched.length === 0 || waitMs === 0 ? out : { ...out, ...(await awaitRejoin(watched, waitMs)) };
  };

  const nem: Nemesis = {
    fs: ['disk', 'disk-restart'],
    async invoke(op) {
      if (op.f === 'disk') {
        const fault = faults[turn % faults.length];
        // The schedule leaves the nodes to the fault (null): its own default selection, drawn here,
        // among the undamaged nodes and as many as the budget has room for.
        const budget = op.value === null && budgeted && destroysSynced(fault);
        // A node that came back after its restart stopped waiting is found back here, and said so (`back`).
        const back: string[] = [];
        if (budget) for (const [n, why] of damaged) if (why === 'rejoining' && await isBack(n)) { damaged.delete(n); back.push(n); }
        const backed = back.length > 0 ? { back } : {};
        const spec = op.value ?? choose(rng, specsFor(fault));
        const from = budget ? target.nodes.filter((n) => !damaged.has(n)) : target.nodes;
        const draw = async (): Promise<string[]> => (from.length === 0 ? [] : resolveNodes(spec, from, rng, target.primaries));
        let drawn = await draw();
        // A rollback of one node that has no copy to go back to only kills it: drawn once among all, most
        // of a short run's rollbacks found none. It draws a second time and keeps that node if it has a
        // copy (always going to a node with one instead hit the first node copied, again and again).
        if (fault === 'rollback' && spec === 'one' && copied.size > 0 && drawn.length > 0 && !copied.has(drawn[0])) {
          const second = await draw();
          if (second.length > 0 && copied.has(second[0])) drawn = second;
        }
        let nodes = budget ? withinBudget(drawn, new Set(damaged.keys()), target.nodes) : drawn;
        // No room among the others: one of the nodes already damaged (refused to start, or not back yet)
        // takes it, so the fault's files are still exercised and the damaged stay as few.
        const hurt = target.nodes.filter((n) => damaged.has(n));
        const again = budget && nodes.length === 0 && hurt.length > 0;
        if (again) nodes = [hurt[rng.int(hurt.length)]];
        turn++;
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
        // Damaged: what a fault that destroys synced data reached (a node it found no file on was only killed).
        if (destroysSynced(fault)) for (const n of reached) damaged.set(n, 'rejoining');
        const applied: DiskApplied = { fault, nodes, reached, files, ...backed, ...(again ? { again: true as const } : {}) };
        return applied;
      }
      if (op.f === 'disk-restart') return restart(target.nodes.filter((n) => down.has(n)));
      throw new Error(`the disk nemesis does not handle ${op.f}`);
    },
    async teardown() {
      const left = target.nodes.filter((n) => down.has(n));
      if (left.length === 0) return;
      const r = await restart(left, 0);
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
