/**
 * The Raft's TCP peer network (--listen mode) on loopback: what is sent while a connection is being
 * dialled arrives once it connects, replies start no silence clock (only requests do), and a peer
 * that dials us anew makes us redial it.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerNet } from '../../../targets/raft/peer-net.js';

const nets: PeerNet[] = [];
afterEach(() => { for (const n of nets.splice(0)) n.close(); });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const line = (src: string, dest: string, type: string): string => JSON.stringify({ src, dest, body: { type } });
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function pair(silentMs: number) {
  const [pa, pb] = [await freePort(), await freePort()];
  const peers = [{ node: 'a', host: '127.0.0.1', port: pa }, { node: 'b', host: '127.0.0.1', port: pb }];
  const got = { a: [] as string[], b: [] as string[] };
  const logs: string[] = [];
  const make = (self: 'a' | 'b'): PeerNet => {
    const n: PeerNet = new PeerNet({ self, peers, silentMs, log: (l) => logs.push(l), onLine: (l) => { got[self].push(l); n.heardFrom(JSON.parse(l).src); } });
    nets.push(n);
    return n;
  };
  const a = make('a');
  const b = make('b');
  // b first: a's dial at listen() then finds b listening, and is still connecting when listen returns.
  await b.listen('127.0.0.1', pb);
  await a.listen('127.0.0.1', pa);
  return { a, b, got, logs };
}

describe('PeerNet', () => {
  it('delivers a message sent while its connection is still being dialled', async () => {
    const { a, got } = await pair(1_000);
    // listen() started the dial; the socket is connecting now, and the line waits in it.
    a.send('b', line('a', 'b', 'append_entries'));
    await wait(100);
    expect(got.b.map((l) => JSON.parse(l).body.type)).toEqual(['append_entries']);
  });

  it('keeps a connection that carried only replies through a long silence', async () => {
    const { a, b, got } = await pair(60);
    await wait(50);
    // Connections b accepts from now on: a reset of a's connection to b would show as a new one.
    let accepted = 0;
    (b as unknown as { server: net.Server }).server.on('connection', () => { accepted++; });
    b.send('a', line('b', 'a', 'request_vote'));
    await wait(20);
    // a answers and then hears nothing more from b for several silence periods.
    a.send('b', line('a', 'b', 'request_vote_ok'), false);
    await wait(250);
    a.send('b', line('a', 'b', 'request_vote_ok'), false);
    await wait(50);
    expect(got.b.map((l) => JSON.parse(l).body.type)).toEqual(['request_vote_ok', 'request_vote_ok']);
    expect(got.a.map((l) => JSON.parse(l).body.type)).toEqual(['request_vote']);
    expect(accepted).toBe(0);
  });

  it('drops and redials a connection silent after a request, and the peer then redials its own', async () => {
    const { a, b, got } = await pair(60);
    await wait(50);
    let acceptedByB = 0;
    let acceptedByA = 0;
    (b as unknown as { server: net.Server }).server.on('connection', () => { acceptedByB++; });
    (a as unknown as { server: net.Server }).server.on('connection', () => { acceptedByA++; });
    // b never answers (its node ignores the request): after 60 ms of silence a redials b …
    a.send('b', line('a', 'b', 'append_entries'));
    await wait(200);
    expect(acceptedByB).toBeGreaterThanOrEqual(1);
    // … and the first line on the new connection makes b redial a (its own connection is older).
    a.send('b', line('a', 'b', 'append_entries'));
    await wait(100);
    expect(acceptedByA).toBe(1);
    expect(got.b.length).toBeGreaterThanOrEqual(2);
  });
});
