import { describe, expect, it } from 'vitest';
import { checkEcho } from '../../../checkers/echo.js';
import { linearizableChecker } from '../../../checkers/linearizability.js';
import { checkProtocol } from '../../../checkers/protocol.js';
import { checkTxnListAppend } from '../../../checkers/txn.js';
import { ProtocolError } from '../../../harness/middle/workloads/errors.js';
import { history } from './history.js';

describe('echo checker', () => {
  it.each([
    { name: 'every ok echo returned what was sent', got: 'hi', valid: true },
    { name: 'an ok echo that returned something else', got: 'ho', valid: false },
  ])('$name', ({ got, valid }) => {
    const r = checkEcho(history([[0, 'invoke', 'echo', 'hi'], [0, 'ok', 'echo', got], [1, 'invoke', 'echo', 'x'], [1, 'fail', 'echo', 'x']]));
    expect(r.valid).toBe(valid);
    expect(r.ok).toBe(1);
    if (!valid) expect(r.mismatched.examples).toEqual([{ index: 1, sent: 'hi', got: 'ho' }]);
  });
});

describe('protocol checker', () => {
  it('is valid without protocol errors', () => {
    expect(checkProtocol(history([[0, 'invoke', 'read'], [0, 'info', 'read', null, { error: 'timeout' }]]))).toMatchObject({ valid: true, count: 0 });
  });

  it('lists protocol errors recorded in the history, per node', () => {
    const pe = new ProtocolError('n1', { type: 'read' }, { type: 'read_ok', in_reply_to: 4 }, 'lacks "value"', '{type: "read_ok", value: <any>}');
    const r = checkProtocol(history([[0, 'invoke', 'read'], [0, 'info', 'read', null, { error: pe.toJSON() }], [3, 'invoke', 'read'], [3, 'info', 'read', null, { error: pe.toJSON() }]]));
    expect(r).toMatchObject({ valid: false, count: 2, byNode: { n1: 2 } });
    expect(r.examples[0]).toEqual({ index: 1, f: 'read', node: 'n1', message: pe.message });
  });
});

describe('txn-list-append checker (Elle)', () => {
  it('judges a serial history valid and counts what it checked', () => {
    const r = checkTxnListAppend(history([
      [0, 'invoke', 'txn', [['r', 1, null], ['append', 1, 0]]], [0, 'ok', 'txn', [['r', 1, null], ['append', 1, 0]]],
      [1, 'invoke', 'txn', [['append', 2, 0]]], [1, 'info', 'txn', [['append', 2, 0]]],
    ]));
    expect(r).toMatchObject({ valid: true, checker: 'txn-list-append', txns: { ok: 1, fail: 0, info: 1 }, microOps: { reads: 1, appends: 1 } });
  });

  it('finds a stale read (G-single-realtime) and is unknown when nothing committed', () => {
    const r = checkTxnListAppend(history([
      [0, 'invoke', 'txn', [['append', 1, 0]]], [0, 'ok', 'txn', [['append', 1, 0]]],
      [1, 'invoke', 'txn', [['r', 1, null]]], [1, 'ok', 'txn', [['r', 1, []]]],
    ]));
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual({ 'G-single-realtime': 1 });
    const none = checkTxnListAppend(history([[1, 'invoke', 'txn', [['append', 2, 0]]], [1, 'info', 'txn', [['append', 2, 0]]]]));
    expect(none.valid).toBe('unknown');
  });
});

describe('linearizable checker for lin-kv', () => {
  it('checks each key as its own cas register', async () => {
    const ok = history([
      [0, 'invoke', 'write', 1, { key: 0 }], [0, 'ok', 'write', 1, { key: 0 }],
      [1, 'invoke', 'write', 2, { key: 1 }], [1, 'ok', 'write', 2, { key: 1 }],
      [0, 'invoke', 'cas', [1, 3], { key: 0 }], [0, 'ok', 'cas', [1, 3], { key: 0 }],
      [1, 'invoke', 'read', null, { key: 1 }], [1, 'ok', 'read', 2, { key: 1 }],
      [0, 'invoke', 'read', null, { key: 0 }], [0, 'ok', 'read', 3, { key: 0 }],
      // A failed cas and a failed read (key missing) did not happen.
      [0, 'invoke', 'cas', [9, 4], { key: 0 }], [0, 'fail', 'cas', [9, 4], { key: 0 }],
      [0, 'invoke', 'read', null, { key: 2 }], [0, 'fail', 'read', null, { key: 2 }],
    ]);
    const r = await linearizableChecker().check(ok, {});
    expect(r).toMatchObject({ valid: true, checker: 'linearizable', model: 'cas-register', partitions: 2 });

    const stale = history([
      [0, 'invoke', 'write', 1, { key: 0 }], [0, 'ok', 'write', 1, { key: 0 }],
      [1, 'invoke', 'read', null, { key: 0 }], [1, 'ok', 'read', null, { key: 0 }],
    ]);
    expect((await linearizableChecker().check(stale, {})).valid).toBe(false);
  });
});
