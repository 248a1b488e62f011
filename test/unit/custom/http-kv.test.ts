/**
 * The http-kv client against a real HTTP server that answers what each case needs: every status of
 * the convention becomes the completion docs/http-kv.md promises (ok / fail / info), garbage is named
 * with the node, and a refused connection or a silent server is told apart (never sent vs unknown).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ClientDefinition } from '../../../targets/custom/client-api.js';
import { CustomClients } from '../../../targets/custom/clients.js';
import { httpKvClient } from '../../../targets/custom/http-kv.js';
import { scriptedServer } from './scripted-server.js';

const srv = scriptedServer();

function client(cas: 'body' | 'if-match' = 'body', toPort = (): number => srv.port) {
  const clients = new CustomClients(httpKvClient(cas) as unknown as ClientDefinition, ['n1'],
    (n) => ({ name: n, host: '127.0.0.1', port: toPort(), url: `http://127.0.0.1:${toPort()}` }), 300);
  return clients.client(0, 0);
}

describe('http-kv client', () => {
  it.each([
    ['read', 200, '{"value":3}', 'ok', 3],
    ['read', 404, '{"error":"absent"}', 'ok', null],
    ['read', 503, '{"error":"no leader"}', 'fail', undefined],
    ['read', 200, '<html>', 'fail', undefined],
    ['write', 200, '{}', 'ok', 4],
    ['write', 204, '', 'ok', 4],
    ['write', 503, '{"error":"not leader"}', 'fail', undefined],
    ['write', 400, '{"error":"bad"}', 'fail', undefined],
    ['write', 504, '{"error":"unknown"}', 'info', undefined],
    ['write', 500, 'oops', 'info', undefined],
    ['write', 302, 'moved', 'info', undefined],
    ['cas', 200, '{}', 'ok', [1, 2]],
    ['cas', 409, '{"error":"differs"}', 'fail', undefined],
    ['cas', 412, '{"error":"differs"}', 'fail', undefined],
    ['cas', 404, '{"error":"absent"}', 'fail', undefined],
  ])('%s answered %i %s → %s', async (f, status, body, type, value) => {
    srv.answer = { status, body };
    const opValue = f === 'write' ? 4 : f === 'cas' ? [1, 2] : null;
    const c = await client().invoke({ process: 0, f, key: 7, value: opValue });
    expect(c.type).toBe(type);
    if (type === 'ok') expect(c.value).toEqual(value);
    if (status === 200 && body === '<html>') expect(String(c.error)).toMatch(/n1 answered GET \/kv\/7 with garbage: HTTP 200 "<html>"/);
  });

  it('sends the convention: GET /kv/{key}, PUT {"value"}, cas as {"value","expect"} or If-Match', async () => {
    srv.answer = { status: 200, body: '{}' };
    await client().invoke({ process: 0, f: 'write', key: 'a b', value: 5 });
    expect(srv.seen).toMatchObject({ method: 'PUT', url: '/kv/a%20b', body: '{"value":5}' });
    await client().invoke({ process: 0, f: 'cas', key: 1, value: [2, 3] });
    expect(srv.seen).toMatchObject({ method: 'PUT', body: '{"value":3,"expect":2}' });
    await client('if-match').invoke({ process: 0, f: 'cas', key: 1, value: [2, 3] });
    expect(srv.seen).toMatchObject({ method: 'PUT', body: '{"value":3}', ifMatch: '"2"' });
  });

  it('a refused connection is fail (never sent); a silent server is info for a write, fail for a read', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await client('body', () => deadPort).invoke({ process: 0, f: 'write', key: 1, value: 1 });
    expect(refused.type).toBe('fail');
    expect(String(refused.error)).toMatch(/ECONNREFUSED/);
    srv.answer = 'silence';
    expect((await client().invoke({ process: 0, f: 'write', key: 1, value: 1 })).type).toBe('info');
    expect((await client().invoke({ process: 0, f: 'read', key: 1, value: null })).type).toBe('fail');
  });
});
