/**
 * The client layer's error contract with a scripted Raft underneath (a test double of the node's
 * state only; the real node runs in the integration tests): definite 11 only when the op was never
 * proposed, indeterminate 0 once it was; read-index waits for the term's commit and a quorum round;
 * forwarding relays the leader's answer; and the switches that live here.
 */
import { describe, expect, it } from 'vitest';
import type { BugName } from '../../../targets/raft/bugs.js';
import { ClientRequests, type RaftApi } from '../../../targets/raft/client-requests.js';
import type { MaelstromBody } from '../../../harness/ground/protocol/protocol.js';
import { KvStateMachine } from '../../../targets/raft/state-machine.js';

function setup(over: Partial<RaftApi> = {}, bugs: BugName[] = []) {
  const sent: { dest: string; body: MaelstromBody }[] = [];
  const st = { leader: true, leaderId: 'n0' as string | null, term: 2, commit: 0, applied: 0, termCommitted: true, confirmed: 0, round: 0, lease: false, nextIndex: 1 };
  const sm = new KvStateMachine();
  const api: RaftApi = {
    id: 'n0', bugs: new Set(bugs),
    isLeader: () => st.leader, leader: () => st.leaderId, term: () => st.term,
    commitIndex: () => st.commit, lastApplied: () => st.applied, stateMachine: () => sm,
    termCommitted: () => st.termCommitted,
    propose: () => st.nextIndex++,
    requestRound: () => ++st.round,
    roundConfirmed: (seq) => st.confirmed >= seq,
    leaseLooksValid: () => st.lease,
    send: (dest, body) => sent.push({ dest, body }),
    ...over,
  };
  let now = 0;
  const c = new ClientRequests(api, { forwardMs: 50, leaderWaitMs: 100, requestMs: 1000 }, () => now);
  return { c, st, sm, sent, tick: (ms: number) => { now += ms; c.sweep(); } };
}

