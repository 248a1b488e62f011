/**
 * The http-kv client's `POST /txn` against a real HTTP server answering what each case needs: every
 * status becomes the completion docs/http-kv.md promises for a transaction (ok / fail / info), a 200
 * that is not the transaction sent is garbage, and a read-only transaction's errors are fails.
 */
import { describe, expect, it } from 'vitest';
import type { ClientDefinition } from '../../../targets/custom/client-api.js';
import { CustomClients } from '../../../targets/custom/clients.js';
import { httpKvClient } from '../../../targets/custom/http-kv.js';
import { scriptedServer } from './scripted-server.js';

const srv = scriptedServer();

const client = () => new CustomClients(httpKvClient('body') as unknown as ClientDefinition, ['n1'],
  (n) => ({ name: n, host: '127.0.0.1', port: srv.port, url: `http://127.0.0.1:${srv.port}` }), 300).client(0, 0);

const WRITE = [['r', 1, null], ['append', 1, 5]];
const READ = [['r', 1, null], ['r', 2, null]];
const DONE = JSON.stringify({ txn: [['r', 1, [3, 4]], ['append', 1, 5]] });

describe('http-kv client: POST /txn', () => {
  it('sends the micro-ops as {"txn": [...]} and returns the completed ones', async () => {
    srv.answer = { status: 200, body: DONE };
    const c = await client().invoke({ process: 0, f: 'txn', value: WRITE });
    expect(srv.seen).toEqual({ method: 'POST', url: '/txn', body: JSON.stringify({ txn: WRITE }) });
    expect(c).toMatchObject({ type: 'ok', value: [['r', 1, [3, 4]], ['append', 1, 5]] });
  });

  it.each([
    [409, '{"error":"conflict"}', 'fail', /transaction refused/],
    [412, '{"error":"conflict"}', 'fail', /transaction refused/],
    [400, '{"error":"bad"}', 'fail', /HTTP 400/],
    [503, '{"error":"not leader"}', 'fail', /HTTP 503/],
    [404, '{"error":"no route"}', 'fail', /n1 does not offer POST \/txn/],
    [405, '', 'fail', /n1 does not offer POST \/txn/],
    [504, '{"error":"unknown"}', 'info', /HTTP 504/],
    [500, 'oops', 'info', /HTTP 500/],
    [302, 'moved', 'info', /n1 answered POST \/txn with garbage: HTTP 302/],
    [200, '<html>', 'info', /garbage: HTTP 200 "<html>"/],
    [200, '{"txn":[]}', 'info', /garbage/],
    // The server answered another transaction (an appended value that is not the one sent).
    [200, JSON.stringify({ txn: [['r', 1, []], ['append', 1, 6]] }), 'info', /garbage/],
    [200, JSON.stringify({ txn: [['r', 2, []], ['append', 1, 5]] }), 'info', /garbage/],
  ])('a writing txn answered %i %s → %s', async (status, body, type, error) => {
    srv.answer = { status, body };
    const c = await client().invoke({ process: 0, f: 'txn', value: WRITE });
    expect(c.type).toBe(type);
    expect(String(c.error)).toMatch(error);
  });

  it('a read-only txn: any error is a fail (it changed nothing); a silent server: info for a write, fail for a read', async () => {
    for (const a of [{ status: 504, body: '{}' }, { status: 200, body: 'garbage' }]) {
      srv.answer = a;
      expect((await client().invoke({ process: 0, f: 'txn', value: READ })).type).toBe('fail');
    }
    srv.answer = 'silence';
    expect((await client().invoke({ process: 0, f: 'txn', value: WRITE })).type).toBe('info');
    expect((await client().invoke({ process: 0, f: 'txn', value: READ })).type).toBe('fail');
  });
});
