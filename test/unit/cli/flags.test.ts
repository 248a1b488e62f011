import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import { DEPRECATED_FLAGS, durationFlag, flagList, parseDuration, rewriteDeprecatedFlags } from '../../../harness/ground/contracts/flags.js';
import type { RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';

const req = (flags: Record<string, string | string[]>): RunRequest =>
  ({ config: {} as RunRequest['config'], flags: new Map(Object.entries(flags)), workload: 'x', nodeCount: 3 });

describe('durations: one rule, a bare number means seconds', () => {
  it.each([
    ['60', 60_000], ['60s', 60_000], ['500ms', 500], ['2m', 120_000], ['1h', 3_600_000], ['0.5', 500], [' 5ms ', 5],
  ] as const)('%s → %d ms', (text, ms) => expect(parseDuration(text, 'x')).toBe(ms));

  it('names the flag and the rule when a value is not a duration', () => {
    expect(() => parseDuration('5 sec', 'quiet')).toThrow(InputError);
    expect(() => parseDuration('-1s', 'quiet')).toThrow('--quiet "-1s" is not a duration; write e.g. 60s, 500ms or 2m (a bare number means seconds)');
  });

  it('a duration flag takes its default and refuses zero', () => {
    expect(durationFlag(req({}), 'request-timeout', '2s')).toBe(2_000);
    expect(durationFlag(req({ 'request-timeout': '250ms' }), 'request-timeout', '2s')).toBe(250);
    expect(() => durationFlag(req({ 'request-timeout': '0' }), 'request-timeout', '2s')).toThrow(/longer than 0/);
  });

  it('reads a repeated list flag split on commas, or verbatim', () => {
    expect(flagList(req({ bug: ['a,b', ' c '] }), 'bug')).toEqual(['a', 'b', 'c']);
    expect(flagList(req({ arg: ['x,y'] }), 'arg', { split: false })).toEqual(['x,y']);
  });
});

describe('deprecated flag names', () => {
  it('rewrites each old name to the new one with a warning, converting bare milliseconds', () => {
    const warnings: string[] = [];
    const out = rewriteDeprecatedFlags(['--key-count', '8', '--request-timeout-ms=1500', '--rpc-timeout', '2s', '--session-timeout-ms', '1000', '--latency', '5'], (m) => warnings.push(m));
    expect(out).toEqual(['--keys', '8', '--request-timeout=1500ms', '--request-timeout', '2s', '--session-ttl', '1000ms', '--latency', '5ms']);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toBe('--key-count is deprecated and goes in the next release; use --keys 8');
    expect(warnings[4]).toMatch(/--latency 5: a bare number means seconds now.*taken as 5ms/);
  });

  it('gives the session and lease TTLs of every store one name, --session-ttl', () => {
    const warnings: string[] = [];
    expect(rewriteDeprecatedFlags(['--lock-ttl', '1s', '--session-timeout=4s'], (m) => warnings.push(m))).toEqual(['--session-ttl', '1s', '--session-ttl=4s']);
    expect(warnings).toEqual([
      '--lock-ttl is deprecated and goes in the next release; use --session-ttl 1s',
      '--session-timeout is deprecated and goes in the next release; use --session-ttl 4s',
    ]);
  });

  it('leaves current names and unit-bearing latencies alone', () => {
    const warnings: string[] = [];
    expect(rewriteDeprecatedFlags(['--keys', '3', '--latency', '1-10ms', '--latency', '0'], (m) => warnings.push(m))).toEqual(['--keys', '3', '--latency', '1-10ms', '--latency', '0']);
    expect(warnings).toEqual([]);
  });

  it('still runs a command line with an old name, reading it under the new one', () => {
    const warnings: string[] = [];
    const { req: r } = parseRunRequest(['--target', 'maelstrom', '--bin', 'x', '--key-count', '4', '--rpc-timeout', '300ms'], (m) => warnings.push(m));
    expect(r.flags.get('keys')).toBe('4');
    expect(r.flags.get('request-timeout')).toBe('300ms');
    expect(warnings.map((w) => w.split(' ')[0])).toEqual(['--key-count', '--rpc-timeout']);
    expect(DEPRECATED_FLAGS.every((d) => d.name !== d.now)).toBe(true);
  });
});
