/**
 * The bundled Raft on a real network through `--target custom`, as a user runs their own system:
 * `faultline-raft --listen` nodes in namespaces, the http-kv client, real partitions, kills and
 * pauses. The correct Raft stays linearizable; the stale-read switch is caught when the leader is
 * cut off (its clients keep reading its old state while the majority writes on).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { describeRun, RAFT_START, runCustom } from './helpers.js';

const skip = missing(['iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

const BASE = ['--workload', 'register', '--nodes', '3', '--quiet', '1s', '--concurrency', '6', '--client', 'http-kv'];

describe.skipIf(skip !== undefined)(`the Raft over HTTP as a custom target${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the correct Raft is linearizable under partitions, kills and pauses (compare-and-set by If-Match)', async () => {
    const r = await runCustom('raft-valid', [...BASE, '--start', RAFT_START(), '--health', '/health', '--raft-status', '/status', '--cas', 'if-match', '--nemesis', 'partition,kill,pause',
      '--nemesis-interval', '2s', '--time-limit', '14s', '--seed', '3']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.results?.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${r.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause']) expect(hist).toContain(`"f":"${f}"`);
    // Ops got through, and some of them after a fault (the cluster recovers, not just survives).
    expect(r.results?.ops).toBeGreaterThan(400);
    // --raft-status: every node's /status was polled and the Raft safety checkers joined the verdict.
    const checkers = r.results?.checkers as Record<string, { valid: unknown }>;
    for (const c of ['election-safety', 'commit-safety', 'vote-safety']) expect(checkers[c]?.valid, c).toBe(true);
    const polls = (r.results as unknown as { raftStatusPolls: { answered: Record<string, number> } }).raftStatusPolls;
    expect(Object.keys(polls.answered).sort()).toEqual(['n1', 'n2', 'n3']);
    for (const n of Object.values(polls.answered)) expect(n).toBeGreaterThan(10);
    expect(r.left).toEqual([]);
  }, 150_000);

  it('--bug stale-read is caught: reads of an isolated leader are not linearizable', async () => {
    const r = await runCustom('raft-stale', [...BASE, '--start', RAFT_START('--bug stale-read'), '--health', '/health', '--nemesis', 'partition',
      '--partition-shapes', 'primaries', '--nemesis-interval', '2s', '--time-limit', '12s', '--values', '100', '--seed', '5']);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.results?.checkers.linearizable.valid).toBe(false);
    expect(r.stdout).toMatch(/linearizable: INVALID — .*read\[\d+\]\(\) → \d+ .*cannot be linearized/);
    expect(r.left).toEqual([]);
  }, 150_000);
});
