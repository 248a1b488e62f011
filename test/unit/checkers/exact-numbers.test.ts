/**
 * The set and unique-ids checkers on JSONL histories with integers beyond 2^53: read exactly
 * (harness/ground/history/exact-int.ts), 2^53 and 2^53+1 are two elements and two ids, not one.
 */
import { describe, expect, it } from 'vitest';
import { canonical } from '../../../checkers/common.js';
import { checkSet } from '../../../checkers/set.js';
import { checkUniqueIds } from '../../../checkers/unique-ids.js';
import { parseJsonl } from '../../../harness/ground/history/index.js';

const rec = (index: number, process: number, type: string, f: string, value: string): string =>
  `{"index":${index},"time":${index},"process":${process},"type":"${type}","f":"${f}","value":${value}}`;

describe('set and unique-ids checkers with integers beyond 2^53', () => {
  it('set: an add of 2^53+1 is not found by a final read of [2^53]', () => {
    const ops = parseJsonl([
      rec(0, 0, 'invoke', 'add', '9007199254740993'), rec(1, 0, 'ok', 'add', '9007199254740993'),
      rec(2, 1, 'invoke', 'read', '{"final":true}'), rec(3, 1, 'ok', 'read', '[9007199254740992]'),
    ].join('\n'), 'set.jsonl');
    const r = checkSet(ops);
    expect(r.valid).toBe(false);
    expect(r.lost.count).toBe(1);
    expect(r.unexpected.count).toBe(1);
  });

  it('unique-ids: 2^53 and 2^53+1 are two ids; 2^53+1 twice is a duplicate', () => {
    const gen = (i: number, id: string) => [rec(2 * i, i, 'invoke', 'generate', 'null'), rec(2 * i + 1, i, 'ok', 'generate', id)];
    const distinct = parseJsonl([...gen(0, '9007199254740992'), ...gen(1, '9007199254740993')].join('\n'), 'ids.jsonl');
    expect(checkUniqueIds(distinct).valid).toBe(true);
    const dup = parseJsonl([...gen(0, '9007199254740993'), ...gen(1, '9007199254740993')].join('\n'), 'ids.jsonl');
    expect(checkUniqueIds(dup).valid).toBe(false);
  });

  it('canonical keys a bigint as its record form', () => {
    expect(canonical(5n)).toBe(canonical(5));
    expect(canonical([2n ** 53n + 1n])).toBe(canonical(['9007199254740993']));
  });
});
