/**
 * The node's command line: defaults, bug switches, and one sentence for every bad argument.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../targets/raft/args.js';

describe('parseArgs', () => {
  it('takes the data dir, several bugs and the timing flags', () => {
    const a = parseArgs(['--data-dir', '/d', '--bug', 'stale-read', '--bug', 'no-fsync', '--election-ms', '200-400', '--snapshot-every', '20']);
    expect(a).toMatchObject({ dataDir: '/d', electionMinMs: 200, electionMaxMs: 400, heartbeatMs: 50, snapshotEvery: 20 });
    expect([...(a as { bugs: Set<string> }).bugs]).toEqual(['stale-read', 'no-fsync']);
    expect(a).toMatchObject({ maxBatch: 64 });
    expect(parseArgs(['--data-dir', '/d', '--max-batch', '1'])).toMatchObject({ maxBatch: 1 });
    expect(a).toMatchObject({ noop: true });
    expect(parseArgs(['--data-dir', '/d', '--noop', 'off'])).toMatchObject({ noop: false });
  });
  it.each([
    [[], /--data-dir is required/],
    [['--data-dir', '/d', '--bug', 'slow'], /unknown bug switch "slow"; the switches are stale-read, no-fsync, early-ack, lease-read, forget-vote, old-term-commit, watch-snapshot-gap, watch-redeliver, sticky-leader, txn-local-reads, two-changes/],
    [['--data-dir', '/d', '--verbose'], /unknown argument "--verbose"; usage:/],
    [['--data-dir', '/d', '--election-ms', '300-100'], /--election-ms needs MIN-MAX/],
    [['--data-dir', '/d', '--heartbeat-ms', '200'], /must be below the minimum election timeout/],
    [['--data-dir', '/d', '--max-batch', '0'], /--max-batch needs an integer ≥ 1, got "0"/],
    [['--data-dir', '/d', '--noop', 'no'], /--noop needs on or off, got "no"/],
  ])('%j is refused with a sentence', (argv, msg) => {
    expect(parseArgs(argv)).toMatch(msg);
  });
});
