/**
 * A real HTTP server on loopback for the http-kv client's tests: it answers what the case set in
 * `answer` (or nothing, for a client deadline) and keeps the last request in `seen`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export type Answer = { status: number; body: string } | 'silence';
export interface Seen { method?: string; url?: string; body: string; ifMatch?: string }

export interface ScriptedServer { answer: Answer; seen: Seen; port: number }

/** Starts the server before the file's tests and closes it after them. */
export function scriptedServer(): ScriptedServer {
  const s: ScriptedServer = { answer: { status: 200, body: '{}' }, seen: { body: '' }, port: 0 };
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        const ifMatch = req.headers['if-match'];
        s.seen = { method: req.method, url: req.url, body, ...(ifMatch !== undefined ? { ifMatch } : {}) };
        if (s.answer === 'silence') return; // never answers: the client's deadline decides
        res.writeHead(s.answer.status, { 'content-type': 'application/json' });
        res.end(s.answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    s.port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return s;
}
