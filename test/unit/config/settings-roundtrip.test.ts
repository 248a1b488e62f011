/**
 * The option registry's front ends agree: for random valid settings, settings → argv → settings and
 * settings → config → settings are identities, and the test.json a request records replays to the
 * same request. Flag typos get "did you mean", and the read mode is one flag across stores.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mergeSettings, requestOf, settingsFromArgv, settingsFromConfig, settingsFromTestJson, settingsToArgv, settingsToConfig, type Settings,
} from '../../../harness/top/config/settings.js';
import { checkConfig } from '../../../harness/top/config/schema.js';
import { CHURN_CUTS, FAULT_NAMES, NODE_SPECS, PARTITION_SHAPES } from '../../../harness/middle/faults/nemesis/index.js';
import { TARGETS } from '../../../harness/top/run/targets.js';
import type { CommonValues } from '../../../harness/top/config/run-options.js';

const quiet = (): void => {};
const sub = <T>(all: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...all], { minLength: 1 });
/** Seconds as the registry holds them: whole milliseconds. */
const secs = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max }).map((ms) => ms / 1000);

/** Valid settings of a store target (etcd, ZooKeeper, Consul): common values and the typed target flags as text. */
const settings: fc.Arbitrary<Settings> = fc.record({
  target: fc.constantFrom('etcd', 'zookeeper', 'consul'),
  nodes: fc.integer({ min: 3, max: 64 }),
  faults: fc.constantFrom([], ['partition'], ['kill', 'pause'], ['leader-churn', 'clock'].filter((f) => (FAULT_NAMES as readonly string[]).includes(f))),
  faultInterval: secs(1, 600_000),
  partitionShapes: fc.option(sub(PARTITION_SHAPES), { nil: undefined }),
  nodeTargets: fc.option(sub(NODE_SPECS), { nil: undefined }),
  clockOffsets: fc.option(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 60000 })).map(([a, b]): [number, number] => [a, a + b]), { nil: undefined }),
  churnLongWait: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  churnCut: fc.option(fc.constantFrom(...CHURN_CUTS), { nil: undefined }),
  timeLimit: secs(1000, 3_600_000),
  rate: fc.integer({ min: 1, max: 1_000_000 }),
  concurrency: fc.integer({ min: 1, max: 1024 }),
  seed: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n }).map(String)),
  quiet: secs(0, 60_000),
  name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/),
  // Always given, as quiet is: a test.json records a setting's default, and its replay gives it.
  watchWindow: fc.integer({ min: 1, max: 600_000 }),
  watchCompactEvery: secs(0, 600_000),
  watchWait: fc.integer({ min: 1, max: 600_000 }),
  timeout: fc.integer({ min: 1, max: 9000 }),
  reads: fc.nat(),
}).map((r) => {
  const { timeout, reads, ...rest } = r;
  const values = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as CommonValues;
  // A schedule in which no fault can start is refused (fault-choice.ts): faults start within the limit.
  if (r.faults.length > 0 && r.faultInterval >= r.timeLimit) values.faultInterval = Math.floor(r.timeLimit * 500) / 1000;
  values.workload = TARGETS[r.target].workloads[0];
  values.store = '/tmp/faultline-roundtrip-store';
  const modes = (TARGETS[r.target].flags.find((f) => f.name === 'reads')!.help.split(':')[0]).split(' | ');
  return { values, flags: { 'request-timeout': `${timeout}ms`, reads: modes[reads % modes.length] } };
});

describe('settings front ends', () => {
  it('settings → argv → settings is the identity', () => {
    fc.assert(fc.property(settings, (s) => {
      expect(settingsFromArgv(settingsToArgv(s), quiet).settings).toEqual(s);
    }), { numRuns: 300 });
  });

  it('settings → config → settings is the identity (and the config passes the config check)', () => {
    fc.assert(fc.property(settings, (s) => {
      const config = settingsToConfig(s);
      checkConfig(config, 'roundtrip');
      expect(settingsFromConfig(config)).toEqual(s);
    }), { numRuns: 300 });
  });

  it("a request's test.json replays to the same settings and the same request", () => {
    fc.assert(fc.property(settings, (s) => {
      const { req } = requestOf(s);
      const recorded = JSON.parse(JSON.stringify(req.config)) as Record<string, unknown>;
      const again = requestOf(settingsFromTestJson(recorded)).req;
      expect(again.config).toEqual(req.config);
      expect([...again.values!]).toEqual([...req.values!]);
    }), { numRuns: 100 });
  });

  it('the command line overrides a config, and another target drops its flags', () => {
    const base = settingsFromConfig({ target: 'etcd', rate: 5, options: { reads: 'serializable' } });
    expect(mergeSettings(base, { values: { rate: 7 }, flags: {} })).toEqual({ values: { target: 'etcd', rate: 7 }, flags: { reads: 'serializable' } });
    expect(mergeSettings(base, { values: { target: 'raft' }, flags: {} }).flags).toEqual({});
  });
});

