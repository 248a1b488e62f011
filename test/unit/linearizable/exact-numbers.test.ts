/**
 * The linearizability checker on JSONL histories with integers beyond 2^53: read as exact decimal
 * strings (harness/ground/history/exact-int.ts), so a read of 2^53 after a write of 2^53+1 is stale and a cas
 * keyed on 2^53+1 does not match a register holding 2^53. Before exact reading both rounded to 2^53
 * and these histories passed as linearizable.
 */
import { describe, expect, it } from 'vitest';
import { checkLinearizableSync, same, type ModelSpec } from '../../../checkers/linearizable/index.js';
import { pairOps, parseJsonl } from '../../../harness/ground/history/index.js';

const rec = (index: number, process: number, type: string, f: string, value: string, key?: string): string =>
  `{"index":${index},"time":${index},"process":${process},"type":"${type}","f":"${f}","value":${value}${key === undefined ? '' : `,"key":${key}`}}`;

function verdict(lines: string[], model: ModelSpec): boolean | 'unknown' {
  const ops = pairOps(parseJsonl(lines.join('\n'), 'h.jsonl'), 'h.jsonl');
  return checkLinearizableSync(ops, { model, explain: false }).valid;
}

describe('linearizability with integers beyond 2^53 (JSONL)', () => {
  it('a stale read: write 2^53+1, then read 2^53 is not linearizable; reading 2^53+1 is', () => {
    const history = (read: string) => [
      rec(0, 0, 'invoke', 'write', '9007199254740993'), rec(1, 0, 'ok', 'write', '9007199254740993'),
      rec(2, 1, 'invoke', 'read', 'null'), rec(3, 1, 'ok', 'read', read),
    ];
    expect(verdict(history('9007199254740992'), { name: 'register' })).toBe(false);
    expect(verdict(history('9007199254740993'), { name: 'register' })).toBe(true);
  });

  it('a cas is compared exactly: cas(2^53+1 → 7) cannot succeed on a register holding 2^53', () => {
    const history = (from: string) => [
      rec(0, 0, 'invoke', 'write', '9007199254740992'), rec(1, 0, 'ok', 'write', '9007199254740992'),
      rec(2, 1, 'invoke', 'cas', `[${from},7]`), rec(3, 1, 'ok', 'cas', `[${from},7]`),
      rec(4, 2, 'invoke', 'read', 'null'), rec(5, 2, 'ok', 'read', '7'),
    ];
    expect(verdict(history('9007199254740993'), { name: 'cas-register' })).toBe(false);
    expect(verdict(history('9007199254740992'), { name: 'cas-register' })).toBe(true);
  });

  it('kv keys beyond 2^53 are distinct objects: a get of key 2^53 cannot see a put to key 2^53+1', () => {
    const history = (getKey: string) => [
      rec(0, 0, 'invoke', 'put', '"x"', '9007199254740993'), rec(1, 0, 'ok', 'put', '"x"', '9007199254740993'),
      rec(2, 1, 'invoke', 'get', 'null', getKey), rec(3, 1, 'ok', 'get', '"x"', getKey),
    ];
    expect(verdict(history('9007199254740992'), { name: 'kv' })).toBe(false);
    expect(verdict(history('9007199254740993'), { name: 'kv' })).toBe(true);
  });

  it('a write of 5 matches a read of 5n, and 2^53+1 as a bigint matches its record form', () => {
    expect(same(5, 5n)).toBe(true);
    expect(same(2n ** 53n + 1n, '9007199254740993')).toBe(true);
    expect(same(2n ** 53n + 1n, 9007199254740992)).toBe(false);
    expect(same([5n, { a: 2n ** 60n }], [5, { a: '1152921504606846976' }])).toBe(true);
  });
});