describe('ClientRequests', () => {
  it('a leader answers a write once its entry applies, with the state machine\'s result', () => {
    const { c, sent, sm } = setup();
    c.onRequest('c1', { type: 'cas', msg_id: 7, key: 1, from: 1, to: 2 });
    expect(sent).toEqual([]);
    c.onApplied(1, 2, sm.apply({ f: 'cas', key: 1, from: 1, to: 2, create: false }));
    expect(sent).toEqual([{ dest: 'c1', body: { type: 'error', code: 20, text: 'key does not exist', in_reply_to: 7 } }]);
  });

  it('a different entry committed at the proposal\'s index is a definite failure; an unconfirmed one after the deadline is indeterminate', () => {
    const { c, sent, tick } = setup();
    c.onRequest('c1', { type: 'write', msg_id: 1, key: 1, value: 1 });
    c.onRequest('c1', { type: 'write', msg_id: 2, key: 1, value: 2 });
    c.onApplied(1, 3, { type: 'write_ok' });
    expect(sent[0].body).toMatchObject({ type: 'error', code: 11, in_reply_to: 1 });
    tick(1000);
    expect(sent[1].body).toMatchObject({ type: 'error', code: 0, in_reply_to: 2 });
  });

  it('read-index: waits for the term\'s commit, then for a quorum round and the apply of the read index', () => {
    const { c, st, sent, sm } = setup();
    sm.apply({ f: 'write', key: 'k', value: 5 });
    st.termCommitted = false;
    st.commit = 3;
    c.onRequest('c1', { type: 'read', msg_id: 1, key: 'k' });
    c.pump();
    expect(st.round).toBe(0);
    st.termCommitted = true;
    c.pump();
    expect([st.round, sent.length]).toEqual([1, 0]);
    st.confirmed = 1;
    c.pump();
    expect(sent.length).toBe(0); // read index 3 not applied yet
    st.applied = 3;
    c.pump();
    expect(sent).toEqual([{ dest: 'c1', body: { type: 'read_ok', value: 5, in_reply_to: 1 } }]);
  });

  it('a read in progress fails when leadership is lost; a forwarded request to a non-leader is a definite 11', () => {
    const { c, st, sent } = setup();
    c.onRequest('c1', { type: 'read', msg_id: 1, key: 'k' });
    st.leader = false;
    c.onStepDown();
    c.onRequest('n3', { type: 'write', msg_id: 9, key: 1, value: 1, fwd: true });
    expect(sent.map((s) => [s.dest, s.body.code, s.body.in_reply_to])).toEqual([['c1', 11, 1], ['n3', 11, 9]]);
  });

  it('a follower forwards to the leader and relays its answer; with no answer in time it is indeterminate', async () => {
    const { c, st, sent } = setup();
    st.leader = false;
    st.leaderId = 'n2';
    c.onRequest('c1', { type: 'write', msg_id: 5, key: 1, value: 1 });
    expect(sent[0]).toMatchObject({ dest: 'n2', body: { type: 'write', fwd: true, key: 1, value: 1 } });
    // Only the node it was forwarded to can answer it.
    expect(c.onForwardReply('n3', { type: 'write_ok', in_reply_to: sent[0].body.msg_id as number })).toBe(false);
    expect(c.onForwardReply('n2', { type: 'write_ok', in_reply_to: sent[0].body.msg_id as number })).toBe(true);
    expect(sent[1]).toEqual({ dest: 'c1', body: { type: 'write_ok', in_reply_to: 5 } });
    c.onRequest('c1', { type: 'write', msg_id: 6, key: 1, value: 2 });
    await new Promise((r) => setTimeout(r, 80));
    expect(sent[3]).toMatchObject({ dest: 'c1', body: { type: 'error', code: 0, in_reply_to: 6 } });
  });

  it('with no leader known it waits, goes ahead once one is known, and fails with 11 only if none appears', () => {
    const { c, st, sent, tick } = setup();
    st.leader = false;
    st.leaderId = null;
    c.onRequest('c1', { type: 'write', msg_id: 1, key: 1, value: 1 });
    c.onRequest('c1', { type: 'write', msg_id: 2, key: 1, value: 1 });
    tick(50);
    st.leaderId = 'n4';
    c.onLeaderKnown();
    expect(sent.map((s) => s.dest)).toEqual(['n4', 'n4']);
    st.leaderId = null;
    c.onRequest('c1', { type: 'read', msg_id: 3, key: 1 });
    tick(100);
    expect(sent[2]).toMatchObject({ dest: 'c1', body: { code: 11, in_reply_to: 3 } });
  });

  it('stale-read answers at once on any node; early-ack before commit; lease-read while the lease looks valid', () => {
    const stale = setup({}, ['stale-read']);
    stale.st.leader = false;
    stale.c.onRequest('c1', { type: 'read', msg_id: 1, key: 1 });
    expect(stale.sent[0].body).toMatchObject({ type: 'error', code: 20 });
    const early = setup({}, ['early-ack']);
    early.c.onRequest('c1', { type: 'write', msg_id: 1, key: 1, value: 3 });
    expect(early.sent[0].body).toEqual({ type: 'write_ok', in_reply_to: 1 });
    early.c.onApplied(1, 2, { type: 'write_ok' });
    expect(early.sent.length).toBe(1);
    const lease = setup({}, ['lease-read']);
    lease.st.lease = true;
    lease.c.onRequest('c1', { type: 'read', msg_id: 1, key: 1 });
    expect([lease.sent.length, lease.st.round]).toEqual([1, 0]);
  });
});

describe('ClientRequests when the leader goes silent', () => {
  it('answers requests forwarded to it indeterminate at once, leaving others alone', () => {
    const { c, st, sent } = setup();
    st.leader = false;
    st.leaderId = 'n2';
    c.onRequest('c1', { type: 'write', msg_id: 1, key: 1, value: 1 });
    c.onLeaderLost('n3');
    expect(sent.length).toBe(1);
    c.onLeaderLost('n2');
    expect(sent[1]).toMatchObject({ dest: 'c1', body: { type: 'error', code: 0, in_reply_to: 1 } });
    expect(c.pending.forwards).toBe(0);
  });
});
