/**
 * Issue 21, part 5, replayed: a store kept private on disk (0700, root's) is not readable over
 * `faultline serve` either. The built CLI serves as root; `nobody`, who cannot read the store's files,
 * gets 403 from curl without the printed token (and with a wrong one), 200 with it; --no-auth is the
 * explicit way back to an open server.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type CliRun } from '../run/cli-helpers.js';
import { staleReadHistory, writeRun } from '../../unit/reports/fixture-run.js';
import { asNobody, bed, removeBeds, securitySkip } from './helpers.js';

const skip = securitySkip();
const serving: CliRun[] = [];
afterAll(async () => {
  for (const s of serving.splice(0)) { s.child.kill('SIGTERM'); await s.done; }
  removeBeds();
});

/** A private store (0700) holding one run, `latest` pointing at it. */
async function privateStore(): Promise<string> {
  const { root } = bed('serve');
  const store = nodePath.join(root, 'store');
  await writeRun(nodePath.join(store, 'test', 'r1'), staleReadHistory(), { test: { name: 'private-run-name' } });
  fs.symlinkSync('test/r1', nodePath.join(store, 'latest'));
  fs.chmodSync(store, 0o700);
  return store;
}

/** Starts `faultline serve` and resolves with the address it printed. */
async function serve(store: string, extra: string[] = []): Promise<string> {
  const s = startCli(['serve', '--port', '0', '--store', store, ...extra], nodePath.dirname(store));
  serving.push(s);
  let out = '';
  return new Promise((resolve, reject) => {
    s.child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) resolve(m[1]);
    });
    void s.done.then((r) => reject(new Error(`serve exited ${r.code}: ${r.stderr}`)));
  });
}

/** `curl` as nobody: the status code and the body. */
function curlAsNobody(url: string, follow = false): { status: number; body: string } {
  const out = asNobody(['curl', '-s', '-w', '\n%{http_code}', ...(follow ? ['-L', '-b', ''] : []), url]);
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

describe.skipIf(skip !== undefined)(`faultline serve requires its token${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('nobody gets 403 without the token or with a wrong one, 200 with the printed one', async () => {
    const store = await privateStore();
    expect(() => asNobody(['cat', nodePath.join(store, 'latest', 'test.json')])).toThrow();
    const printed = await serve(store);
    const base = printed.split('?')[0];
    for (const path of ['latest/test.json', '', 'test/r1/report.html']) {
      const r = curlAsNobody(`${base}${path}`);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('private-run-name');
    }
    const token = new URL(printed).searchParams.get('token');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(curlAsNobody(`${base}latest/test.json?token=${token!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`).status).toBe(403);
    const ok = curlAsNobody(`${base}latest/test.json?token=${token}`, true);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('private-run-name');
    // The token sets a cookie and redirects away from itself.
    const first = asNobody(['curl', '-s', '-D', '-', '-o', '/dev/null', `${base}?token=${token}`]);
    expect(first).toMatch(/^HTTP\/1\.1 302/);
    expect(first).toMatch(/set-cookie: faultline_token_\d+=[^;]+; HttpOnly; SameSite=Strict; Path=\//i);
    expect(first).toMatch(/location: \/\r?\n/i);
  });

  it('--no-auth serves without a token, by explicit choice', async () => {
    const store = await privateStore();
    const printed = await serve(store, ['--no-auth']);
    expect(printed).not.toContain('token');
    expect(curlAsNobody(`${printed}latest/test.json`).status).toBe(200);
  });
});
