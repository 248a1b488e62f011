/**
 * Sampling and validating LatencyDist, the routed network's per-message delay.
 */
import type { LatencyDist } from '../../ground/contracts/roles.js';
import type { SeededRng } from './rng.js';

/** One delay in ms drawn from `dist`; never negative. */
export function sampleLatencyMs(dist: LatencyDist, rng: SeededRng): number {
  switch (dist.kind) {
    case 'constant':
      return dist.ms;
    case 'uniform':
      return dist.minMs + rng.float() * (dist.maxMs - dist.minMs);
    case 'exponential':
      // 1 - u lies in (0, 1], so the log is finite.
      return -dist.meanMs * Math.log(1 - rng.float());
  }
}

/** Throws a clear error when `dist` is not a usable latency distribution; `what` names the setting. */
export function validateLatency(dist: LatencyDist, what: string): void {
  const bad = (v: unknown, name: string): never => {
    throw new Error(`${what}: ${name} must be a finite number of ms >= 0, got ${JSON.stringify(v)}`);
  };
  const ms = (v: unknown, name: string): void => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(v, name);
  };
  if (typeof dist !== 'object' || dist === null) {
    throw new Error(`${what} must be {kind: 'constant', ms} | {kind: 'uniform', minMs, maxMs} | {kind: 'exponential', meanMs}, got ${JSON.stringify(dist)}`);
  }
  switch (dist.kind) {
    case 'constant':
      return ms(dist.ms, 'ms');
    case 'uniform':
      ms(dist.minMs, 'minMs');
      ms(dist.maxMs, 'maxMs');
      if (dist.minMs > dist.maxMs) throw new Error(`${what}: minMs (${dist.minMs}) must not exceed maxMs (${dist.maxMs})`);
      return;
    case 'exponential':
      return ms(dist.meanMs, 'meanMs');
    default:
      throw new Error(`${what}: unknown latency kind ${JSON.stringify((dist as { kind?: unknown }).kind)}; use constant, uniform or exponential`);
  }
}

/** A short human description, for logs: `uniform 5–20 ms`. */
export function describeLatency(dist: LatencyDist): string {
  switch (dist.kind) {
    case 'constant':
      return `constant ${dist.ms} ms`;
    case 'uniform':
      return `uniform ${dist.minMs}–${dist.maxMs} ms`;
    case 'exponential':
      return `exponential, mean ${dist.meanMs} ms`;
  }
}
