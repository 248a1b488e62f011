/**
 * `faultline report` (bad input → one-sentence InputError; good input → report, JUnit, index) and
 * the store server (a real HTTP server on a free loopback port): read-only, no way out of the store.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../../harness/top/cli/report-command.js';
import { serveCommand } from '../../../harness/top/cli/serve-command.js';
import { InputError } from '../../../harness/ground/history/errors.js';
import { createStoreServer } from '../../../reports/index.js';
import { markStore } from '../../../reports/store-marker.js';
import { cleanup, staleReadHistory, tempDir, writeRun } from './fixture-run.js';

afterEach(cleanup);

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); })));
});

describe('faultline report', () => {
  it('re-renders report.html, junit.xml and the store index of a stored run', async () => {
    const store = tempDir('cli');
    const dir = await writeRun(nodePath.join(store, 't', '2025-01-01T000000Z'), staleReadHistory());
    markStore(store);
    const lines: string[] = [];
    expect(await reportCommand([dir], (s) => lines.push(s))).toBe(0);
    expect(fs.existsSync(nodePath.join(dir, 'report.html'))).toBe(true);
    expect(fs.readFileSync(nodePath.join(dir, 'junit.xml'), 'utf8')).toMatch(/failures="1"/);
    expect(fs.readFileSync(nodePath.join(store, 'index.html'), 'utf8')).toContain('t/2025-01-01T000000Z/report.html');
    expect(lines.join('\n')).toMatch(/report: .*report\.html\njunit: .*junit\.xml\nindex: .*index\.html/);
  });

  it.each([
    ['a missing path', (d: string) => nodePath.join(d, 'nope'), /does not exist; pass a run directory/],
    ['a file', (d: string) => { fs.writeFileSync(nodePath.join(d, 'f.txt'), 'x'); return nodePath.join(d, 'f.txt'); }, /is a file, not a run directory/],
    ['a folder that is not a run', (d: string) => d, /is not a run directory \(it holds no results.json, test.json or history.jsonl\)/],
    ['a run with broken results.json', (d: string) => { fs.writeFileSync(nodePath.join(d, 'results.json'), '{"valid": tr'); return d; }, /results.json is not valid JSON; restore it, or delete it/],
    ['a run whose results.json is not an object', (d: string) => { fs.writeFileSync(nodePath.join(d, 'results.json'), '[1]'); return d; }, /does not hold a results object/],
  ])('refuses %s with one sentence', async (_what, make, message) => {
    const path = make(tempDir('bad'));
    const err = await reportCommand([path], () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('serve refuses a missing store and a bad port', async () => {
    await expect(serveCommand(['--store', '/nonexistent/store'], () => undefined)).rejects.toThrow(/the store \/nonexistent\/store does not exist/);
    await expect(serveCommand(['--port', '99999', '--store', tempDir('p')], () => undefined)).rejects.toThrow(/is not a TCP port/);
  });
});

function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    http.get({ host: url.hostname, port: url.port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

describe('the store server', () => {
  async function serve(store: string): Promise<string> {
    const s = createStoreServer(store);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  it('serves the index and reports, and nothing outside the store, read-only', async () => {
    const root = tempDir('serve');
    const store = nodePath.join(root, 'store');
    const dir = await writeRun(nodePath.join(store, 't', 'r1'), staleReadHistory());
    markStore(store);
    await reportCommand([dir], () => undefined);
    fs.writeFileSync(nodePath.join(root, 'secret.txt'), 'secret');
    fs.symlinkSync(nodePath.join(root, 'secret.txt'), nodePath.join(store, 'leak.txt'));
    fs.symlinkSync(dir, nodePath.join(store, 'latest'));
    const base = await serve(store);

    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('t/r1/report.html');
    const report = await fetch(`${base}/t/r1/report.html`);
    expect(report.status).toBe(200);
    expect((await report.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${base}/latest/`)).status).toBe(200);
    expect((await fetch(`${base}/t/r1/results.json`)).headers.get('content-type')).toMatch(/application\/json/);

    // Raw request paths: fetch would normalise `..` away before it reached the server.
    for (const path of ['/../secret.txt', '/../../etc/passwd', '/%2e%2e/secret.txt', '/t/..%2f..%2f..%2fsecret.txt', '/leak.txt', '/t/r1/%00', '/%E0%A4%A', '/nope']) {
      const r = await rawGet(base, path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('secret');
      expect(r.body).not.toContain('root:');
    }
    const post = await fetch(`${base}/index.html`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    const del = await fetch(`${base}/t/r1/report.html`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(fs.existsSync(nodePath.join(dir, 'report.html'))).toBe(true);
  });

  it('#14: a FIFO or special file in the store is never read: 404 at once, and the server keeps answering', async () => {
    const { execFileSync } = await import('node:child_process');
    const store = nodePath.join(tempDir('serve-fifo'), 'store');
    fs.mkdirSync(store, { recursive: true });
    fs.writeFileSync(nodePath.join(store, 'index.html'), '<p>runs</p>');
    execFileSync('mkfifo', [nodePath.join(store, 'pipe.log')]);
    fs.symlinkSync('/dev/zero', nodePath.join(store, 'zero.log'));
    const base = await serve(store);
    // Four stuck reads used to take libuv's whole pool; five in parallel, each must answer at once.
    const stuck = await Promise.all([1, 2, 3, 4, 5].map(() => fetch(`${base}/pipe.log`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, (e: Error) => e.name)));
    expect(stuck).toEqual([404, 404, 404, 404, 404]);
    expect((await fetch(`${base}/zero.log`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, (e: Error) => e.name))).toBe(404);
    const index = await fetch(`${base}/`, { signal: AbortSignal.timeout(5_000) });
    expect(index.status).toBe(200);
  });
});
