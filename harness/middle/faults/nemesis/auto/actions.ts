/**
 * The adaptive nemesis' actions: which fault, aimed at which role, held how long before the next
 * decision. Each action is a plain name (`kill@leader/short`) so the learner's table is plain data,
 * and it resolves, at the moment it is chosen, to the very ops of the standard package's families
 * (`kill` with `primaries`, `start-partition` with a shape, …), so the history, the fault bands,
 * the fault record and the summary read it as they read the standard package. Pure.
 */
import type { OpSpec } from '../../../../ground/generator/index.js';
import { minoritySize } from '../nodes.js';
import type { FaultRole } from './abstract-state.js';

/** The families the adaptive nemesis drives (the standard package's, and disk only when named). */
export const AUTO_FAMILIES = ['partition', 'kill', 'pause', 'clock', 'disk'] as const;
export type AutoFamily = (typeof AUTO_FAMILIES)[number];

/**
 * How long a choice holds before the next decision: `short` acts again right after (e.g. right after
 * the election a fault caused), `long` lets the fault work (around a lease's expiry, a write burst).
 */
export const TIMINGS = { short: 400, long: 2500 } as const;
export type Timing = keyof typeof TIMINGS;

/** A target of a family: the op value it takes and the role the abstract state records. */
interface Aim {
  name: string;
  role: FaultRole;
  /** The op value; a function of the leaders seen for aims that name nodes (followers). */
  value: (nodes: readonly string[], leaders: readonly string[]) => unknown;
  /** Only where the target names its leaders. */
  needsLeaders?: true;
  needsHolders?: true;
}

const spec = (s: string): Aim['value'] => () => s;
/** A minority of the nodes that do not lead (all but one of them when nobody leads). */
const followers: Aim['value'] = (nodes, leaders) => nodes.filter((n) => !leaders.includes(n)).slice(0, minoritySize(nodes.length));

const NODE_AIMS: readonly Aim[] = [
  { name: 'leader', role: 'leader', value: spec('primaries'), needsLeaders: true },
  { name: 'followers', role: 'followers', value: followers, needsLeaders: true },
  { name: 'one', role: 'one', value: spec('one') },
  { name: 'minority', role: 'minority', value: spec('minority') },
  { name: 'majority', role: 'majority', value: spec('majority') },
  { name: 'holders', role: 'holders', value: spec('holders'), needsHolders: true },
];

/** Each family's start op and aims, and its heal op. */
const FAMILY_ACTS: Record<AutoFamily, { start: string[]; aims: readonly Aim[]; heal: OpSpec }> = {
  partition: {
    start: ['start-partition'],
    aims: [
      { name: 'leader', role: 'leader', value: spec('primaries'), needsLeaders: true },
      { name: 'one', role: 'one', value: spec('isolate-one') },
      { name: 'halves', role: 'shape', value: spec('random-halves') },
      { name: 'ring', role: 'shape', value: spec('majorities-ring') },
      { name: 'bridge', role: 'shape', value: spec('bridge') },
      { name: 'holders', role: 'holders', value: spec('holders'), needsHolders: true },
    ],
    heal: { f: 'stop-partition', value: null },
  },
  kill: { start: ['kill'], aims: [...NODE_AIMS, { name: 'all', role: 'all', value: spec('all') }], heal: { f: 'start', value: 'all' } },
  pause: { start: ['pause'], aims: NODE_AIMS, heal: { f: 'resume', value: 'all' } },
  clock: {
    start: ['bump-clock', 'strobe-clock'],
    aims: NODE_AIMS.filter((a) => a.name !== 'minority' && a.name !== 'majority').concat([{ name: 'all', role: 'all', value: spec('all') }]),
    heal: { f: 'reset-clock', value: 'all' },
  },
  disk: { start: ['disk'], aims: [{ name: 'any', role: 'one', value: () => null }], heal: { f: 'disk-restart', value: 'all' } },
};

/**
 * At most this many families in force at once: two make the combinations bugs need (a skewed leader
 * cut off), while more would mostly keep the cluster down, which tests little.
 */
export const MAX_ACTIVE = 2;

/** What the run offers the nemesis. */
export interface ActionSpace {
  families: readonly AutoFamily[];
  /** The target names its leaders (`primaries`). */
  leaders: boolean;
  /** The workload has lock holders. */
  holders: boolean;
}

/**
 * Every action available with `active` faults in force, in a fixed order: a start for each family not
 * in force (× its aims × its start ops × timings) while fewer than MAX_ACTIVE are, a heal for each in
 * force, and `wait`.
 */
export function actionsFor(space: ActionSpace, active: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const f of space.families) {
    if (active.has(f)) {
      for (const t of Object.keys(TIMINGS)) out.push(`heal:${f}/${t}`);
      continue;
    }
    if (active.size >= MAX_ACTIVE) continue;
    const acts = FAMILY_ACTS[f];
    for (const a of acts.aims) {
      if (a.needsLeaders && !space.leaders) continue;
      if (a.needsHolders && !space.holders) continue;
      for (const op of acts.start) {
        for (const t of Object.keys(TIMINGS)) out.push(`${op === acts.start[0] ? f : op}@${a.name}/${t}`);
      }
    }
  }
  for (const t of Object.keys(TIMINGS)) out.push(`wait/${t}`);
  return out;
}

/** An action resolved against the cluster as it is now. */
export interface Resolved {
  /** The family started or healed, or undefined for `wait`. */
  family?: AutoFamily;
  /** `start`, `heal` or `wait`. */
  kind: 'start' | 'heal' | 'wait';
  role?: FaultRole;
  ops: OpSpec[];
  waitMs: number;
}

/** The ops of `action` for `nodes` with `leaders` leading now. */
export function resolveAction(action: string, nodes: readonly string[], leaders: readonly string[]): Resolved {
  const [what, timing] = action.split('/') as [string, Timing];
  const waitMs = TIMINGS[timing];
  if (waitMs === undefined) throw new Error(`auto: unknown timing in action ${action}`);
  if (what === 'wait') return { kind: 'wait', ops: [], waitMs };
  if (what.startsWith('heal:')) {
    const family = what.slice(5) as AutoFamily;
    return { family, kind: 'heal', ops: [FAMILY_ACTS[family].heal], waitMs };
  }
  const [head, aimName] = what.split('@');
  const family = (head === 'strobe-clock' ? 'clock' : head) as AutoFamily;
  const acts = FAMILY_ACTS[family];
  const aim = acts?.aims.find((a) => a.name === aimName);
  if (acts === undefined || aim === undefined) throw new Error(`auto: unknown action ${action}`);
  const f = head === 'strobe-clock' ? 'strobe-clock' : acts.start[0];
  let value = aim.value(nodes, leaders);
  // No follower to aim at (a one-node cluster): one random node instead.
  if (Array.isArray(value) && value.length === 0) value = 'one';
  return { family, kind: 'start', role: aim.role, ops: [{ f, value }], waitMs };
}

/** The heal op of a family (forced heals, and the family list of a composed run). */
export function healOf(family: AutoFamily): OpSpec {
  return FAMILY_ACTS[family].heal;
}
