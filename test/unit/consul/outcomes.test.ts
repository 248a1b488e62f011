/**
 * How the Consul clients map what the HTTP API does to `ok` / `fail` / `info`, against a local HTTP
 * server that answers as Consul would (true/false bodies, 404 for an absent key, 500s) or not at all.
 * A read that did not succeed is `fail`; a write that timed out, lost its connection or got a 5xx is
 * `info`; a cas answered false, a 4xx and a refused connection are `fail`. The read mode reaches the
 * URL as Consul's query parameter. (A real Consul is exercised in test/integration/consul/.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulClients } from '../../../targets/consul/clients.js';
import type { ReadMode } from '../../../targets/consul/http.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_q, res) => res.end('true');
const seen: string[] = [];
let server: http.Server;
let endpoint = '';

beforeAll(async () => {
  server = http.createServer((q, res) => {
    seen.push(`${q.method} ${q.url}`);
    q.resume();
    q.on('end', () => handler(q, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const entry = (value: string, index: number): string => JSON.stringify([{ Key: 'k', Value: Buffer.from(value).toString('base64'), ModifyIndex: index }]);

function client(reads: ReadMode = 'consistent', ep = (): string => endpoint): ReturnType<ConsulClients['open']> {
  return new ConsulClients(['n1'], ep, 'register', { reads, timeoutMs: 300 }).open(0);
}

const op = (f: string, value: unknown = null) => ({ process: 0, f, value, key: 1 });

describe('consul client outcomes', () => {
  it('reads: a value, absent (404) as null, and the mode in the URL', async () => {
    for (const [mode, param] of [['consistent', '?consistent'], ['stale', '?stale'], ['default', '']] as const) {
      seen.length = 0;
      handler = (_q, res) => res.end(entry('3', 7));
      expect(await client(mode).invoke(op('read'))).toEqual({ type: 'ok', value: 3 });
      expect(seen).toEqual([`GET /v1/kv/faultline/register/1${param}`]);
    }
    handler = (_q, res) => { res.statusCode = 404; res.end(); };
    expect(await client().invoke(op('read'))).toEqual({ type: 'ok', value: null });
  });

  it('a read that did not succeed is fail: a 500, no answer in time', async () => {
    handler = (_q, res) => { res.statusCode = 500; res.end('No cluster leader'); };
    expect(await client().invoke(op('read'))).toMatchObject({ type: 'fail', error: expect.stringMatching(/HTTP 500 No cluster leader/) });
    handler = () => undefined; // never answers, as a paused server
    expect(await client().invoke(op('read'))).toMatchObject({ type: 'fail', error: expect.stringMatching(/no answer within the request timeout/) });
  });

  it('writes: true is ok; a timeout, a 500 or a dropped connection is info; a 4xx or a refused connection is fail', async () => {
    handler = (_q, res) => res.end('true');
    expect(await client().invoke(op('write', 2))).toEqual({ type: 'ok', value: 2 });
    handler = () => undefined;
    expect((await client().invoke(op('write', 2))).type).toBe('info');
    handler = (_q, res) => { res.statusCode = 500; res.end('leadership lost while committing log'); };
    expect(await client().invoke(op('write', 2))).toMatchObject({ type: 'info', error: expect.stringMatching(/leadership lost/) });
    handler = (q) => q.socket.destroy();
    expect((await client().invoke(op('write', 2))).type).toBe('info');
    handler = (_q, res) => { res.statusCode = 400; res.end('Request body too large'); };
    expect((await client().invoke(op('write', 2))).type).toBe('fail');
    // A port nobody listens on: the request never left.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await client('consistent', () => `http://127.0.0.1:${port}`).invoke(op('write', 2))).toMatchObject({ type: 'fail', error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('cas compares the value read and swaps on its ModifyIndex; false is fail, a mismatch sends no PUT', async () => {
    handler = (q, res) => res.end(q.method === 'GET' ? entry('1', 42) : 'true');
    seen.length = 0;
    expect(await client().invoke(op('cas', [1, 4]))).toEqual({ type: 'ok', value: [1, 4] });
    expect(seen).toEqual(['GET /v1/kv/faultline/register/1?consistent', 'PUT /v1/kv/faultline/register/1?cas=42']);
    handler = (q, res) => res.end(q.method === 'GET' ? entry('1', 42) : 'false');
    expect(await client().invoke(op('cas', [1, 4]))).toMatchObject({ type: 'fail', error: expect.stringMatching(/modified since index 42/) });
    seen.length = 0;
    expect(await client().invoke(op('cas', [2, 4]))).toMatchObject({ type: 'fail', error: 'compare failed: 1' });
    expect(seen).toEqual(['GET /v1/kv/faultline/register/1?consistent']);
    handler = (q, res) => (q.method === 'GET' ? res.end(entry('1', 42)) : undefined);
    expect((await client().invoke(op('cas', [1, 4]))).type).toBe('info');
  });
});
