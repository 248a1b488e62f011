/**
 * prepare in one pass (preparePartitions) against the definition it replaces: validateOps, then
 * partitionOps(relevantOps(…)); each partition's events against sorting them (sortEvents), and its
 * kinds against the model's readOnly and the outcomes. The search trusts both arrays, so a wrong
 * event order or kind here would change verdicts: they must be exactly the search's own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeModel, type Model, type Operation } from '../../../checkers/linearizable/index.js';
import { eventOrders, partitionOps, preparePartitions, relevantOps, validateOps } from '../../../checkers/linearizable/prepare.js';
import { searchLinearization, sortEvents } from '../../../checkers/linearizable/search.js';
import { pairOps } from '../../../harness/ground/history/pair.js';
import { anyHistory, MODEL_CASES } from './histories.js';

function reference(model: Model, ops: readonly Operation[]): { key: unknown; ops: Operation[] }[] {
  validateOps(model, ops);
  return partitionOps(model, relevantOps(model, ops)).map((p) => ({ key: p.key, ops: p.ops }));
}

const kindsOf = (model: Model, ops: readonly Operation[]): number[] =>
  ops.map((op) => (op.outcome === 'unknown' ? 2 : model.readOnly?.(op) ? 0 : 1));

function expectSame(model: Model, ops: readonly Operation[]): void {
  const parts = preparePartitions(model, ops);
  expect(parts.map((p) => ({ key: p.key, ops: p.ops }))).toEqual(reference(model, ops));
  for (const p of parts) {
    if (p.events) expect([...p.events]).toEqual([...sortEvents(p.ops)]);
    if (p.kinds) expect([...p.kinds]).toEqual(kindsOf(model, p.ops));
    // And the search, handed them, reaches what it reaches without them, step for step.
    const given = searchLinearization(model, p.ops, { events: p.events, kinds: p.kinds, explain: true });
    const own = searchLinearization(model, p.ops, { explain: true });
    expect(given).toEqual(own);
  }
}

/** Ops with keys and arbitrary positions: ties, fractions, negative and huge numbers, returns before calls. */
const position = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: -3, max: 2 ** 31 }), fc.double({ min: -1, max: 20, noNaN: true }));
const looseOps = fc.array(fc.record({
  f: fc.constantFrom('read', 'write', 'cas'),
  key: fc.constantFrom('a', 'b', 1, undefined),
  outcome: fc.constantFrom('ok', 'ok', 'fail', 'unknown'),
  call: position,
  ret: fc.oneof(position, fc.constant(Infinity)),
  v: fc.integer({ min: 0, max: 2 }),
}), { maxLength: 12 }).map((rs) => rs.map((r, id): Operation => {
  const op: Operation = {
    id, process: id, f: r.f, input: r.f === 'cas' ? [r.v, (r.v + 1) % 3] : r.f === 'write' ? r.v : null,
    output: r.f === 'read' ? r.v : undefined, outcome: r.outcome as Operation['outcome'], call: r.call,
    ret: r.outcome === 'unknown' ? Infinity : r.ret, index: id,
  };
  if (r.key !== undefined) op.key = r.key;
  return op;
}));

describe('preparePartitions', () => {
  it.each(MODEL_CASES.map((m) => [m.label, m] as const))('%s: the same partitions, events and kinds as the three passes and the sort', (_l, m) => {
    const model = makeModel(m.spec);
    fc.assert(fc.property(anyHistory(m, 12), (h) => expectSame(model, pairOps(h))), { numRuns: 300 });
  });

  it('with positions that are not one per record: the same partitions; events only when they are exact', () => {
    const model = makeModel({ name: 'cas-register', options: { failedCas: 'compare-failed' } });
    fc.assert(fc.property(looseOps, (ops) => expectSame(model, ops)), { numRuns: 2000 });
  });

  it('reads events off positions for paired histories (no sort), including returns at Infinity', () => {
    const model = makeModel({ name: 'cas-register' });
    const ops = pairOps([
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'write', value: 1, key: 'a' },
      { index: 1, time: 0, process: 1, type: 'invoke', f: 'write', value: 2, key: 'b' },
      { index: 2, time: 0, process: 2, type: 'invoke', f: 'write', value: 3, key: 'a' },
      { index: 3, time: 0, process: 0, type: 'info', f: 'write', value: 1, key: 'a' },
      { index: 4, time: 0, process: 1, type: 'ok', f: 'write', value: 2, key: 'b' },
      { index: 5, time: 0, process: 2, type: 'ok', f: 'write', value: 3, key: 'a' },
    ]);
    const parts = preparePartitions(model, ops);
    expect(parts.map((p) => p.key)).toEqual(['a', 'b']);
    expect([...parts[0].events!]).toEqual([0, 2, 3, 1]);
    expect([...parts[0].kinds!]).toEqual([2, 1]);
    expect([...parts[1].events!]).toEqual([0, 1]);
    expect(eventOrders(parts)?.map((e) => [...e])).toEqual([[0, 2, 3, 1], [0, 1]]);
  });

  it('reports the first op the model cannot interpret, as validateOps does', () => {
    const model = makeModel({ name: 'cas-register' });
    const ops = pairOps([
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'write', value: 1 },
      { index: 1, time: 0, process: 0, type: 'fail', f: 'write', value: 1 },
      { index: 2, time: 0, process: 1, type: 'invoke', f: 'cas', value: 3 },
      { index: 3, time: 0, process: 2, type: 'invoke', f: 'get', value: null },
    ]);
    expect(() => preparePartitions(model, ops, 'h.jsonl')).toThrow(/^h\.jsonl:3: cas needs a value \[from, to\], got 3/);
    expect(() => validateOps(model, ops, 'h.jsonl')).toThrow(/^h\.jsonl:3: cas needs a value \[from, to\], got 3/);
  });
});
