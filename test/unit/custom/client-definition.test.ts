/**
 * A client module's default export, checked field by field (the refusals the CLI prints), and the
 * outcome of each error helper, also across two copies of the API module (a user's node_modules).
 */
import { describe, expect, it } from 'vitest';
import { Definite, defineClient, Indefinite, outcomeOf } from '../../../targets/custom/client-api.js';
import { checkDefinition } from '../../../targets/custom/load-client.js';

const ok = { ops: ['read'], open: () => 0, invoke: () => null };

describe('checkDefinition', () => {
  it('accepts a defineClient result', () => {
    expect(checkDefinition('c.ts', { default: defineClient(ok) }).ops).toEqual(['read']);
  });

  it.each([
    ['no default export', { client: defineClient(ok) }, 'c.ts has no default export (it exports client)'],
    ['a plain object', { default: ok }, 'its default export is not built with defineClient'],
    ['empty ops', { default: defineClient({ ...ok, ops: [] }) }, 'field ops must list the op names'],
    ['no invoke', { default: defineClient({ ...ok, invoke: undefined as never }) }, 'field invoke is missing or not a function'],
    ['a close that is not a function', { default: defineClient({ ...ok, close: 1 as never }) }, 'field close is not a function'],
  ])('refuses %s, naming it', (_what, mod, message) => {
    expect(() => checkDefinition('c.ts', mod as Record<string, unknown>)).toThrow(message);
  });
});

describe('error helpers', () => {
  it('Definite is fail, Indefinite and anything else info', () => {
    expect(outcomeOf(new Definite('compare failed'))).toBe('fail');
    expect(outcomeOf(new Indefinite('timeout'))).toBe('info');
    expect(outcomeOf(new Error('ECONNRESET'))).toBe('info');
    expect(outcomeOf('a string')).toBe('info');
  });

  it('a Definite from another copy of the module still counts (the brand is a global symbol)', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('faultline.outcome')]: 'fail' });
    expect(outcomeOf(foreign)).toBe('fail');
  });
});
