/**
 * The same seed and config give the same schedule: the same client ops in invocation order and the
 * same faults (shapes, chosen nodes, clock offsets), in two real runs whose timing differs.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, historyOf, startCli, tempStore } from './cli-helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

async function schedule(seed: number): Promise<{ clientOps: string[]; faults: string[] }> {
  const store = tempStore(`seed-${seed}`);
  stores.push(store);
  const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'lin-kv-proxy.mjs'), '--workload', 'lin-kv', '--nodes', '3',
    '--time-limit', '4s', '--quiet', '0s', '--nemesis', 'partition,kill,clock', '--nemesis-interval', '500ms',
    '--seed', String(seed), '--store', store], store).done;
  expect(r.code, r.stderr).toBe(0);
  const h = historyOf(nodePath.join(store, 'latest'));
  const clientOps = h.filter((o) => o.type === 'invoke' && o.process !== 'nemesis').map((o) => JSON.stringify([o.f, o.key, o.value]));
  const faults = h.filter((o) => o.process === 'nemesis' && o.type === 'info').map((o) => {
    // How many flips a strobe managed, and when (its samples), depends on timing; what it was asked to do does not.
    // So does the fault record (effect.ts): the roles the nodes had then and when the fault was in force.
    const v = o.value as Record<string, unknown> | null;
    const { flips: _flips, samples: _samples, effect: _effect, ...rest } = v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
    return JSON.stringify([o.f, rest]);
  });
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
    const m = Math.min(a.faults.length, b.faults.length);
    expect(m).toBeGreaterThanOrEqual(6);
    expect(b.faults.slice(0, m)).toEqual(a.faults.slice(0, m));
    expect(c.clientOps.slice(0, n)).not.toEqual(a.clientOps.slice(0, n));
    expect(c.faults.slice(0, m)).not.toEqual(a.faults.slice(0, m));
  }, 90_000);
});
