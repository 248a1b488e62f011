import { describe, expect, it } from 'vitest';
import { getWorkload } from '../../../harness/middle/workloads/index.js';
import { ProtocolError } from '../../../harness/middle/workloads/errors.js';
import type { ClientOp } from '../../../harness/ground/contracts/roles.js';
import { FakeConn, timeout, type Answer } from './fake-conn.js';

const OPTS = { rate: 10, concurrency: 2, nodes: ['n0', 'n1', 'n2'] };

type Case = {
  workload: string;
  name: string;
  op: Omit<ClientOp, 'process'>;
  /** The request the node must receive (msg_id is the connection's business). */
  sends: Record<string, unknown>;
  reply: Answer;
  /** The completion, without `node` (always the node asked, n0 unless `dest`). */
  completes: Record<string, unknown>;
  dest?: string;
};

const err = (code: number, text = 'x') => ({ type: 'error', code, text });
const pe = (problem: RegExp) => ({ type: 'info', error: expect.objectContaining({ kind: 'protocol-error', node: 'n0', message: expect.stringMatching(problem) }) });

const cases: Case[] = [
  // echo
  { workload: 'echo', name: 'ok', op: { f: 'echo', value: 'hi' }, sends: { type: 'echo', echo: 'hi' }, reply: { type: 'echo_ok', echo: 'hi' }, completes: { type: 'ok', value: 'hi' } },
  { workload: 'echo', name: 'a different payload is recorded for the checker', op: { f: 'echo', value: 'hi' }, sends: { type: 'echo', echo: 'hi' }, reply: { type: 'echo_ok', echo: 'ho' }, completes: { type: 'ok', value: 'ho' } },
  { workload: 'echo', name: 'timeout (idempotent)', op: { f: 'echo', value: 'hi' }, sends: { type: 'echo', echo: 'hi' }, reply: timeout(), completes: { type: 'fail', error: 'timeout' } },
  { workload: 'echo', name: 'missing echo', op: { f: 'echo', value: 'hi' }, sends: { type: 'echo', echo: 'hi' }, reply: { type: 'echo_ok' }, completes: pe(/reply to echo \(msg_id 1\) lacks "echo"/) },

  // lin-kv
  { workload: 'lin-kv', name: 'read ok', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: { type: 'read_ok', value: 4 }, completes: { type: 'ok', value: 4 } },
  { workload: 'lin-kv', name: 'read of null', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: { type: 'read_ok', value: null }, completes: { type: 'ok', value: null } },
  { workload: 'lin-kv', name: 'read of a missing key is a fail', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: err(20, 'not found'), completes: { type: 'fail', error: { code: 20, name: 'key-does-not-exist', text: 'not found' } } },
  { workload: 'lin-kv', name: 'read that timed out is a fail', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: timeout(), completes: { type: 'fail', error: 'timeout' } },
  { workload: 'lin-kv', name: 'read with an indefinite error is still a fail', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: err(13), completes: { type: 'fail', error: { code: 13, name: 'crash', text: 'x' } } },
  { workload: 'lin-kv', name: 'read_ok without value', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: { type: 'read_ok' }, completes: pe(/lacks "value"; expected \{type: "read_ok", value: <any>\}/) },
  { workload: 'lin-kv', name: 'read answered with the wrong type', op: { f: 'read', key: 3, value: null }, sends: { type: 'read', key: 3 }, reply: { type: 'write_ok' }, completes: pe(/has type "write_ok"/) },
  { workload: 'lin-kv', name: 'write ok keeps the value', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: { type: 'write_ok' }, completes: { type: 'ok' } },
  { workload: 'lin-kv', name: 'write with a definite error', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: err(11), completes: { type: 'fail', error: { code: 11, name: 'temporarily-unavailable', text: 'x' } } },
  { workload: 'lin-kv', name: 'write with an indefinite error', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: err(0), completes: { type: 'info', error: { code: 0, name: 'timeout', text: 'x' } } },
  { workload: 'lin-kv', name: 'write with an unknown error code', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: err(1000), completes: { type: 'info', error: { code: 1000, name: 'unknown', text: 'x' } } },
  { workload: 'lin-kv', name: 'write that timed out', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: timeout(), completes: { type: 'info', error: 'timeout' } },
  { workload: 'lin-kv', name: 'write when the network fails', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: new Error('network closed'), completes: { type: 'info', error: { name: 'rpc-error', text: 'network closed' } } },
  { workload: 'lin-kv', name: 'error without a code', op: { f: 'write', key: 1, value: 2 }, sends: { type: 'write', key: 1, value: 2 }, reply: { type: 'error', text: 'oops' }, completes: pe(/is an error without an integer "code"/) },
  { workload: 'lin-kv', name: 'cas ok', op: { f: 'cas', key: 0, value: [1, 2] }, sends: { type: 'cas', key: 0, from: 1, to: 2 }, reply: { type: 'cas_ok' }, completes: { type: 'ok' } },
  { workload: 'lin-kv', name: 'cas precondition failed', op: { f: 'cas', key: 0, value: [1, 2] }, sends: { type: 'cas', key: 0, from: 1, to: 2 }, reply: err(22), completes: { type: 'fail', error: { code: 22, name: 'precondition-failed', text: 'x' } } },
  { workload: 'lin-kv', name: 'cas on a missing key', op: { f: 'cas', key: 0, value: [1, 2] }, sends: { type: 'cas', key: 0, from: 1, to: 2 }, reply: err(20), completes: { type: 'fail', error: { code: 20, name: 'key-does-not-exist', text: 'x' } } },
  { workload: 'lin-kv', name: 'cas that timed out', op: { f: 'cas', key: 0, value: [1, 2] }, sends: { type: 'cas', key: 0, from: 1, to: 2 }, reply: timeout(), completes: { type: 'info', error: 'timeout' } },
  { workload: 'lin-kv', name: 'a reply that is not an object', op: { f: 'cas', key: 0, value: [1, 2] }, sends: { type: 'cas', key: 0, from: 1, to: 2 }, reply: 'cas_ok', completes: pe(/has no type/) },

  // g-set
  { workload: 'g-set', name: 'add ok', op: { f: 'add', value: 5 }, sends: { type: 'add', element: 5 }, reply: { type: 'add_ok' }, completes: { type: 'ok' } },
  { workload: 'g-set', name: 'add timed out', op: { f: 'add', value: 5 }, sends: { type: 'add', element: 5 }, reply: timeout(), completes: { type: 'info', error: 'timeout' } },
  { workload: 'g-set', name: 'read ok', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: { type: 'read_ok', value: [1, 2] }, completes: { type: 'ok', value: [1, 2] } },
  { workload: 'g-set', name: 'read of something not a list', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: { type: 'read_ok', value: 3 }, completes: pe(/has "value" = 3, which is not an array/) },
  { workload: 'g-set', name: 'final read goes to the node it names', op: { f: 'read', value: { final: true, node: 'n2' } }, sends: { type: 'read' }, reply: { type: 'read_ok', value: [] }, completes: { type: 'ok', value: [] }, dest: 'n2' },

  // counters
  { workload: 'g-counter', name: 'add ok', op: { f: 'add', value: 3 }, sends: { type: 'add', delta: 3 }, reply: { type: 'add_ok' }, completes: { type: 'ok' } },
  { workload: 'g-counter', name: 'add with an indefinite error', op: { f: 'add', value: 3 }, sends: { type: 'add', delta: 3 }, reply: err(13), completes: { type: 'info', error: { code: 13, name: 'crash', text: 'x' } } },
  { workload: 'g-counter', name: 'read ok', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: { type: 'read_ok', value: 7 }, completes: { type: 'ok', value: 7 } },
  { workload: 'g-counter', name: 'read of a non-integer', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: { type: 'read_ok', value: '7' }, completes: pe(/which is not an integer/) },
  { workload: 'pn-counter', name: 'negative add', op: { f: 'add', value: -4 }, sends: { type: 'add', delta: -4 }, reply: { type: 'add_ok' }, completes: { type: 'ok' } },
  { workload: 'pn-counter', name: 'read timed out', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: timeout(), completes: { type: 'fail', error: 'timeout' } },

  // unique-ids
  { workload: 'unique-ids', name: 'generate ok', op: { f: 'generate', value: null }, sends: { type: 'generate' }, reply: { type: 'generate_ok', id: 'n0-1' }, completes: { type: 'ok', value: 'n0-1' } },
  { workload: 'unique-ids', name: 'generate timed out', op: { f: 'generate', value: null }, sends: { type: 'generate' }, reply: timeout(), completes: { type: 'info', error: 'timeout' } },
  { workload: 'unique-ids', name: 'generate_ok without id', op: { f: 'generate', value: null }, sends: { type: 'generate' }, reply: { type: 'generate_ok', value: 1 }, completes: pe(/lacks "id"/) },

  // broadcast
  { workload: 'broadcast', name: 'broadcast ok', op: { f: 'broadcast', value: 9 }, sends: { type: 'broadcast', message: 9 }, reply: { type: 'broadcast_ok' }, completes: { type: 'ok' } },
  { workload: 'broadcast', name: 'broadcast timed out', op: { f: 'broadcast', value: 9 }, sends: { type: 'broadcast', message: 9 }, reply: timeout(), completes: { type: 'info', error: 'timeout' } },
  { workload: 'broadcast', name: 'read ok', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: { type: 'read_ok', messages: [9] }, completes: { type: 'ok', value: [9] } },
  { workload: 'broadcast', name: 'read_ok with value instead of messages', op: { f: 'read', value: null }, sends: { type: 'read' }, reply: { type: 'read_ok', value: [9] }, completes: pe(/lacks "messages"/) },
  { workload: 'broadcast', name: 'final read goes to the node it names', op: { f: 'read', value: { final: true, node: 'n1' } }, sends: { type: 'read' }, reply: { type: 'read_ok', messages: [] }, completes: { type: 'ok', value: [] }, dest: 'n1' },

  // txn-list-append
  {
    workload: 'txn-list-append', name: 'txn ok with reads filled in',
    op: { f: 'txn', value: [['r', 1, null], ['append', 1, 6], ['r', 2, null]] },
    sends: { type: 'txn', txn: [['r', 1, null], ['append', 1, 6], ['r', 2, null]] },
    reply: { type: 'txn_ok', txn: [['r', 1, [8]], ['append', 1, 6], ['r', 2, null]] },
    completes: { type: 'ok', value: [['r', 1, [8]], ['append', 1, 6], ['r', 2, null]] },
  },
  { workload: 'txn-list-append', name: 'txn conflict', op: { f: 'txn', value: [['append', 1, 6]] }, sends: { type: 'txn', txn: [['append', 1, 6]] }, reply: err(30), completes: { type: 'fail', error: { code: 30, name: 'txn-conflict', text: 'x' } } },
  { workload: 'txn-list-append', name: 'a txn with an append that timed out', op: { f: 'txn', value: [['r', 1, null], ['append', 1, 6]] }, sends: { type: 'txn', txn: [['r', 1, null], ['append', 1, 6]] }, reply: timeout(), completes: { type: 'info', error: 'timeout' } },
  { workload: 'txn-list-append', name: 'a read-only txn that timed out', op: { f: 'txn', value: [['r', 1, null]] }, sends: { type: 'txn', txn: [['r', 1, null]] }, reply: timeout(), completes: { type: 'fail', error: 'timeout' } },
  { workload: 'txn-list-append', name: 'txn_ok with fewer micro-ops', op: { f: 'txn', value: [['r', 1, null], ['append', 1, 6]] }, sends: { type: 'txn', txn: [['r', 1, null], ['append', 1, 6]] }, reply: { type: 'txn_ok', txn: [['r', 1, []]] }, completes: pe(/has 1 micro-ops in "txn" for the 2 sent/) },
  { workload: 'txn-list-append', name: 'txn_ok changing an append', op: { f: 'txn', value: [['append', 1, 6]] }, sends: { type: 'txn', txn: [['append', 1, 6]] }, reply: { type: 'txn_ok', txn: [['append', 1, 7]] }, completes: pe(/should return the value sent, 6/) },
  { workload: 'txn-list-append', name: 'txn_ok with a read that is not a list', op: { f: 'txn', value: [['r', 1, null]] }, sends: { type: 'txn', txn: [['r', 1, null]] }, reply: { type: 'txn_ok', txn: [['r', 1, 5]] }, completes: pe(/neither a list nor null/) },
];

