/**
 * Clock faults (Jepsen's clock package): `bump-clock` shifts the clocks of some nodes by a random
 * offset, `strobe-clock` flips them between +δ and their offset every period for a while, and
 * `reset-clock` puts them back to true time. Leases, lock TTLs and leader timeouts that trust the wall
 * clock break under these; Raft's use of monotonic timers should not.
 *
 * Offsets are drawn log-uniformly (as Jepsen does, 4 ms to 2^18 ms by default): small skews probe
 * safety margins, large ones probe timeouts, and a uniform draw would almost never produce the former.
 * Every completion records the offsets it left behind.
 */
import { nemesis, type Rng } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { ClockControl, Nemesis, Target } from '../../../ground/contracts/roles.js';
import { checkNodeTargets, HOLDERS_REFUSED, choose, missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { onNodes, resolveAimed, resolveNodes, type HolderAim, type NodeSpec } from './nodes.js';
import { errorMessage } from '../../../ground/history/errors.js';

export interface ClockOptions {
  /** Smallest offset of a bump or strobe, ms. Default 4. */
  minOffsetMs?: number;
  /** Largest offset of a bump or strobe, ms. Default 262 144 (2^18, about 4.4 min). */
  maxOffsetMs?: number;
  /** How long one strobe keeps flipping, ms. Default 5 000; it holds the nemesis for that long. */
  strobeDurationMs?: number;
  /** Longest strobe period, ms; periods are drawn log-uniformly from 1 ms to this. Default 1 024. */
  maxStrobePeriodMs?: number;
  /**
   * The nodes bumps and strobes draw from (`--node-targets`). Default random-subset, plus primaries
   * when the target names them.
   */
  targets?: readonly NodeSpec[];
}

/** Explicit parameters a `strobe-clock` op may carry; whatever is missing is drawn at random. */
export interface StrobeSpec {
  nodes?: unknown;
  deltaMs?: number;
  periodMs?: number;
  durationMs?: number;
}

/** What `strobe-clock` completes with. */
export interface StrobeResult {
  nodes: string[];
  deltaMs: number;
  periodMs: number;
  durationMs: number;
  /** Offset changes made; the strobe ends early if teardown cancels it. */
  flips: number;
  offsets: Record<string, number>;
  /**
   * Flips as they happened, ms after the strobe began: `high` when the nodes were at offset + δ, else
   * back at `offsets`. At most about STROBE_SAMPLES pairs, so the report's clock chart shows the strobe
   * and not only the offsets it left behind.
   */
  samples: { atMs: number; high: boolean }[];
}

/** Pairs of consecutive flips a strobe records at most (a pair always holds both states: no aliasing). */
export const STROBE_SAMPLES = 100;

/** A hard bound on the flips of one strobe, whatever its duration and period. */
export const MAX_STROBE_FLIPS = 10_000;

interface Settings {
  minOffsetMs: number;
  maxOffsetMs: number;
  strobeDurationMs: number;
  maxStrobePeriodMs: number;
}

function settings(options: ClockOptions): Settings {
  const s: Settings = {
    minOffsetMs: options.minOffsetMs ?? 4,
    maxOffsetMs: options.maxOffsetMs ?? 2 ** 18,
    strobeDurationMs: options.strobeDurationMs ?? 5_000,
    maxStrobePeriodMs: options.maxStrobePeriodMs ?? 1_024,
  };
  for (const [name, v] of Object.entries(s)) {
    if (!Number.isFinite(v) || v <= 0) throw new InputError(`clock option ${name} must be a positive number of ms, got ${v}`);
  }
  if (s.minOffsetMs > s.maxOffsetMs) {
    throw new InputError(`clock option minOffsetMs (${s.minOffsetMs}) must not exceed maxOffsetMs (${s.maxOffsetMs})`);
  }
  return s;
}

/** A whole number of ms in [lo, hi], log-uniform. */
function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.max(1, Math.round(lo * (hi / lo) ** rng.float()));
}

/** The clock package, or why the target's clocks cannot be skewed. */
export function clockPackage(ctx: FaultContext, options: ClockOptions = {}): FamilyBuild {
  const s = settings(options);
  // Refused before the capability check: a clock that appears only once the cluster is up must not
  // let the pre-setup check pass a run that aims at holders it does not have.
  if (options.targets?.includes('holders') && ctx.holders === undefined) throw new InputError(HOLDERS_REFUSED);
  const clock = ctx.target.clock;
  if (clock === undefined) return { unsupported: [missingCapability('clock', ctx.target, 'clock')] };
  // As Jepsen's clock nemesis: random subsets, and the primaries when the target names them (a
  // leader's clock is the one its leases and timeouts hang on).
  const wanted = options.targets ?? [
    'random-subset' as const, ...(ctx.target.primaries ? ['primaries' as const] : []), ...(ctx.holders ? ['holders' as const] : []),
  ];
  const { targets: specs, unsupported } = checkNodeTargets('clock', ctx.target, wanted, ctx.holders);
  if (specs.length === 0) return { unsupported };
  const starts = specs.flatMap((value) => [{ f: 'bump-clock', value }, { f: 'strobe-clock', value }]);
  return {
    unsupported,
    package: {
      name: 'clock',
      nemesis: clockNemesis(ctx, clock, s),
      generator: startStopCycle(ctx.interval, (g) => choose(g.rng, starts), { f: 'reset-clock', value: 'all' }),
      finalGenerator: nemesis({ f: 'reset-clock', value: 'all' }),
      bands: [
        { name: 'clock', start: 'bump-clock', stop: 'reset-clock' },
        { name: 'clock strobe', start: 'strobe-clock', stop: 'strobe-clock' },
      ],
    },
  };
}

