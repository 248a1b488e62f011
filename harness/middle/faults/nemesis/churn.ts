/**
 * Leader churn (the nemesis of MIT 6.824's Figure 8 tests): for one interval at a time it watches who
 * leads and cuts each leader off from every other node soon after it takes office — mostly within a
 * few milliseconds, sometimes later — and brings cut-off nodes back at random whenever fewer than a
 * majority are connected. Interval-driven partitions almost never land in the first round trip of a
 * term; this lands there all the time, which is where the Figure 8 loss (an entry of an earlier term
 * committed by counting, then overwritten) and other election-edge bugs live.
 *
 * `start-churn` holds the nemesis thread for its duration (like a clock strobe), then leaves the
 * network healed and completes with every step it took; `stop-churn` heals, for the final generator
 * and for a run cut short. Clients are never cut off: only node-to-node traffic is.
 *
 * How a leader is cut off (`cut`): `partition` (default) isolates it with the network, as 6.824 does;
 * `pause` stops it (SIGSTOP) and rejoining resumes it. A simulated network partitions at once, but a
 * real one rewrites iptables in every host (tens of ms, more on a loaded machine), by which time a new
 * leader has often replicated its first entries; a pause lands in microseconds (a signal), so the cut
 * falls in the first round trips of a term on a real network too. A paused leader neither sends nor
 * takes client writes while cut off, and wakes up still believing it leads; its clients wait.
 */
import { nemesis, once, repeat, sleep } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { Grudge, HasPrimaries, Nemesis, NetControl } from '../../../ground/contracts/roles.js';
import { choose, missingCapability, type FaultContext, type FamilyBuild } from './family.js';
import { complete, majority } from './grudge.js';
import { errorMessage } from '../../../ground/history/errors.js';

export interface ChurnOptions {
  /** Most waits between two looks at the leaders are drawn from 0 to this, ms. Default 13 (6.824's). */
  shortWaitMs?: number;
  /**
   * One wait in ten is drawn from 0 to this instead, ms, so some leaders keep office a while. Default 500
   * (6.824's: half its 1 s election bound). Near the target's election timeout is best: much longer, and
   * most new leaders replicate before the next look, so few are cut off in the first round trips of a
   * term (the bundled Raft at 50-100 ms elections: bench:bugs caught old-term-commit in 10/10 runs at 100, 4/10 at 500).
   */
  longWaitMs?: number;
  /** Chance that a leader seen is cut off at that look. Default 0.5 (6.824's). */
  isolateChance?: number;
  /** How a leader is cut off: isolated by a partition (default) or paused. */
  cut?: ChurnCut;
}

/** The ways leader-churn can cut a leader off (`--churn-cut`). */
export const CHURN_CUTS = ['partition', 'pause'] as const;
export type ChurnCut = (typeof CHURN_CUTS)[number];

/** One change the churn made, at ms since the op began. */
export interface ChurnStep {
  atMs: number;
  isolate?: string;
  rejoin?: string;
}

/** What `start-churn` completes with. */
export interface ChurnResult {
  durationMs: number;
  /** Looks at the leaders taken. */
  looks: number;
  isolations: number;
  rejoins: number;
  /** The first steps (at most MAX_RECORDED_STEPS), so the history says who was cut off when. */
  steps: ChurnStep[];
}

/** Steps kept in one op's completion; the counts above cover the rest. */
export const MAX_RECORDED_STEPS = 2_000;

/** The grudge in which each node of `isolated` hears nobody and the rest hear each other. */
export function isolationGrudge(nodes: readonly string[], isolated: ReadonlySet<string>): Grudge {
  if (isolated.size === 0) return {};
  return complete([nodes.filter((n) => !isolated.has(n)), ...[...isolated].map((n) => [n])]);
}

