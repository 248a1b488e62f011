/**
 * The same seed and config give the same schedule: the same client ops in invocation order and, per
 * fault family, the same faults in the same order (shapes, chosen nodes, clock offsets), in two real
 * runs whose timing differs. How the families' faults interleave follows when each family's ops
 * completed (each keeps its own rhythm), so it is not compared: on a loaded machine it differs.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, historyOf, startCli, tempStore, timeLimitEnd } from './cli-helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

/** The family of each fault op the run below asks for. */
const FAMILY_NAMES = { partition: true, kill: true, clock: true };
const FAMILY: Record<string, keyof typeof FAMILY_NAMES> = {
  'start-partition': 'partition', 'stop-partition': 'partition', kill: 'kill', start: 'kill',
  'bump-clock': 'clock', 'strobe-clock': 'clock', 'reset-clock': 'clock',
};

async function schedule(seed: number): Promise<{ clientOps: string[]; faults: Record<string, string[]> }> {
  const store = tempStore(`seed-${seed}`);
  stores.push(store);
  const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'lin-kv-proxy.mjs'), '--workload', 'lin-kv', '--nodes', '3',
    '--time-limit', '4s', '--quiet', '0s', '--nemesis', 'partition,kill,clock', '--nemesis-interval', '500ms',
    '--seed', String(seed), '--store', store], store).done;
  expect(r.code, r.stderr).toBe(0);
  const h = historyOf(nodePath.join(store, 'latest'));
  const clientOps = h.filter((o) => o.type === 'invoke' && o.process !== 'nemesis').map((o) => JSON.stringify([o.f, o.key, o.value]));
  const faults: Record<string, string[]> = { partition: [], kill: [], clock: [] };
  // The final heal comes after the time limit, wherever the last round stood: not part of the schedule.
  // The limit counts from the clients' start, which harness.log states.
  const end = timeLimitEnd(nodePath.join(store, 'latest'), 4);
  expect(end).toBeDefined();
  const nem = h.filter((x) => x.process === 'nemesis');
  const scheduled = nem.filter((x, i) => x.type === 'info' && i > 0 && nem[i - 1].type === 'invoke' && (nem[i - 1].time as number) < end!);
  for (const o of scheduled) {
    expect(FAMILY[o.f], `a fault op of this run: ${o.f}`).toBeDefined();
    // How many flips a strobe managed, and when (its samples), depends on timing; what it was asked to do does not.
    // So does the fault record (effect.ts): the roles the nodes had then and when the fault was in force.
    const v = o.value as Record<string, unknown> | null;
    const { flips: _flips, samples: _samples, effect: _effect, ...rest } = v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
    faults[FAMILY[o.f]].push(JSON.stringify([o.f, rest]));
  }
  return { clientOps, faults };
}

describe('a run\'s schedule follows from its seed', () => {
  it('two runs with one seed invoke the same client ops and faults; another seed differs', async () => {
    const a = await schedule(11);
    const b = await schedule(11);
    const c = await schedule(12);
    // The runs may get through a few more or fewer ops in the time limit; the shared prefix is equal.
    const n = Math.min(a.clientOps.length, b.clientOps.length) - 10;
    expect(n).toBeGreaterThan(200);
    expect(b.clientOps.slice(0, n)).toEqual(a.clientOps.slice(0, n));
    const same = (x: Record<string, string[]>, y: Record<string, string[]>): boolean =>
      Object.keys(FAMILY_NAMES).every((f) => {
        const m = Math.min(x[f].length, y[f].length);
        return JSON.stringify(x[f].slice(0, m)) === JSON.stringify(y[f].slice(0, m));
      });
    for (const f of Object.keys(FAMILY_NAMES)) {
      const m = Math.min(a.faults[f].length, b.faults[f].length);
      expect(m, `${f} faults in both runs`).toBeGreaterThanOrEqual(2);
      expect(b.faults[f].slice(0, m), `the ${f} family's faults`).toEqual(a.faults[f].slice(0, m));
    }
    expect(same(a.faults, b.faults)).toBe(true);
    expect(c.clientOps.slice(0, n)).not.toEqual(a.clientOps.slice(0, n));
    expect(same(c.faults, a.faults)).toBe(false);
  }, 90_000);
});
