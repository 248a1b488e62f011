/**
 * Checking a history in memory: ops as your own test recorded them (Faultline's Op records), checked
 * for linearizability against a register model, or by the checkers of your choice.
 */
import { expect, it } from 'vitest';
import { check, checkers, models, type Op } from 'faultline';

let index = 0;
const op = (process: number, type: Op['type'], f: string, value: unknown, time: number): Op => ({ index: index++, time, process, type, f, value });

// Process 0 writes 1, then process 1 writes 2; after both completed, process 2 reads 1: stale.
const stale: Op[] = [
  op(0, 'invoke', 'write', 1, 0), op(0, 'ok', 'write', 1, 10),
  op(1, 'invoke', 'write', 2, 20), op(1, 'ok', 'write', 2, 30),
  op(2, 'invoke', 'read', null, 40), op(2, 'ok', 'read', 1, 50),
];

it('finds a stale read in a register history and explains it', async () => {
  const result = await check(stale, { model: 'register' });
  expect(result.valid).toBe(false);
  expect(JSON.stringify(result)).toContain('read');
});

it('the same ops with the read overlapping the second write are linearizable', async () => {
  const overlapping = stale.map((o) => (o.f === 'read' ? { ...o, time: o.time - 25 } : o)).sort((a, b) => a.time - b.time)
    .map((o, i) => ({ ...o, index: i }));
  expect((await check(overlapping, { model: 'register' })).valid).toBe(true);
});

it('guesses the model from the ops, and runs chosen checkers instead', async () => {
  expect((await check(stale)).valid).toBe(false);
  const r = await check(stale, { checkers: [checkers.linearizable({ name: 'register' }), checkers.stats()] });
  expect(r.valid).toBe(false);
  expect(Object.keys((r as { checkers: object }).checkers)).toEqual(['linearizable', 'stats']);
  expect(Object.keys(models)).toContain('cas-register');
});
