/**
 * `--nemesis auto` (issue 33): an adaptive nemesis over the standard package's families. At each
 * decision point an `auto-decide` op on the nemesis thread looks at the run (who leads, how the
 * clients fared since the last look, which faults are in force — see abstract-state.ts), rewards the
 * previous choice by the novelty of the state it led to, chooses the next action (learner.ts) and
 * completes with the choice, its reason and the ops it resolved to; the generator then runs exactly
 * those ops (`kill` with `primaries`, `start-partition` with a shape, …) and waits the chosen time.
 * So every choice and its reason are in the history, and `--replay` (`--auto-schedule`) feeds the
 * recorded choices back instead of learning: the same ops at the same decision points.
 */
import { concat, EXHAUSTED, nemesis, once, repeat, sleep, type Context, type GenLike, type Generator, type OpResult, type OpSpec } from '../../../../ground/generator/index.js';
import type { Op } from '../../../../ground/history/op.js';
import type { Nemesis } from '../../../../ground/contracts/roles.js';
import type { FaultContext } from '../family.js';
import { abstractState, Coverage, type FaultRole, type OutcomeCounts, windowOf } from './abstract-state.js';
import { actionsFor, healOf, resolveAction, type ActionSpace, type AutoFamily } from './actions.js';
import { emptyLearned, Learner, type LearnedState } from './learner.js';

/** A choice as the history records it (the `auto-decide` completion), and as a replay feeds it back. */
export interface AutoChoice {
  action: string;
  reason: string;
  ops: OpSpec[];
  waitMs: number;
}

/** What the `auto-decide` op completes with. */
export interface AutoDecision extends AutoChoice {
  /** The abstract state seen at this decision point. */
  state: string;
  leaders?: string[];
  window: OutcomeCounts;
  /** This state was reached for the first time in the run. */
  newState: boolean;
  /** Distinct abstract states and (state × fault × role) triples so far in the run. */
  states: number;
  triples: number;
}

export interface AutoOptions {
  /** The client completions so far (the driver's counts); without it the outcome word is `idle`. */
  outcomes?: () => OutcomeCounts;
  /** A campaign's table, carried from run to run; a single run starts from an empty one. */
  learned?: LearnedState;
  /** Choices to replay (a recorded run's `auto-decide` completions), in order; learning resumes after them. */
  schedule?: readonly AutoChoice[];
  /** The first decision comes this long after the start (ms). Default 2 000: the cluster has elected. */
  firstMs?: number;
  /** Nanoseconds since the run started (nemesis ops carry no time). Default: since these parts were built. */
  now?: () => number;
}

/** The leaders' probe gives up after this long (a paused leader never answers). */
const LEADER_PROBE_MS = 600;

