/**
 * The election workload's generator in simulated time: the first min(nodes, concurrency / 2) threads
 * only observe, the others campaign, lead three times and resign, in that order; and the bundled
 * Raft's election is a workload of `--target raft` alone.
 */
import { describe, expect, it } from 'vitest';
import { limit, simulate } from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { election, LEAD_ACTS, observerCount } from '../../../harness/middle/workloads/election.js';
import { getWorkload, WORKLOADS } from '../../../harness/middle/workloads/index.js';

describe('election workload', () => {
  it('splits threads into observers and candidates', () => {
    expect(observerCount(10, 5)).toBe(5);
    expect(observerCount(6, 3)).toBe(3);
    expect(observerCount(4, 5)).toBe(2);
    expect(observerCount(1, 5)).toBe(0);
  });

  it('observers observe, candidates go campaign → lead ×3 → resign', () => {
    const nodes = ['n1', 'n2', 'n3'];
    const h = simulate(limit(400, election.generator({ rate: 100, concurrency: 6, nodes })), { concurrency: 6, seed: 1 });
    const byProcess = new Map<Op['process'], string[]>();
    for (const o of h) if (o.type === 'invoke') byProcess.set(o.process, [...(byProcess.get(o.process) ?? []), o.f]);
    let observers = 0, candidates = 0;
    for (const fs of byProcess.values()) {
      if (fs.every((f) => f === 'observe')) { observers++; continue; }
      candidates++;
      const cycle = ['campaign', ...Array<string>(LEAD_ACTS).fill('lead'), 'resign'];
      fs.forEach((f, i) => expect(f).toBe(cycle[i % cycle.length]));
      expect(fs.length).toBeGreaterThanOrEqual(cycle.length);
    }
    expect(observers).toBe(3);
    expect(candidates).toBe(3);
  });

  it('the Raft\'s election (raft_status) is found by name but is no workload of --target maelstrom', () => {
    expect(getWorkload('election').name).toBe('election');
    expect(Object.keys(WORKLOADS)).not.toContain('election');
  });
});
