/**
 * Fault accounting over whole runs, in simulated time: results.json's `faults` (scheduled, took
 * effect, nodes hit by role, seconds in force) against a recount from the history and against what
 * the in-memory cluster really had in force; a fault the target cannot take is reported unsupported
 * and leaves the run unknown; and the bug switches are found. The real-node checks:
 * test/integration/run/fault-coverage.test.ts (and each store's own fault tests).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import type { MemoryKv } from '../../../targets/memory/kv.js';
import { simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
const store = (): string => { const s = tempStore(); stores.push(s); return s; };
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

interface Family { scheduled: number; tookEffect: number; nodesHitByRole: Record<string, string[]>; secondsInForce: number }

/** Nodes a fault op's completion names (its fault record's nodes, else a list value). */
const nodesOf = (op: Op): string[] => {
  const v = op.value as { effect?: { nodes?: { node: string }[] }; result?: unknown } | unknown[] | null;
  if (v && !Array.isArray(v) && typeof v === 'object' && v.effect?.nodes) return v.effect.nodes.map((n) => n.node);
  return Array.isArray(v) ? v.map(String) : [];
};

describe('fault accounting (simulated time)', () => {
  it('kill and pause: the summary matches a recount of the history and the cluster\'s own record, second by second', async () => {
    let kv: MemoryKv | undefined;
    const samples: { t: number; down: number; paused: number }[] = [];
    const r = await simRun(['--time-limit', '40s', '--nodes', '5', '--nemesis', 'kill,pause', '--nemesis-interval', '3s', '--seed', '5'], store(), {
      onPlan: (p) => { kv = p.target as MemoryKv; },
      // Sample the cluster every 10 ms of run time: how long a node was really down or paused.
      onClock: (c) => { c.setInterval(() => { const f = kv?.faultsInForce(); if (f) samples.push({ t: Number(c.now()), down: f.down.length, paused: f.paused.length }); }, 10, { background: true }); },
    });
    const faults = r.results.faults as Record<string, Family>;
    const nem = r.history.filter((o) => o.process === 'nemesis');
    for (const [family, start, stop] of [['kill', 'kill', 'start'], ['pause', 'pause', 'resume']] as const) {
      const f = faults[family];
      expect(f.scheduled).toBe(nem.filter((o) => o.f === start && o.type === 'invoke').length);
      expect(f.scheduled).toBeGreaterThanOrEqual(5);
      // A start took effect when its raw result names a node (recounted without the fault record).
      const raw = nem.filter((o) => o.f === start && o.type !== 'invoke').map((o) => (o.value as { result?: unknown[] }).result ?? []);
      expect(f.tookEffect).toBe(raw.filter((x) => x.length > 0).length);
      const hit = new Set(nem.filter((o) => o.f === start && o.type !== 'invoke').flatMap(nodesOf));
      expect(new Set(Object.values(f.nodesHitByRole).flat())).toEqual(hit);
      expect(Object.keys(f.nodesHitByRole).every((role) => ['leader', 'follower'].includes(role))).toBe(true);
      // Seconds in force, against the cluster's own record sampled every 10 ms.
      const key = family === 'kill' ? 'down' : 'paused';
      const sampled = samples.filter((s) => s[key] > 0).length * 0.01;
      expect(Math.abs(f.secondsInForce - sampled)).toBeLessThan(0.1 * f.scheduled + 0.05);
      expect(nem.some((o) => o.f === stop)).toBe(true);
    }
    // This seed pauses every node and then kills the primaries (at 22.7 s): there is no leader, so
    // that kill reached nothing and is not counted as taking effect.
    const noLeader = nem.filter((o, i) => o.f === 'kill' && o.type !== 'invoke' && ((o.value as { result?: unknown[] }).result ?? []).length === 0
      && nem.slice(0, i).reverse().find((x) => x.f === 'kill' && x.type === 'invoke')?.value === 'primaries');
    expect(noLeader.length).toBe(1);
    expect(samples.find((x) => x.t >= noLeader[0].time)?.paused).toBe(5);
    expect(faults.kill.tookEffect).toBe(faults.kill.scheduled - 1);
    expect(faults.pause.tookEffect).toBe(faults.pause.scheduled);
    expect(r.results.checkers['fault-coverage']).toBeUndefined();
    expect(r.results.valid).toBe(true);
  });

  it('a partition names the leader it cut off when it cut one; the roles come from the cluster at that instant', async () => {
    const r = await simRun(['--time-limit', '30s', '--nodes', '5', '--nemesis', 'partition', '--nemesis-interval', '2s', '--seed', '8'], store());
    const f = (r.results.faults as Record<string, Family>).partition;
    expect(f.tookEffect).toBe(f.scheduled);
    expect(f.nodesHitByRole.leader).toContain('n1');
    expect(f.secondsInForce).toBeGreaterThan(0.4 * 30 * 0.5);
    expect(f.secondsInForce).toBeLessThan(r.results.durationS);
  });

  it('a fault the target cannot take (clock: nothing to skew in memory) is unsupported, and the run is unknown, not valid', async () => {
    const r = await simRun(['--time-limit', '10s', '--nemesis', 'clock', '--nemesis-interval', '2s', '--seed', '1'], store());
    expect(r.results.unsupportedFaults.map((u) => u.fault)).toContain('clock');
    expect(r.results.checkers['fault-coverage']?.valid).toBe('unknown');
    expect(r.results.valid).toBe('unknown');
    expect(r.results.checkers.linearizable.valid).toBe(true);
  });

  it('no bug switch, every fault: linearizable; stale-read and lost-write: found, each on the first seed', async () => {
    const clean = await simRun(['--time-limit', '30s', '--nemesis', 'partition,kill,pause', '--nemesis-interval', '2s', '--seed', '1'], store());
    expect(clean.results.valid).toBe(true);
    for (const bug of ['stale-read', 'lost-write']) {
      const r = await simRun(['--time-limit', '10s', '--bug', bug, '--seed', '1'], store());
      expect(r.results.checkers.linearizable.valid, bug).toBe(false);
      expect(r.results.valid, bug).toBe(false);
    }
    // lost-write under kills also loses acknowledged writes outright (the model counts them).
    const lost = await simRun(['--time-limit', '20s', '--bug', 'lost-write', '--nemesis', 'kill', '--nemesis-interval', '1s', '--seed', '1'], store());
    expect((lost.results.memory as { lostWrites: number }).lostWrites).toBeGreaterThan(0);
  });
});
