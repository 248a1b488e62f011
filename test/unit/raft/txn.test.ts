/**
 * The Raft's transaction command (targets/raft/txn.ts) in its state machine: micro-ops applied in
 * order and whole, reads of the txn's own writes, all-or-nothing on a bad append, a snapshot keeps
 * the lists; the bug switch's command carries the reads the receiving node saw, and the apply
 * answers those instead of its own state.
 */
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from '../../../targets/raft/state-machine.js';
import { parseTxnRequest, type TxnRequest } from '../../../targets/raft/txn.js';
import { NO_BUGS } from '../../../targets/raft/bugs.js';
import { appliedChanges, WatchLog } from '../../../targets/raft/watch-log.js';

describe('raft txn', () => {
  it('applies micro-ops in order, whole, reading its own writes', () => {
    const sm = new KvStateMachine();
    expect(sm.apply({ f: 'txn', txn: [['r', 1, null], ['append', 1, 7], ['r', 1, null], ['w', 2, 3], ['r', 2, null]] }))
      .toEqual({ type: 'txn_ok', txn: [['r', 1, null], ['append', 1, 7], ['r', 1, [7]], ['w', 2, 3], ['r', 2, 3]] });
    expect(sm.apply({ f: 'txn', txn: [['append', 1, 8], ['r', 1, null]] })).toEqual({ type: 'txn_ok', txn: [['append', 1, 8], ['r', 1, [7, 8]]] });
    // An append to a register fails the whole txn: the append to key 1 before it is not applied.
    expect(sm.apply({ f: 'txn', txn: [['append', 1, 9], ['append', 2, 1]] })).toMatchObject({ type: 'error', code: 12 });
    expect(sm.get(1)).toEqual([7, 8]);
    expect(KvStateMachine.fromData(sm.toData()).apply({ f: 'txn', txn: [['r', 1, null]] })).toEqual({ type: 'txn_ok', txn: [['r', 1, [7, 8]]] });
  });

  it('the bug\'s command answers the reads it carries, and still applies its writes', () => {
    const leader = new KvStateMachine();
    leader.apply({ f: 'txn', txn: [['append', 1, 1], ['append', 1, 2]] });
    const follower = new KvStateMachine();
    follower.apply({ f: 'txn', txn: [['append', 1, 1]] });
    const req = parseTxnRequest({ type: 'txn', txn: [['r', 1, null], ['append', 1, 3]] }) as TxnRequest;
    const stale = { ...req, reads: follower.txnReads(req) };
    expect(leader.apply(stale)).toEqual({ type: 'txn_ok', txn: [['r', 1, [1]], ['append', 1, 3]] });
    expect(leader.get(1)).toEqual([1, 2, 3]);
  });

  it('refuses a malformed txn with error 12', () => {
    expect(parseTxnRequest({ type: 'txn', txn: [['x', 1, 2]] })).toMatchObject({ type: 'error', code: 12 });
    expect(parseTxnRequest({ type: 'txn' })).toMatchObject({ type: 'error', code: 12 });
  });
});

describe('a transaction in the watch log', () => {
  it('is an event per key it wrote, all at its revision; a read-only or refused one, and a failed cas, change nothing', () => {
    const sm = new KvStateMachine();
    const txn: TxnRequest = { f: 'txn', txn: [['append', 1, 7], ['w', 'a', 3], ['r', 2, null], ['append', 1, 8]] };
    const r = sm.apply(txn);
    const log = new WatchLog(NO_BUGS);
    log.onApplied(4, appliedChanges(txn, r, (k) => sm.get(k)));
    const got = log.since(1, '');
    expect(got).toEqual({ kind: 'events', rev: 4, events: [{ rev: 4, key: '1', value: [7, 8] }, { rev: 4, key: 'a', value: 3 }] });
    expect(appliedChanges({ f: 'txn', txn: [['r', 1, null]] }, { type: 'txn_ok', txn: [['r', 1, [7, 8]]] }, (k) => sm.get(k))).toEqual([]);
    expect(appliedChanges(txn, { type: 'error', code: 12 }, (k) => sm.get(k))).toEqual([]);
    expect(appliedChanges({ f: 'cas', key: 'a', from: 9, to: 4, create: false }, { type: 'error', code: 22 }, (k) => sm.get(k))).toEqual([]);
    expect(appliedChanges({ f: 'write', key: 'b', value: 5 }, sm.apply({ f: 'write', key: 'b', value: 5 }), (k) => sm.get(k))).toEqual([{ key: 'b', value: 5 }]);
  });
});
