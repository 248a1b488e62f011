import { describe, expect, it } from 'vitest';
import { compose, composeResults } from '../../../checkers/compose.js';
import { mergeValid } from '../../../checkers/contract.js';
import type { CheckResult, Checker } from '../../../checkers/contract.js';

const fixed = (name: string, valid: CheckResult['valid']): Checker => ({ name, check: () => ({ valid, from: name }) });

describe('mergeValid', () => {
  it.each([
    [[], true],
    [[true, true], true],
    [[true, 'unknown'], 'unknown'],
    [['unknown', false, true], false],
    [[false, 'unknown'], false],
  ] as const)('%j → %j', (vs, out) => expect(mergeValid(vs)).toBe(out));
});

describe('compose', () => {
  it('keeps every named result and ranks false > unknown > true', async () => {
    const r = await compose([fixed('a', true), fixed('b', 'unknown'), fixed('c', false)]).check([], {});
    expect(r).toEqual({
      valid: false, checker: 'compose', invalid: ['c'], unknown: ['b'],
      results: { a: { valid: true, from: 'a' }, b: { valid: 'unknown', from: 'b' }, c: { valid: false, from: 'c' } },
    });
  });

  it('turns a throwing, rejecting or verdict-less checker into unknown and goes on', async () => {
    const boom: Checker = { name: 'boom', check: () => { throw new Error('bad index'); } };
    const reject: Checker = { name: 'reject', check: async () => { throw new Error('worker died'); } };
    const silent = { name: 'silent', check: () => ({ ok: 1 }) } as unknown as Checker;
    const r = await compose([boom, reject, silent, fixed('fine', true)]).check([], {});
    expect(r.valid).toBe('unknown');
    const results = r.results as Record<string, CheckResult>;
    expect(results.boom).toEqual({ valid: 'unknown', error: 'checker boom failed: bad index' });
    expect(results.reject).toEqual({ valid: 'unknown', error: 'checker reject failed: worker died' });
    expect(results.silent.error).toMatch(/returned no verdict/);
    expect(results.fine.valid).toBe(true);
  });

  it('does not overwrite results of checkers with the same name', async () => {
    const r = await compose([fixed('x', true), fixed('x', false)]).check([], {});
    expect(Object.keys(r.results as object)).toEqual(['x', 'x#2']);
    expect(r.valid).toBe(false);
  });

  it('takes a record of checkers, named by key', async () => {
    const r = await compose({ safety: fixed('a', true), liveness: fixed('b', 'unknown') }).check([], {});
    expect(Object.keys(r.results as object)).toEqual(['safety', 'liveness']);
    expect(r.valid).toBe('unknown');
  });

  it('composes plain results', () => {
    expect(composeResults({}).valid).toBe(true);
    expect(composeResults({ a: { valid: 'unknown' } }).unknown).toEqual(['a']);
  });
});
