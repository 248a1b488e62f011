/**
 * The Raft's tuning is declared once (targets/raft/tuning.ts): the target's typed flags and the node's
 * own parser give the same defaults, refuse the same values, and the cross-check (heartbeat below the
 * election timeout) holds where the run's settings are read.
 */
import { describe, expect, it } from 'vitest';
import { flagValues } from '../../../harness/ground/contracts/flags.js';
import { raftTarget } from '../../../targets/raft/entry.js';
import { parseArgs } from '../../../targets/raft/args.js';
import { TUNING_DEFAULTS } from '../../../targets/raft/tuning.js';

const ctx = { target: 'raft', workload: 'lin-kv' };
const values = (given: Record<string, string>) => flagValues(raftTarget.flags, new Map(Object.entries(given)), ctx);

describe('the Raft tuning flags', () => {
  it('are typed, and their defaults are the node parser\'s defaults', () => {
    const v = values({});
    const node = parseArgs(['--data-dir', '.']);
    if (typeof node === 'string') throw new Error(node);
    expect(v.get('election-ms')).toEqual([node.electionMinMs, node.electionMaxMs]);
    expect(v.get('heartbeat-ms')).toBe(node.heartbeatMs);
    expect(v.get('snapshot-every')).toBe(node.snapshotEvery);
    expect(v.get('max-batch')).toBe(node.maxBatch);
    expect(v.get('noop')).toBe(node.noop ? 'on' : 'off');
    expect(node).toMatchObject(TUNING_DEFAULTS);
  });

  it('parse given values to numbers', () => {
    const v = values({ 'election-ms': '50-100', 'heartbeat-ms': '20', 'snapshot-every': '0', 'max-batch': '1', noop: 'off' });
    expect([v.get('election-ms'), v.get('heartbeat-ms'), v.get('snapshot-every'), v.get('max-batch'), v.get('noop')]).toEqual([[50, 100], 20, 0, 1, 'off']);
  });

  it.each([
    [{ 'heartbeat-ms': '0' }, /--heartbeat-ms 0 must be a whole number ≥ 1/],
    [{ 'max-batch': '0' }, /--max-batch 0/],
    [{ 'snapshot-every': '-1' }, /--snapshot-every -1/],
    [{ 'election-ms': '300-150' }, /--election-ms needs MIN-MAX/],
    [{ noop: 'maybe' }, /--noop must be one of on, off/],
    // The cross-check against the election timeout, its default included.
    [{ 'heartbeat-ms': '150' }, /--heartbeat-ms \(150\) must be below the minimum election timeout \(150 ms\)/],
    [{ 'heartbeat-ms': '60', 'election-ms': '50-100' }, /below the minimum election timeout \(50 ms\)/],
  ])('refuse %o with one sentence', (given, message) => {
    expect(() => values(given as Record<string, string>)).toThrow(message);
  });
});