describe('one name per idea, did you mean', () => {
  const refused = (argv: string[]): string => {
    try {
      requestOf(settingsFromArgv(argv, quiet).settings);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  it.each([
    [['--target', 'etcd', '--read-consistancy', 'serializable'], /^unknown option --read-consistancy for faultline run \(did you mean --reads\?\); see faultline run --help$/],
    [['--nemesis', 'partiton'], /^--nemesis: unknown fault 'partiton' \(did you mean "partition"\?\); valid faults are/],
    [['--tme-limit', '5s'], /did you mean --time-limit\?/],
    [['--target', 'etcd', '--reads', 'lineariable'], /^--reads must be one of linearizable, serializable, got "lineariable" \(did you mean "linearizable"\?\)$/],
    [['--target', 'consul', '--reads', 'sync'], /^--reads must be one of consistent, default, stale, got "sync"$/],
    [['--target', 'zookeeper', '--session-ttl', '100s'], /^--session-ttl 100s is outside the 1s–10s ZooKeeper allows; pass e\.g\. 4s$/],
    [['--target', 'zookeeper', '--session-timeout', '100s'], /^--session-ttl 100s is outside the 1s–10s ZooKeeper allows/],
    [['--target', 'etcd', '--session-ttl', '500ms'], /^--session-ttl 500ms is shorter than the 1s etcd allows; pass e\.g\. 2s$/],
    [['--target', 'consul', '--session-ttl', '25h'], /^--session-ttl 25h is outside the 1s–24h Consul allows; pass e\.g\. 2s$/],
    [['--target', 'zookeeper', '--nodes', '1'], /--target zookeeper needs --nodes 2 or more/],
    [['--target', 'custom', '--port', '70000'], /^--port must be a port number from 1 to 65535, got 70000$/],
  ])('%j → %s', (argv, message) => {
    expect(refused(argv)).toMatch(message);
  });

  it('--reads takes each store\'s own values; the old names still work, with a warning', () => {
    const warnings: string[] = [];
    const read = (argv: string[]): unknown => requestOf(settingsFromArgv(argv, (m) => warnings.push(m)).settings).req.values!.get('reads');
    expect(read(['--target', 'etcd'])).toBe('linearizable');
    expect(read(['--target', 'zookeeper'])).toBe('sync');
    expect(read(['--target', 'consul'])).toBe('consistent');
    expect(warnings).toEqual([]);
    expect(read(['--target', 'etcd', '--read-consistency', 'serializable'])).toBe('serializable');
    expect(read(['--target', 'consul', '--consul-reads', 'stale'])).toBe('stale');
    expect(warnings).toEqual([
      '--read-consistency is deprecated and goes in the next release; use --reads serializable',
      '--consul-reads is deprecated and goes in the next release; use --reads stale',
    ]);
  });

  it('the watch settings reach the run config, with their defaults when absent', () => {
    const config = (argv: string[]): Record<string, unknown> => requestOf(settingsFromArgv(['--target', 'etcd', '--workload', 'watch', ...argv], quiet).settings).req.config;
    expect(config([])).toMatchObject({ watchWindowMs: 3000, watchCompactEveryS: 10, watchWaitMs: 1000 });
    expect(config(['--watch-window', '5s', '--watch-compact-every', '0', '--watch-wait', '250ms'])).toMatchObject({ watchWindowMs: 5000, watchCompactEveryS: 0, watchWaitMs: 250 });
    expect(refused(['--watch-window', '0s'])).toMatch(/^--watch-window 0s must be longer than 0 ms/);
    expect(refused(['--watch-wait', '11m'])).toMatch(/^--watch-wait 660000 ms is longer than Consul's 10 minute cap/);
  });

  it('request-timeout has one declaration with a default per kind of target', () => {
    const timeout = (target: string, workload?: string): unknown => requestOf(settingsFromArgv(['--target', target,
      ...(target === 'maelstrom' ? ['--bin', 'x'] : []), ...(workload ? ['--workload', workload] : [])], quiet).settings).req.values!.get('request-timeout');
    expect(timeout('etcd')).toBe(2000);
    expect(timeout('raft')).toBe(1000);
    // Maelstrom's: 5 s, lin-kv's floor 1 s (its 10 × mean latency is computed by the lin-kv workload, #31).
    expect(timeout('maelstrom', 'echo')).toBe(5000);
    expect(timeout('maelstrom', 'lin-kv')).toBe(1000);
  });
});
