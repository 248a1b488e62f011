/**
 * A config is checked key by key: each mistake is one sentence naming the key, the closest valid key
 * or value, and the allowed values. A checked config becomes the very flags `faultline run` parses.
 */
import { describe, expect, it } from 'vitest';
import { closest } from '../../../harness/ground/contracts/closest.js';
import { checkConfig, mergeArgv, settingsToArgv } from '../../../harness/top/config/schema.js';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import { InputError } from '../../../harness/ground/history/errors.js';

const mistake = (raw: unknown): string => {
  try {
    checkConfig(raw, 'faultline.config.ts');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('no mistake found');
};

describe('checkConfig', () => {
  it.each([
    [{ rat: 5 }, /^faultline\.config\.ts: unknown key "rat" \(did you mean "rate"\?\); the keys are target, .*rate/],
    [{ rate: -5 }, /^faultline\.config\.ts: rate -5 is not a positive number; rate must be a positive number/],
    [{ rate: '5' }, /rate "5" is not a positive number/],
    [{ faults: ['partiton'] }, /faults "partiton" is not a fault \(did you mean "partition"\?\); faults must be a list of partition, leader-churn, kill/],
    [{ faults: 'kill,paws' }, /faults "paws" is not a fault/],
    [{ workload: 'lin-kvv' }, /workload "lin-kvv" is not a workload of the target \(did you mean "lin-kv"\?\); workload must be one of lin-kv/],
    [{ target: 'etcd', workload: 'lin-kv' }, /workload "lin-kv" is not a workload of the target; workload must be one of register, set, lock/],
    [{ target: 'etcdd' }, /target "etcdd" is not a target \(did you mean "etcd"\?\)/],
    [{ nodes: 0 }, /nodes 0 is not a whole number ≥ 1/],
    [{ timeLimit: '10 seconds' }, /timeLimit "10 seconds" is not a duration above 0; timeLimit must be a duration above 0: seconds as a number, or a text like 60s/],
    // Every target takes --env now (raft and maelstrom refuse docker and ssh themselves, in one sentence).
    [{ environment: 'dockr' }, /environment "dockr" is not an environment \(did you mean "docker"\?\); environment must be one of local, docker, ssh/],
    [{ target: 'etcd', options: { 'read-consistensy': 'serializable' } }, /options has "read-consistensy", which is not a flag of target etcd \(did you mean "reads"\?\)/],
    [{ options: { bug: 3 } }, /options "bug" 3 must be a text or a list of texts/],
    [{ scenarios: [{ name: 'a', expect: 'broken' }] }, /scenarios\[0\] \(a\): expect "broken" is not an expectation; expect must be "valid" or "invalid"/],
    [{ scenarios: [{ name: 'a', expect: 'valid', rat: 1 }] }, /scenarios\[0\] \(a\): unknown key "rat" \(did you mean "rate"\?\)/],
    [{ scenarios: [{ name: 'a', expect: 'valid' }, { name: 'a', expect: 'valid' }] }, /the name "a" is used twice/],
    [{ target: 'etcd', scenarios: [{ name: 'a', expect: 'valid', workload: 'lin-kv' }] }, /scenarios\[0\] \(a\): workload "lin-kv" is not a workload of the target/],
    [{ seeds: [1, -2] }, /seeds \[1,-2\] is not a list of whole numbers ≥ 0/],
    [[1, 2], /must export an object of settings/],
  ])('%j → %s', (raw, message) => {
    const m = mistake(raw);
    expect(m).toMatch(message);
    expect(m.split('\n')).toHaveLength(1);
  });

  it('accepts a whole config and returns it unchanged', () => {
    const c = { target: 'etcd', workload: 'register', nodes: 3, faults: ['partition'], timeLimit: 12, rate: 50, options: { reads: 'serializable', values: 1000 } };
    expect(checkConfig(c, 'x')).toBe(c);
  });
});

describe('settings → flags', () => {
  it('a config means what its flags mean: durations as seconds, lists, target options', () => {
    const argv = settingsToArgv({ target: 'raft', nodes: 3, faults: ['partition', 'kill'], timeLimit: 12, quiet: '500ms', rate: 5, seed: 9, partitionShapes: ['primaries'], options: { bug: ['stale-read'], 'election-ms': '150-300' } });
    const { req } = parseRunRequest(argv, () => {});
    expect(req.config).toMatchObject({ target: 'raft', nodes: 3, faults: ['partition', 'kill'], timeLimitS: 12, quietS: 0.5, rate: 5, seed: 9, partitionShapes: ['primaries'] });
    expect(req.flags.get('bug')).toEqual(['stale-read']);
    expect(req.flags.get('election-ms')).toBe('150-300');
  });

  it('flags on the command line override the config, lists included', () => {
    const fromConfig = settingsToArgv({ rate: 5, faults: ['partition'], options: { bug: 'stale-read' } });
    const { req } = parseRunRequest(mergeArgv(fromConfig, ['--rate', '7', '--bug', 'early-ack']), () => {});
    expect(req.config.rate).toBe(7);
    expect(req.config.faults).toEqual(['partition']);
    expect(req.flags.get('bug')).toEqual(['early-ack']);
  });

  it("another target on the command line drops the config's target options", () => {
    const fromConfig = settingsToArgv({ target: 'etcd', rate: 5, options: { reads: 'serializable' } });
    const { req, target } = parseRunRequest(mergeArgv(fromConfig, ['--target', 'raft']), () => {});
    expect(target.name).toBe('raft');
    expect(req.config.rate).toBe(5);
    expect(req.flags.has('reads')).toBe(false);
  });
});

describe('closest', () => {
  it.each([['rat', 'rate'], ['conc', 'concurrency'], ['timelimit', 'timeLimit'], ['faultz', 'faults'], ['zzz', undefined]])('%s → %s', (name, want) => {
    expect(closest(name, ['rate', 'concurrency', 'timeLimit', 'faults', 'seed'])).toBe(want);
  });
});
