/**
 * The fenced-lock checker against hand-written histories (each violation class, injected) and, with
 * fast-check, against a brute-force reference on small random histories: every triple of the
 * resource's order for interleaving, every pair of grants for tokens.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFencedLock } from '../../../checkers/fenced-lock.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { history } from './history.js';

describe('fenced-lock checker: injected violations, each with its class', () => {
  it('is valid when each grant writes in one block and tokens grow', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 5 }],
      [0, 'invoke', 'write', { token: 5 }], [0, 'ok', 'write', { token: 5, seq: 1 }],
      [0, 'invoke', 'release'], [0, 'ok', 'release'],
      [1, 'invoke', 'acquire'], [1, 'ok', 'acquire', { token: 9 }],
      [1, 'invoke', 'write', { token: 9 }], [1, 'ok', 'write', { token: 9, seq: 2 }],
      // A stale holder's late write, rejected by fencing: reported, not a violation.
      [0, 'invoke', 'write', { token: 5 }], [0, 'fail', 'write', { token: 5, rejected: true }],
    ]));
    expect(r).toMatchObject({ valid: true, grants: 2, writes: 2, rejected: 1 });
    // The rejected write itself, for the report: whose, which token, where in the history.
    expect(r.rejectedWrites).toEqual([{ process: 0, token: 5, index: 11 }]);
  });

  it('reports two holders whose writes interleave at the resource', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 1 }],
      [0, 'invoke', 'write', { token: 1 }], [0, 'ok', 'write', { token: 1, seq: 1 }],
      [1, 'invoke', 'acquire'], [1, 'ok', 'acquire', { token: 2 }],
      [1, 'invoke', 'write', { token: 2 }], [1, 'ok', 'write', { token: 2, seq: 2 }],
      [0, 'invoke', 'write', { token: 1 }], [0, 'ok', 'write', { token: 1, seq: 3 }],
    ]));
    expect(r.valid).toBe(false);
    expect(r.interleaved).toEqual({ count: 1, examples: [{ token: 1, between: 2, seqs: [1, 2, 3] }] });
    expect(r.reason).toMatch(/two holders at once/);
  });

  it('reports a stale write: the older grant writes only after the newer one did (b then a, no interleaving)', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 1 }],
      // Process 0's server is paused before its first write; the lock passes to process 1.
      [1, 'invoke', 'acquire'], [1, 'ok', 'acquire', { token: 2 }],
      [1, 'invoke', 'write', { token: 2 }], [1, 'ok', 'write', { token: 2, seq: 1 }],
      [0, 'invoke', 'write', { token: 1 }], [0, 'ok', 'write', { token: 1, seq: 2 }],
    ]));
    expect(r.valid).toBe(false);
    expect(r.interleaved.count).toBe(0);
    expect(r.staleWrites).toEqual({ count: 1, examples: [{ token: 1, after: 2, seq: 2, index: 7 }] });
    expect(r.reason).toMatch(/an older grant acting after a newer one/);
  });

  it('reports a reused token and a decreasing one', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 4 }],
      [0, 'invoke', 'release'], [0, 'ok', 'release'],
      [1, 'invoke', 'acquire'], [1, 'ok', 'acquire', { token: 4 }],
      [1, 'invoke', 'release'], [1, 'ok', 'release'],
      [2, 'invoke', 'acquire'], [2, 'ok', 'acquire', { token: 3 }],
    ]));
    expect(r.valid).toBe(false);
    expect(r.tokenReused.count).toBe(1);
    expect(r.tokenDecreased).toEqual({ count: 1, examples: [{ earlier: { token: 4, index: 1 }, later: { token: 3, index: 9 } }] });
  });

  it('says unknown when no grant wrote to the resource: nothing was put to the test', () => {
    const r = checkFencedLock(history([[0, 'invoke', 'acquire'], [0, 'ok', 'acquire', { token: 3 }]]));
    expect(r.valid).toBe('unknown');
    expect(r.reason).toMatch(/no grant wrote to the resource/);
  });

  it('does not order grants that overlap in time', () => {
    const r = checkFencedLock(history([
      [0, 'invoke', 'acquire'], [1, 'invoke', 'acquire'],
      [1, 'ok', 'acquire', { token: 7 }], [0, 'ok', 'acquire', { token: 6 }],
      [1, 'invoke', 'write', { token: 7 }], [1, 'ok', 'write', { token: 7, seq: 1 }],
    ]));
    expect(r.valid).toBe(true);
  });
});

/** A random small history: grants with tokens and random overlaps, writes applied in a random order. */
const arbHistory = fc.record({
  grants: fc.array(fc.record({ token: fc.integer({ min: 1, max: 6 }), start: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 1, max: 10 }) }), { maxLength: 6 }),
  writes: fc.array(fc.record({ grant: fc.nat(), outcome: fc.constantFrom('ok', 'ok', 'fail', 'info') }), { maxLength: 10 }),
}).map(({ grants, writes }): Op[] => {
  const events: { time: number; op: Omit<Op, 'index' | 'time'> }[] = [];
  grants.forEach((g, p) => {
    events.push({ time: g.start * 10, op: { process: p, type: 'invoke', f: 'acquire', value: null } });
    events.push({ time: (g.start + g.len) * 10 + 1, op: { process: p, type: 'ok', f: 'acquire', value: { token: g.token } } });
  });
  // Writes go on processes of their own (so they never split an acquire's pair), tokens from a grant.
  let seq = 0;
  writes.forEach((w, k) => {
    if (grants.length === 0) return;
    const token = grants[w.grant % grants.length].token;
    const p = 100 + k;
    events.push({ time: 1000 + k * 10, op: { process: p, type: 'invoke', f: 'write', value: { token } } });
    const value = w.outcome === 'ok' ? { token, seq: ++seq } : w.outcome === 'fail' ? { token, rejected: true } : null;
    events.push({ time: 1000 + k * 10 + 5, op: { process: p, type: w.outcome as Op['type'], f: 'write', value } });
  });
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e.op, index, time: e.time }) as Op);
});

