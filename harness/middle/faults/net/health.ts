/**
 * Cluster health around each fault (as etcd's robustness tests do): the nemesis is wrapped so every
 * fault op first asks the target how each node is, applies the fault, asks again, and records both in
 * the op's completion value. A reader of the history then sees, e.g., that the leader was isolated
 * while it still believed it led, or that a node was already down before it was "killed".
 */
import type { Nemesis } from '../../../ground/contracts/roles.js';

/** Per node: `leader`, `follower`, `down: <why>`, or whatever the target says. */
export type HealthRecord = Record<string, string>;
/** Asks every node how it is; must answer within a second or two and never throw. */
export type HealthProbe = () => Promise<HealthRecord>;

/**
 * `nemesis` with health recorded before and after each op, as `{...value, health: {before, after,
 * doneMs}}`: `doneMs` is how long after the op began the wrapped op returned (its fault in force), so
 * the time the first probe took (seconds when a node is starved) is not mistaken for fault time.
 */
export function withHealth(nemesis: Nemesis, probe: HealthProbe): Nemesis & { recordsHealth: true } {
  const safe = async (): Promise<HealthRecord | { error: string }> => {
    try {
      return await probe();
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  return {
    // Tells the fault record (harness/middle/faults/nemesis/effect.ts) that each op's value names the roles before it.
    recordsHealth: true,
    fs: nemesis.fs,
    setup: nemesis.setup?.bind(nemesis),
    teardown: () => nemesis.teardown(),
    async invoke(op) {
      const began = performance.now();
      const before = await safe();
      const value = await nemesis.invoke(op);
      const doneMs = Math.round(performance.now() - began);
      const after = await safe();
      const health = { before, after, doneMs };
      // Plain objects keep their fields; anything else (a node list) is kept under `result`.
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ...(value as object), health };
      return { result: value, health };
    },
  };
}