/** The decider, and the generator that runs its choices; the families' own nemeses do the faults. */
export function autoParts(ctx: FaultContext, families: readonly AutoFamily[], opts: AutoOptions): { nemesis: Nemesis; generator: GenLike } {
  const { target } = ctx;
  const table = opts.learned ?? emptyLearned();
  const learner = new Learner(table, ctx.rng.fork('learner'));
  const coverage = new Coverage();
  const space: ActionSpace = { families, leaders: target.primaries !== undefined, holders: ctx.holders !== undefined };
  // Faults in force: family → its role and when it started (ns); kept as the decisions say, since the
  // generator runs exactly the ops a decision resolved to.
  const active = new Map<AutoFamily, { role: FaultRole; sinceNs: number }>();
  let previous: { state: string; action: string; leaders?: string[] } | undefined;
  let lastCounts: OutcomeCounts = { ok: 0, fail: 0, info: 0 };
  let replayed = 0;

  const leadersNow = async (): Promise<string[] | undefined> => {
    if (!target.primaries) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        target.primaries.primaries(),
        new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), LEADER_PROBE_MS); }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  const built = performance.now();
  const now = opts.now ?? ((): number => (performance.now() - built) * 1e6);
  const decide = async (value: unknown): Promise<AutoDecision> => {
    // The generator stamps the op with the run's time (simulated or real); nemesis ops carry no other.
    const stamped = (value as { atNs?: unknown } | null)?.atNs;
    const atNs = typeof stamped === 'number' ? stamped : now();
    // Counted at the first decision: a run builds its faults once more only to check them.
    if (previous === undefined) table.runs++;
    const leaders = await leadersNow();
    const counts = opts.outcomes?.() ?? { ok: 0, fail: 0, info: 0 };
    const window = windowOf(counts, lastCounts);
    lastCounts = counts;
    const roles = Object.fromEntries([...active].map(([f, a]) => [f, a.role]));
    const state = abstractState({ leaders, previousLeaders: previous?.leaders, window, active: roles });
    const newState = coverage.visit(state, atNs / 1e9);
    const novelty = learner.visit(state);
    const actions = actionsFor(space, new Set(active.keys()));
    if (previous !== undefined) learner.update(previous.state, previous.action, novelty, state, actions);
    let choice: { action: string; reason: string };
    const recorded = opts.schedule?.[replayed];
    // A fault in force for a whole interval is healed, so no fault outlasts what the standard
    // package would hold it (and the cluster keeps being tested, not just kept down).
    const stale = [...active].find(([, a]) => atNs - a.sinceNs >= ctx.interval);
    if (recorded !== undefined) {
      replayed++;
      choice = { action: recorded.action, reason: `replayed: ${recorded.reason}` };
    } else if (stale !== undefined) {
      choice = { action: `heal:${stale[0]}/short`, reason: `${stale[0]} has been in force for the interval (${ctx.interval / 1e9} s)` };
    } else {
      choice = learner.choose(state, actions);
    }
    const r = recorded !== undefined
      ? { ...resolveAction(recorded.action, target.nodes, leaders ?? []), ops: recorded.ops, waitMs: recorded.waitMs }
      : resolveAction(choice.action, target.nodes, leaders ?? []);
    if (r.family !== undefined && r.kind === 'start') {
      active.set(r.family, { role: r.role ?? 'one', sinceNs: atNs });
      coverage.tried(state, r.family, r.role ?? 'one');
    } else if (r.family !== undefined) {
      active.delete(r.family);
    }
    previous = { state, action: choice.action, ...(leaders ? { leaders } : {}) };
    return {
      action: choice.action, reason: choice.reason, ops: r.ops, waitMs: r.waitMs,
      state, ...(leaders ? { leaders } : {}), window, newState, states: coverage.stateCount, triples: coverage.tripleCount,
    };
  };

  const decider: Nemesis = {
    fs: ['auto-decide'],
    invoke: (op) => decide(op.value),
    teardown: () => Promise.resolve(),
  };
  const first = opts.firstMs ?? Math.min(2000, ctx.interval / 1e6);
  return { nemesis: decider, generator: nemesis([sleep(first * 1e6), repeat([once((g: Context) => ({ f: 'auto-decide', value: { atNs: g.time } })), new AfterDecide()])]) };
}

/** The heal ops of every family, in heal order (the final generator heals them all anyway). */
export function healsOf(families: readonly AutoFamily[]): OpSpec[] {
  return families.map(healOf);
}

/**
 * Runs what the last `auto-decide` completed with: its ops, then its wait. Until that completion
 * arrives it is pending; the plan comes from the completion event itself, so the generator stays a
 * pure function of the events it saw (replays and simulated runs give the same schedule).
 */
class AfterDecide implements Generator {
  op(): OpResult {
    return 'pending';
  }

  update(_ctx: Context, event: Op): Generator {
    if (event.process !== 'nemesis' || event.f !== 'auto-decide' || event.type === 'invoke') return this;
    const d = event.value as Partial<AutoChoice> | null;
    const ops = Array.isArray(d?.ops) ? d.ops : [];
    const waitMs = typeof d?.waitMs === 'number' && d.waitMs > 0 ? d.waitMs : 1000;
    const plan = concat(...ops.map((o) => once({ f: o.f, value: o.value ?? null })), sleep(waitMs * 1e6));
    return plan === EXHAUSTED ? sleep(1e9) : plan;
  }
}