function inOrder(target: Target, offsets: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of target.nodes) if (n in offsets) out[n] = offsets[n];
  return out;
}

/** Applies clock faults through `clock`; teardown stops a running strobe and resets every node. */
function clockNemesis(ctx: FaultContext, clock: ClockControl, s: Settings): Nemesis {
  const { target, rng } = ctx;
  let cancelled = false;
  let strobing: Promise<unknown> | undefined;

  const setAll = (verb: string, offsets: Record<string, number>): Promise<void> =>
    onNodes(verb, Object.keys(offsets), (n) => clock.setClockOffset(n, offsets[n]));

  const bump = async (value: unknown): Promise<{ offsets: Record<string, number> } & Partial<HolderAim>> => {
    const current = clock.clockOffsets();
    const deltas: Record<string, number> = {};
    let aimed: HolderAim | undefined;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // An explicit {node: deltaMs} map, for hand-written schedules.
      for (const [n, d] of Object.entries(value)) {
        if (!target.nodes.includes(n) || typeof d !== 'number' || !Number.isFinite(d)) {
          throw new Error(`bump-clock: ${JSON.stringify(value)} is not a map of node to offset in ms`);
        }
        deltas[n] = d;
      }
    } else {
      const { nodes, aim } = await resolveAimed(value ?? 'random-subset', target.nodes, rng, target.primaries, ctx.holders, ctx.sleep);
      aimed = aim;
      for (const n of nodes) {
        deltas[n] = (rng.int(2) === 0 ? -1 : 1) * logUniform(rng, s.minOffsetMs, s.maxOffsetMs);
      }
    }
    const offsets = inOrder(target, Object.fromEntries(Object.entries(deltas).map(([n, d]) => [n, (current[n] ?? 0) + d])));
    await setAll('bump-clock', offsets);
    return { offsets, ...aimed };
  };

  const strobe = async (value: unknown): Promise<StrobeResult & Partial<HolderAim>> => {
    const spec: StrobeSpec = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as StrobeSpec) : { nodes: value };
    const { nodes, aim } = await resolveAimed(spec.nodes ?? 'random-subset', target.nodes, rng, target.primaries, ctx.holders, ctx.sleep);
    const deltaMs = spec.deltaMs ?? logUniform(rng, s.minOffsetMs, s.maxOffsetMs);
    const periodMs = spec.periodMs ?? logUniform(rng, 1, s.maxStrobePeriodMs);
    // A strobe holds the nemesis thread; by default it ends within one fault interval, so it never
    // pushes the rest of the schedule back.
    const durationMs = spec.durationMs ?? Math.min(s.strobeDurationMs, ctx.interval / 1e6);
    for (const [name, v] of [['deltaMs', deltaMs], ['periodMs', periodMs], ['durationMs', durationMs]] as const) {
      if (!Number.isFinite(v) || v <= 0) throw new Error(`strobe-clock: ${name} must be a positive number of ms, got ${v}`);
    }
    const current = clock.clockOffsets();
    const base = inOrder(target, Object.fromEntries(nodes.map((n) => [n, current[n] ?? 0])));
    const high = Object.fromEntries(nodes.map((n) => [n, base[n] + deltaMs]));
    // Bounded twice: by a flip count (so a fake sleep in tests ends too) and by real elapsed time (so
    // slow offset changes cannot stretch a strobe far past its duration).
    const maxFlips = Math.min(MAX_STROBE_FLIPS, Math.max(1, Math.ceil(durationMs / periodMs)));
    const started = performance.now();
    let flips = 0;
    let failure: unknown;
    const samples: StrobeResult['samples'] = [];
    const stride = Math.max(2, Math.ceil(maxFlips / STROBE_SAMPLES));
    try {
      while (!cancelled && flips < maxFlips && performance.now() - started < durationMs) {
        await setAll('strobe-clock', flips % 2 === 0 ? high : base);
        if (flips % stride < 2) samples.push({ atMs: Math.round((performance.now() - started) * 10) / 10, high: flips % 2 === 0 });
        flips++;
        await ctx.sleep(periodMs);
      }
    } catch (err) {
      failure = err;
    }
    // Leave the clocks where the strobe found them, also after a failed flip or a cancel.
    try {
      await setAll('strobe-clock', base);
    } catch (err) {
      failure = failure === undefined ? err : new Error(`${errorMessage(failure)}; restoring the offsets failed too: ${errorMessage(err)}`);
    }
    if (failure !== undefined) throw failure;
    return { nodes, deltaMs, periodMs, durationMs, flips, offsets: base, samples, ...aim };
  };

  const reset = async (value: unknown): Promise<{ offsets: Record<string, number> }> => {
    const nodes = await resolveNodes(value ?? 'all', target.nodes, rng, target.primaries);
    const offsets = Object.fromEntries(nodes.map((n) => [n, 0]));
    await setAll('reset-clock', offsets);
    return { offsets };
  };

  return {
    fs: ['bump-clock', 'strobe-clock', 'reset-clock'],
    async invoke(op) {
      switch (op.f) {
        case 'bump-clock':
          return bump(op.value);
        case 'strobe-clock': {
          const running = strobe(op.value);
          strobing = running.catch(() => undefined);
          return running;
        }
        case 'reset-clock':
          return reset(op.value);
        default:
          throw new Error(`the clock nemesis does not handle ${op.f}`);
      }
    },
    async teardown() {
      cancelled = true;
      await strobing;
      for (const node of target.nodes) {
        try {
          await clock.setClockOffset(node, 0);
        } catch (err) {
          ctx.log(`clock teardown: resetting the clock of ${node} failed: ${errorMessage(err)}`);
        }
      }
      cancelled = false;
      strobing = undefined;
    },
  };
}
