/**
 * One election run on a real store through the CLI, every fault aimed at the leader's node: what the
 * store integration tests of the election workload share (etcd/, zookeeper/, consul/election.test.ts).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { expect } from 'vitest';
import type { ElectionResult } from '../../../checkers/election.js';
import { startCli } from '../run/cli-helpers.js';

export interface ElectionRun { valid: unknown; election: ElectionResult; dir: string; faults: Record<string, { tookEffect: number; holderHits?: number }> }

/** Runs `--workload election` on `target` (3 nodes, 20 s, partition, kill and pause aimed at the leader's node). */
export async function electionRun(store: string, target: string, seed: number): Promise<ElectionRun> {
  const name = `${target}-election-${seed}`;
  const args = ['run', '--target', target, '--workload', 'election', '--nodes', '3', '--concurrency', '6', '--time-limit', '20s', '--quiet', '5s',
    '--nemesis', 'partition,kill,pause', '--node-targets', 'holders', '--partition-shapes', 'holders', '--nemesis-interval', '3s',
    '--seed', String(seed), '--store', store, '--name', name, '--reporter', 'json'];
  const { code, stderr } = await startCli(args, store).done;
  expect([0, 1], stderr).toContain(code);
  const dir = fs.realpathSync(nodePath.join(store, name, 'latest'));
  const results = JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, unknown>; faults: ElectionRun['faults'] };
  return { valid: results.valid, election: results.checkers.election as ElectionResult, dir, faults: results.faults };
}

/** What every store's election run must show: valid, judged on real leaders, failover inside the bound. */
export function expectValidElection(r: ElectionRun): void {
  const e = r.election;
  const show = JSON.stringify({ classes: e.classes, two: e.twoLeadersOneEpoch, dec: e.decreasingEpoch, obs: e.observerOutOfOrder, nf: e.noFailover, failover: e.failover });
  expect(e.valid, show).toBe(true);
  expect(r.valid, show).toBe(true);
  // Judged on several leaders, each its own epoch, and seen by the observers (a loaded machine, load
  // ~30, gave 3 epochs and 76 sightings in 20 s; the bench's 30-s runs gave 5-42 epochs).
  expect(e.epochs).toBeGreaterThanOrEqual(2);
  expect(e.leaders).toBe(e.epochs);
  expect(e.sightings).toBeGreaterThan(30);
  // The faults hit the leader's node: the failover path was exercised and measured inside its bound.
  const hits = Object.values(r.faults).reduce((n, f) => n + (f.holderHits ?? 0), 0);
  expect(hits, JSON.stringify(r.faults)).toBeGreaterThanOrEqual(1);
  for (const t of e.failover.timesMs) expect(t).toBeGreaterThan(0);
  console.log(`${nodePath.basename(nodePath.dirname(nodePath.dirname(r.dir)))}: epochs ${e.epochs}, sightings ${e.sightings}, leader cut off ${e.failover.cutOff} (judged ${e.failover.judged}), failover ${e.failover.timesMs.join(', ') || '-'} ms, bound ${e.failover.ttlMs} + ${e.failover.boundMs} ms`);
}
