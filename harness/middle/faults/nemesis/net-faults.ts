/**
 * Degraded networks short of a partition: `start-loss {p}` drops each message with probability p,
 * `start-latency {dist}` adds delay drawn from a distribution; `stop-loss` / `stop-latency` restore
 * the network. Loss and delay reorder and duplicate retries in ways a clean partition never does, so
 * they find different bugs (and they are what a real WAN does all day).
 */
import { nemesis } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { LatencyDist, Nemesis, NetControl } from '../../../ground/contracts/roles.js';
import { missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { errorMessage } from '../../../ground/history/errors.js';

export interface LossOptions {
  /** Probability of dropping each message while loss is on. Default 0.2. */
  probability?: number;
}

export interface LatencyOptions {
  /** Extra latency while latency is on. Default uniform 50–200 ms. */
  dist?: LatencyDist;
}

export const DEFAULT_LOSS_PROBABILITY = 0.2;
export const DEFAULT_LATENCY: LatencyDist = { kind: 'uniform', minMs: 50, maxMs: 200 };

/** Why `p` is not a loss probability, or undefined if it is one. */
function lossProblem(p: unknown): string | undefined {
  return typeof p === 'number' && p > 0 && p <= 1 ? undefined : `must be a number in (0, 1], got ${JSON.stringify(p)}`;
}

/** Why `d` is not a latency distribution, or undefined if it is one. */
export function latencyProblem(d: unknown): string | undefined {
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  const dist = d as Partial<Record<string, unknown>> | null;
  if (typeof d === 'object' && dist !== null) {
    if (dist.kind === 'constant' && ok(dist.ms)) return undefined;
    if (dist.kind === 'uniform' && ok(dist.minMs) && ok(dist.maxMs) && dist.minMs <= dist.maxMs) return undefined;
    if (dist.kind === 'exponential' && ok(dist.meanMs) && dist.meanMs > 0) return undefined;
  }
  return (
    `must be {kind: 'constant', ms} | {kind: 'uniform', minMs, maxMs} | {kind: 'exponential', meanMs} ` +
    `with non-negative ms, got ${JSON.stringify(d)}`
  );
}

/** Teardown helper: heal, log a failure, never throw. */
async function heal(ctx: FaultContext, what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    ctx.log(`${what} teardown failed: ${errorMessage(err)}`);
  }
}

/** The loss package, or why the target's network cannot drop messages. */
export function lossPackage(ctx: FaultContext, options: LossOptions = {}): FamilyBuild {
  const p = options.probability ?? DEFAULT_LOSS_PROBABILITY;
  const problem = lossProblem(p);
  if (problem !== undefined) throw new InputError(`the loss probability ${problem}`);
  const net = ctx.net;
  if (net === undefined) return { unsupported: [missingCapability('loss', ctx.target, 'net')] };
  return {
    unsupported: [],
    package: {
      name: 'loss',
      nemesis: lossNemesis(ctx, net),
      generator: startStopCycle(ctx.interval, { f: 'start-loss', value: { p } }, { f: 'stop-loss' }),
      finalGenerator: nemesis({ f: 'stop-loss' }),
      bands: [{ name: 'loss', start: 'start-loss', stop: 'stop-loss' }],
    },
  };
}

function lossNemesis(ctx: FaultContext, net: NetControl): Nemesis {
  return {
    fs: ['start-loss', 'stop-loss'],
    async invoke(op) {
      if (op.f === 'start-loss') {
        const p = (op.value as { p?: unknown } | null)?.p;
        const problem = lossProblem(p);
        if (problem !== undefined) throw new Error(`start-loss: p ${problem}`);
        await net.setLoss(p as number);
        return { p };
      }
      if (op.f === 'stop-loss') {
        await net.setLoss(0);
        return { p: 0 };
      }
      throw new Error(`the loss nemesis does not handle ${op.f}`);
    },
    teardown: () => heal(ctx, 'loss', () => net.setLoss(0)),
  };
}

/** The latency package, or why the target's network cannot delay messages. */
export function latencyPackage(ctx: FaultContext, options: LatencyOptions = {}): FamilyBuild {
  const dist = options.dist ?? DEFAULT_LATENCY;
  const problem = latencyProblem(dist);
  if (problem !== undefined) throw new InputError(`the latency distribution ${problem}`);
  const net = ctx.net;
  if (net === undefined) return { unsupported: [missingCapability('latency', ctx.target, 'net')] };
  return {
    unsupported: [],
    package: {
      name: 'latency',
      nemesis: latencyNemesis(ctx, net),
      generator: startStopCycle(ctx.interval, { f: 'start-latency', value: { dist } }, { f: 'stop-latency' }),
      finalGenerator: nemesis({ f: 'stop-latency' }),
      bands: [{ name: 'latency', start: 'start-latency', stop: 'stop-latency' }],
    },
  };
}

function latencyNemesis(ctx: FaultContext, net: NetControl): Nemesis {
  return {
    fs: ['start-latency', 'stop-latency'],
    async invoke(op) {
      if (op.f === 'start-latency') {
        const dist = (op.value as { dist?: unknown } | null)?.dist;
        const problem = latencyProblem(dist);
        if (problem !== undefined) throw new Error(`start-latency: dist ${problem}`);
        await net.setExtraLatency(dist as LatencyDist);
        return { dist };
      }
      if (op.f === 'stop-latency') {
        await net.setExtraLatency(null);
        return { dist: null };
      }
      throw new Error(`the latency nemesis does not handle ${op.f}`);
    },
    teardown: () => heal(ctx, 'latency', () => net.setExtraLatency(null)),
  };
}
