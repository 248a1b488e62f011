import { describe, expect, it } from 'vitest';
import { checkSet } from '../../../checkers/set.js';
import { fin, history, type Row } from './history.js';

type Case = {
  name: string;
  rows: Row[];
  valid: true | false | 'unknown';
  expect?: (r: ReturnType<typeof checkSet>) => void;
};

const cases: Case[] = [
  {
    name: 'every acknowledged element in every final read',
    rows: [
      [0, 'invoke', 'add', 0], [0, 'ok', 'add', 0],
      [1, 'invoke', 'add', 1], [1, 'ok', 'add', 1],
      [0, 'invoke', 'read', fin('n0')], [1, 'invoke', 'read', fin('n1')],
      [0, 'ok', 'read', [0, 1]], [1, 'ok', 'read', [1, 0]],
    ],
    valid: true,
    expect: (r) => {
      expect(r).toMatchObject({ attempted: 2, acknowledged: 2, finalReads: 2, finalReadSource: 'marked' });
      expect(r.lost.count + r.unexpected.count + r.stale.count + r.neverRead.count).toBe(0);
    },
  },
  {
    name: 'an acknowledged element missing from one node is lost there',
    rows: [
      [0, 'invoke', 'add', 0], [0, 'ok', 'add', 0],
      [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', [0]],
      [1, 'invoke', 'read', fin('n1')], [1, 'ok', 'read', []],
    ],
    valid: false,
    expect: (r) => {
      expect(r.lost).toEqual({ count: 1, examples: [{ element: 0, added: 1, missingFrom: [{ read: 5, node: 'n1' }] }] });
      expect(r.reason).toMatch(/1 acknowledged element\(s\) missing/);
    },
  },
  {
    name: 'an add acknowledged after the final read started is not lost',
    rows: [
      [0, 'invoke', 'add', 0], [1, 'invoke', 'read', fin('n0')], [0, 'ok', 'add', 0], [1, 'ok', 'read', []],
    ],
    valid: true,
  },
  {
    name: 'an element nobody added is unexpected',
    rows: [[0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', [7]]],
    valid: false,
    expect: (r) => expect(r.unexpected.examples).toEqual([{ element: 7, read: 1, node: 'n0', reason: 'never-added' }]),
  },
  {
    name: 'an element whose add failed is unexpected',
    rows: [[0, 'invoke', 'add', 3], [0, 'fail', 'add', 3], [0, 'invoke', 'read'], [0, 'ok', 'read', [3]],
      [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', []]],
    valid: false,
    expect: (r) => expect(r.unexpected.examples[0]).toMatchObject({ element: 3, reason: 'add-failed', read: 3 }),
  },
  {
    name: 'a read that finished before the add started is unexpected',
    rows: [[1, 'invoke', 'read'], [1, 'ok', 'read', [5]], [0, 'invoke', 'add', 5], [0, 'ok', 'add', 5],
      [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', [5]]],
    valid: false,
    expect: (r) => expect(r.unexpected.examples[0]).toMatchObject({ element: 5, reason: 'read-before-add' }),
  },
  {
    name: 'an indeterminate add that shows up is recovered, not an error',
    rows: [[0, 'invoke', 'add', 2], [0, 'info', 'add', 2], [3, 'invoke', 'read', fin('n0')], [3, 'ok', 'read', [2]]],
    valid: true,
    expect: (r) => {
      expect(r.recovered).toEqual({ count: 1, examples: [{ element: 2, added: 0, read: 3 }] });
      expect(r.indeterminate).toBe(1);
    },
  },
  {
    name: 'an indeterminate add that never appears is fine',
    rows: [[0, 'invoke', 'add', 2], [0, 'info', 'add', 2], [3, 'invoke', 'read', fin('n0')], [3, 'ok', 'read', []]],
    valid: true,
  },
  {
    name: 'a read missing an acknowledged element that later converges is stale, not invalid',
    rows: [[0, 'invoke', 'add', 0], [0, 'ok', 'add', 0], [1, 'invoke', 'read'], [1, 'ok', 'read', []],
      [1, 'invoke', 'read', fin('n0')], [1, 'ok', 'read', [0]]],
    valid: true,
    expect: (r) => expect(r.stale).toEqual({ count: 1, examples: [{ element: 0, added: 1, read: 3 }] }),
  },
  {
    name: 'an acknowledged element no read ever returned is never-read (and lost)',
    rows: [[0, 'invoke', 'add', 0], [0, 'ok', 'add', 0], [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', []]],
    valid: false,
    expect: (r) => expect(r.neverRead.count).toBe(1),
  },
  {
    name: 'no final read succeeded: unknown',
    rows: [[0, 'invoke', 'add', 0], [0, 'ok', 'add', 0], [0, 'invoke', 'read', fin('n0')], [0, 'fail', 'read', fin('n0')]],
    valid: 'unknown',
    expect: (r) => expect(r.reason).toMatch(/no final read succeeded/),
  },
  {
    name: 'a node without a successful final read: unknown, naming it',
    rows: [[0, 'invoke', 'add', 0], [0, 'ok', 'add', 0],
      [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', [0]],
      [1, 'invoke', 'read', fin('n1')], [1, 'info', 'read', fin('n1')]],
    valid: 'unknown',
    expect: (r) => expect(r.nodesWithoutFinalRead).toEqual(['n1']),
  },
  {
    name: 'a retried final read that succeeds covers its node',
    rows: [[0, 'invoke', 'add', 0], [0, 'ok', 'add', 0],
      [1, 'invoke', 'read', fin('n1')], [1, 'fail', 'read', fin('n1')],
      [1, 'invoke', 'read', fin('n1')], [1, 'ok', 'read', [0]]],
    valid: true,
  },
  {
    name: 'without marked final reads the last successful read is the final one',
    rows: [[0, 'invoke', 'add', 0], [0, 'ok', 'add', 0], [1, 'invoke', 'read'], [1, 'ok', 'read', []],
      [1, 'invoke', 'read'], [1, 'ok', 'read', [0]]],
    valid: true,
    expect: (r) => expect(r).toMatchObject({ finalReadSource: 'last-read', finalReads: 1 }),
  },
  {
    name: 'an element added twice counts as acknowledged if either add was',
    rows: [[0, 'invoke', 'add', 4], [0, 'fail', 'add', 4], [0, 'invoke', 'add', 4], [0, 'ok', 'add', 4],
      [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', []]],
    valid: false,
    expect: (r) => expect(r).toMatchObject({ attempted: 1, acknowledged: 1 }),
  },
  {
    name: 'elements compare as JSON values, whatever the key order',
    rows: [[0, 'invoke', 'add', { a: 1, b: 2 }], [0, 'ok', 'add', { a: 1, b: 2 }],
      [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', [{ b: 2, a: 1 }]]],
    valid: true,
  },
  {
    name: 'nemesis ops are ignored',
    rows: [['nemesis', 'invoke', 'start-partition'], [0, 'invoke', 'add', 0], ['nemesis', 'info', 'start-partition'],
      [0, 'ok', 'add', 0], [0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', [0]]],
    valid: true,
  },
];

describe('set checker', () => {
  it.each(cases)('$name', ({ rows, valid, expect: more }) => {
    const r = checkSet(history(rows));
    expect(r.valid).toBe(valid);
    expect(r.checker).toBe('set');
    more?.(r);
  });

  it('counts every lost element but keeps only maxExamples', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 30; i++) rows.push([0, 'invoke', 'add', i], [0, 'ok', 'add', i]);
    rows.push([0, 'invoke', 'read', fin('n0')], [0, 'ok', 'read', []]);
    const r = checkSet(history(rows), { maxExamples: 3 });
    expect(r.lost.count).toBe(30);
    expect(r.lost.examples.map((e) => e.element)).toEqual([0, 1, 2]);
  });

  it('says which read returned something other than an array', () => {
    expect(() => checkSet(history([[0, 'invoke', 'read'], [0, 'ok', 'read', 3]]))).toThrow(/index 1 returned 3, not an array/);
  });

  it('takes the node of a read from the op when the history records it', () => {
    const r = checkSet(history([[0, 'invoke', 'read'], [0, 'ok', 'read', [9], { node: 'n2' }]]));
    expect(r.unexpected.examples[0].node).toBe('n2');
  });

  it('checks other fs when told', () => {
    const r = checkSet(history([[0, 'invoke', 'put', 1], [0, 'ok', 'put', 1], [0, 'invoke', 'get', fin('n0')], [0, 'ok', 'get', []]]),
      { addF: 'put', readF: 'get' });
    expect(r.lost.count).toBe(1);
  });
});