/** The churn package, or why the target cannot take it (it needs a network and a report of its leaders). */
export function churnPackage(ctx: FaultContext, options: ChurnOptions = {}): FamilyBuild {
  const shortWaitMs = options.shortWaitMs ?? 13;
  const longWaitMs = options.longWaitMs ?? 500;
  const isolateChance = options.isolateChance ?? 0.5;
  const cut = options.cut ?? 'partition';
  if (!CHURN_CUTS.includes(cut)) throw new InputError(`leader-churn option cut must be ${CHURN_CUTS.join(' or ')}, got ${String(cut)}`);
  for (const [name, v] of [['shortWaitMs', shortWaitMs], ['longWaitMs', longWaitMs]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new InputError(`leader-churn option ${name} must be a number of ms ≥ 0, got ${v}`);
  }
  if (!(isolateChance > 0 && isolateChance <= 1)) throw new InputError(`leader-churn option isolateChance must be in (0, 1], got ${isolateChance}`);
  const { target, net } = ctx;
  if (net === undefined) return { unsupported: [missingCapability('leader-churn', target, 'net')] };
  if (cut === 'pause' && target.pausable === undefined) return { unsupported: [missingCapability('leader-churn', target, 'pausable')] };
  if (target.primaries === undefined) return { unsupported: [missingCapability('leader-churn', target, 'primaries')] };
  if (target.nodes.length < 3) {
    return { unsupported: [{ fault: 'leader-churn', reason: 'leader-churn: a cluster of fewer than 3 nodes cannot lose its leader and keep a majority' }] };
  }
  return {
    unsupported: [],
    package: {
      name: 'leader-churn',
      nemesis: churnNemesis(ctx, net, target.primaries, { shortWaitMs, longWaitMs, isolateChance, cut }),
      generator: nemesis(repeat([sleep(ctx.interval), once({ f: 'start-churn' }), once({ f: 'stop-churn' })])),
      finalGenerator: nemesis({ f: 'stop-churn' }),
      bands: [{ name: 'leader churn', start: 'start-churn', stop: 'stop-churn' }],
    },
  };
}

function churnNemesis(ctx: FaultContext, net: NetControl, primaries: HasPrimaries, o: Required<ChurnOptions>): Nemesis {
  const { target, rng } = ctx;
  const nodes = target.nodes;
  const quorum = majority(nodes.length);
  let cancelled = false;
  let running: Promise<unknown> | undefined;
  /** Nodes paused by `cut: pause` and not resumed yet (resumed by the op's end, stop-churn and teardown). */
  const paused = new Set<string>();
  const resumeAll = async (): Promise<void> => {
    for (const n of [...paused]) {
      await target.pausable!.resume(n);
      paused.delete(n);
    }
  };

  const churn = async (value: unknown): Promise<ChurnResult> => {
    const durationMs = typeof value === 'number' && value > 0 ? value : ctx.interval / 1e6;
    const isolated = new Set<string>();
    const result: ChurnResult = { durationMs, looks: 0, isolations: 0, rejoins: 0, steps: [] };
    const started = performance.now();
    // Time passed is the larger of real time and the waits asked for, so a fake sleep (tests) ends the op too.
    let slept = 0;
    const elapsed = (): number => Math.max(performance.now() - started, slept);
    const step = (s: Omit<ChurnStep, 'atMs'>): void => {
      if (result.steps.length < MAX_RECORDED_STEPS) result.steps.push({ atMs: Math.round(elapsed()), ...s });
    };
    try {
      while (!cancelled && elapsed() < durationMs) {
        const wait = rng.float() < 0.9 ? rng.int(o.shortWaitMs + 1) : rng.int(o.longWaitMs + 1);
        await ctx.sleep(wait);
        slept += wait;
        if (cancelled) break;
        result.looks++;
        // A node we cut off may still believe it leads; only leaders that can reach others count.
        const leaders = (await primaries.primaries()).filter((n) => !isolated.has(n));
        let changed = false;
        let justCut: string | undefined;
        let justBack: string | undefined;
        if (leaders.length > 0 && rng.float() < o.isolateChance) {
          const leader = choose(rng, leaders);
          justCut = leader;
          isolated.add(leader);
          result.isolations++;
          step({ isolate: leader });
          changed = true;
        }
        if (nodes.length - isolated.size < quorum) {
          // Another node comes back, not the leader just cut off (6.824 may pick it too, wasting the step).
          // There is one: fewer than a majority connected means at least two are cut off (n ≥ 3).
          const back = choose(rng, [...isolated].filter((n) => n !== justCut));
          isolated.delete(back);
          justBack = back;
          result.rejoins++;
          step({ rejoin: back });
          changed = true;
        }
        if (!changed) continue;
        if (o.cut === 'partition') {
          await net.partition(isolationGrudge(nodes, isolated));
          continue;
        }
        if (justCut !== undefined) {
          paused.add(justCut);
          await target.pausable!.pause(justCut);
        }
        if (justBack !== undefined) {
          paused.delete(justBack);
          await target.pausable!.resume(justBack);
        }
      }
    } finally {
      // Whatever happened, the op ends with everyone connected and running.
      await resumeAll();
      await net.partition({});
    }
    return result;
  };

  return {
    fs: ['start-churn', 'stop-churn'],
    async invoke(op) {
      if (op.f === 'start-churn') {
        const r = churn(op.value);
        running = r.catch(() => undefined);
        return r;
      }
      if (op.f === 'stop-churn') {
        await resumeAll();
        await net.partition({});
        return { grudge: {} };
      }
      throw new Error(`the leader-churn nemesis does not handle ${op.f}`);
    },
    async teardown() {
      cancelled = true;
      await running;
      try {
        await resumeAll();
        await net.partition({});
      } catch (err) {
        ctx.log(`leader-churn teardown: healing the network failed: ${errorMessage(err)}`);
      }
      cancelled = false;
      running = undefined;
    },
  };
}