describe('workload clients', () => {
  it.each(cases)('$workload: $name', async ({ workload, op, sends, reply, completes, dest = 'n0' }) => {
    const conn = new FakeConn(() => reply);
    const client = getWorkload(workload).client(conn, 'n0', OPTS);
    const c = await client.invoke({ process: 0, ...op });
    expect(conn.sent).toEqual([{ dest, body: sends }]);
    const { node, ...rest } = c;
    expect(node).toBe(dest);
    expect(rest).toEqual(completes);
    const isProtocol = (rest.error as { kind?: string } | undefined)?.kind === 'protocol-error';
    expect(client.protocolErrors).toHaveLength(isProtocol ? 1 : 0);
  });

  it('collects protocol errors, reports them at once and names node, request and expectation', async () => {
    const seen: ProtocolError[] = [];
    const conn = new FakeConn(() => ({ type: 'read_ok', value: 'many' }));
    const client = getWorkload('g-counter').client(conn, 'n4', { ...OPTS, onProtocolError: (e) => seen.push(e) });
    const c = await client.invoke({ process: 0, f: 'read', value: null });
    expect(c.type).toBe('info');
    expect(seen).toHaveLength(1);
    expect(client.protocolErrors).toEqual(seen);
    expect(seen[0]).toBeInstanceOf(ProtocolError);
    expect(seen[0].message).toBe(
      'n4 broke the Maelstrom protocol: its reply to read (msg_id 1) has "value" = "many", which is not an integer; ' +
        'expected {type: "read_ok", value: <integer>} or an error, got {"type":"read_ok","value":"many","in_reply_to":1} ' +
        "(fix the node's read handler)",
    );
    expect(c.error).toEqual(seen[0].toJSON());
    expect(JSON.parse(JSON.stringify(c.error))).toMatchObject({ kind: 'protocol-error', node: 'n4', request: 'read', inReplyTo: 1 });
  });

  it('passes the rpc timeout on', async () => {
    const conn = new FakeConn(() => ({ type: 'generate_ok', id: 1 }));
    await getWorkload('unique-ids').client(conn, 'n0', { ...OPTS, rpcTimeoutMs: 250 }).invoke({ process: 0, f: 'generate', value: null });
    expect(conn.sent[0].timeoutMs).toBe(250);
  });

  it('refuses ops the workload does not know, and work after close', async () => {
    const conn = new FakeConn(() => ({ type: 'add_ok' }));
    const client = getWorkload('g-set').client(conn, 'n0', OPTS);
    await expect(client.invoke({ process: 0, f: 'cas', value: [1, 2] })).rejects.toThrow(/g-set workload cannot perform "cas"; its ops are add, read/);
    await client.close();
    await expect(client.invoke({ process: 0, f: 'add', value: 1 })).rejects.toThrow(/closed/);
    expect(conn.sent).toEqual([]);
  });
});
