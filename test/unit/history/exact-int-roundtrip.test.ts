/**
 * Writer → reader round trip of integers beyond 2^53 (harness/ground/history/exact-int.ts): what the JSONL
 * writer writes reads back as exactly the value it was given — a bigint as its record form (a number
 * when safe, its exact decimal string when not), a record-form string unchanged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryWriter, type Op, readJsonlSync } from '../../../harness/ground/history/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-exact-rt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function roundTrip(ops: Op[]): Op[] {
  const file = path.join(tmp, `h-${n++}.jsonl`);
  const w = HistoryWriter.open(file);
  for (const op of ops) w.append(op);
  w.close();
  return readJsonlSync(file);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * True when `read` is exactly the integer `given` (a bigint) in record form, checked with BigInt and
 * not with the code under test: a number only when safe, else the canonical decimal string.
 */
function sameInteger(read: unknown, given: bigint): boolean {
  const safe = given <= SAFE && given >= -SAFE;
  if (safe) return typeof read === 'number' && BigInt(read) === given;
  return typeof read === 'string' && read === given.toString();
}

/** Compares a value read back with the one given, leaf by leaf; bigints by {@link sameInteger}. */
function matches(read: unknown, given: unknown): boolean {
  if (typeof given === 'bigint') return sameInteger(read, given);
  if (Array.isArray(given)) return Array.isArray(read) && read.length === given.length && given.every((g, i) => matches(read[i], g));
  if (given !== null && typeof given === 'object') {
    const keys = Object.keys(given);
    return read !== null && typeof read === 'object' && Object.keys(read).length === keys.length &&
      keys.every((k) => matches((read as Record<string, unknown>)[k], (given as Record<string, unknown>)[k]));
  }
  return Object.is(read, given);
}

describe('HistoryWriter → readJsonl with integers beyond 2^53', () => {
  it('writes bigints exactly (JSON.stringify alone throws on them) and record-form strings unchanged', () => {
    const big = 2n ** 53n + 1n;
    const ops: Op[] = [
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'cas', value: [big, -big * 3n] },
      { index: 1, time: 1, process: 0, type: 'ok', f: 'cas', value: ['9007199254740993', '-27021597764222979'] },
      { index: 2, time: 2, process: 1, type: 'invoke', f: 'write', value: { n: 5n }, key: 2n ** 64n as unknown as string },
    ];
    const back = roundTrip(ops);
    expect(back[0].value).toEqual(['9007199254740993', '-27021597764222979']);
    expect(back[1].value).toEqual(['9007199254740993', '-27021597764222979']);
    expect(back[2].value).toEqual({ n: 5 });
    expect(back[2].key).toBe('18446744073709551616');
    // The ops in memory (what a run's checkers read) were put in the same form as the file.
    expect(ops.map((o) => o.value)).toEqual(back.map((o) => o.value));
  });

  it('property: values drawn from safe and unsafe integers read back exactly equal to the originals', () => {
    const integer = fc.oneof(
      fc.bigInt({ min: -SAFE, max: SAFE }),
      fc.bigInt({ min: SAFE + 1n, max: 2n ** 80n }),
      fc.bigInt({ min: -(2n ** 80n), max: -SAFE - 1n }),
      fc.constantFrom(SAFE, SAFE + 1n, SAFE + 2n, -SAFE, -SAFE - 1n, 0n),
    );
    const leaf = fc.oneof(integer, integer.map((b) => (b <= SAFE && b >= -SAFE ? Number(b) : b)), fc.string(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 3 })),
    })).v;
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 8 }), (values) => {
      // Kept apart from the ops: the writer puts a bigint op in record form in place.
      const ops: Op[] = values.map((v, i) => ({ index: i, time: i, process: 0, type: i % 2 === 0 ? 'invoke' : 'ok', f: 'write', value: structuredClone(v) }));
      const back = roundTrip(ops);
      return back.length === values.length && back.every((op, i) => matches(op.value, values[i]));
    }), { numRuns: 200 });
  });
});