/** The reference: all triples and all pairs, no cleverness. */
function reference(h: readonly Op[]): { interleaved: number; interleavedAny: boolean; stale: number; reused: number; decreased: number; nothing: boolean } {
  const applied = h.filter((o) => o.f === 'write' && o.type === 'ok').map((o) => o.value as { token: number; seq: number }).sort((a, b) => a.seq - b.seq).map((w) => w.token);
  let interleavedAny = false;
  for (let i = 0; i < applied.length; i++) for (let j = i + 1; j < applied.length; j++) for (let k = j + 1; k < applied.length; k++) {
    if (applied[i] === applied[k] && applied[j] !== applied[k]) interleavedAny = true;
  }
  let interleaved = 0;
  for (let k = 1; k < applied.length; k++) if (applied[k] !== applied[k - 1] && applied.slice(0, k - 1).includes(applied[k])) interleaved++;
  // A write with some earlier applied write of a higher token.
  let stale = 0;
  for (let j = 0; j < applied.length; j++) if (applied.slice(0, j).some((t) => t > applied[j])) stale++;
  const grants = h.filter((o) => o.f === 'acquire' && o.type === 'ok').map((o) => ({
    token: (o.value as { token: number }).token, done: o.time,
    start: h.find((x) => x.process === o.process && x.type === 'invoke' && x.f === 'acquire')!.time,
  }));
  let reused = 0;
  grants.forEach((g, i) => { if (grants.slice(0, i).some((x) => x.token === g.token)) reused++; });
  const decreased = grants.filter((b) => grants.some((a) => a.done < b.start && a.token > b.token)).length;
  return { interleaved, interleavedAny, stale, reused, decreased, nothing: grants.length === 0 || applied.length === 0 };
}

describe('fenced-lock checker against a brute-force reference', () => {
  it('agrees on every class, its count and the verdict', () => {
    fc.assert(fc.property(arbHistory, (h) => {
      const r = checkFencedLock(h);
      const ref = reference(h);
      expect(r.interleaved.count).toBe(ref.interleaved);
      expect(r.interleaved.count > 0).toBe(ref.interleavedAny);
      expect(r.staleWrites.count).toBe(ref.stale);
      // Every interleaving has a stale write in it (a < b: the return of a; a > b: b itself).
      if (ref.interleavedAny) expect(ref.stale).toBeGreaterThan(0);
      expect(r.tokenReused.count).toBe(ref.reused);
      expect(r.tokenDecreased.count).toBe(ref.decreased);
      // Without a grant that wrote, there is nothing to judge: unknown, never a green verdict.
      const clean = ref.interleaved === 0 && ref.stale === 0 && ref.reused === 0 && ref.decreased === 0;
      expect(r.valid).toBe(!clean ? false : ref.nothing ? 'unknown' : true);
      expect(r.writes + r.rejected + r.unknown).toBe(h.filter((o) => o.f === 'write' && o.type !== 'invoke').length);
    }), { numRuns: 2000 });
  });
});
