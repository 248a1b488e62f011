/**
 * list-append through the http-kv convention's `POST /txn`, as a user runs their own system: the
 * bundled Raft's `--listen` nodes in namespaces, the built-in http-kv client, real partitions and
 * kills. The correct Raft (each transaction one log entry) is strict-serializable with transactions
 * committed; with `--bug txn-local-reads` (reads answered by the receiving node, writes through the
 * log) Elle finds the isolation anomalies, so the valid above is not vacuous.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { describeRun, RAFT_START, runCustom } from './helpers.js';

const skip = missing(['iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

const BASE = ['--workload', 'list-append', '--nodes', '3', '--quiet', '2s', '--concurrency', '6', '--client', 'http-kv', '--health', '/health'];

describe.skipIf(skip !== undefined)(`list-append on the Raft over HTTP (POST /txn)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the correct Raft is strict-serializable under partitions and kills, transactions committed', async () => {
    const r = await runCustom('raft-txn-valid', [...BASE, '--start', RAFT_START(), '--nemesis', 'partition,kill',
      '--nemesis-interval', '3s', '--time-limit', '15s', '--seed', '3']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.results?.valid).toBe(true);
    const la = r.results?.checkers['list-append'] as Record<string, any>;
    expect(la.consistencyModels).toEqual(['strict-serializable']);
    expect(la.anomalyTypes).toEqual({});
    expect(la.valid).toBe(true);
    // Real work behind the verdict: committed transactions that read and appended.
    expect(la.txns.ok).toBeGreaterThan(50);
    expect(la.microOps.appends).toBeGreaterThan(50);
    expect(la.microOps.reads).toBeGreaterThan(50);
    const faults = r.results?.faults as Record<string, { tookEffect: number }>;
    for (const f of ['partition', 'kill']) expect(faults[f]?.tookEffect, f).toBeGreaterThan(0);
    expect(r.left).toEqual([]);
  }, 150_000);

  it('--bug txn-local-reads is caught: Elle finds isolation anomalies', async () => {
    const r = await runCustom('raft-txn-bug', [...BASE, '--start', RAFT_START('--bug txn-local-reads'), '--nemesis', 'partition',
      '--nemesis-interval', '2s', '--time-limit', '12s', '--seed', '5']);
    expect(r.code, describeRun(r)).toBe(1);
    const la = r.results?.checkers['list-append'] as Record<string, any>;
    expect(la.valid).toBe(false);
    expect(Object.keys(la.anomalyTypes).length).toBeGreaterThan(0);
    expect(r.left).toEqual([]);
  }, 150_000);
});
