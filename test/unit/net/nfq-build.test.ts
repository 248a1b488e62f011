import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDelayer, delayerSource, delayerUnavailable } from '../../../harness/middle/faults/net/nfq-build.js';
import { ensurePrivateDir, untrustedReason } from '../../../harness/middle/hosts/trust.js';
import { skipUnless } from '../../support/require.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-trust-'));
  dirs.push(d);
  return d;
}
function cachedName(): string {
  return `nfq-delay-${createHash('sha256').update(fs.readFileSync(delayerSource())).digest('hex').slice(0, 12)}`;
}
const PLANTED = '#!/bin/sh\necho planted\n';

describe('the NFQUEUE delayer cache (root executes what it finds there)', () => {
  it('never hands back a planted binary that others can write, and rebuilds it', async (ctx) => {
    skipUnless(ctx, delayerUnavailable() === undefined, 'gcc and libnetfilter-queue-dev are needed to build the delayer');
    const cache = nodePath.join(tempDir(), 'nfq');
    fs.mkdirSync(cache, { mode: 0o777 });
    fs.chmodSync(cache, 0o777);
    const planted = nodePath.join(cache, cachedName());
    fs.writeFileSync(planted, PLANTED, { mode: 0o777 });
    fs.chmodSync(planted, 0o777);
    const bin = await buildDelayer(cache);
    expect(fs.readFileSync(bin, 'utf8')).not.toBe(PLANTED);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o700);
    expect(untrustedReason(bin, 'file')).toBeUndefined();
    // A second call re-checks: a file swapped in between is rebuilt too.
    fs.rmSync(bin);
    fs.writeFileSync(bin, PLANTED, { mode: 0o755 });
    fs.chmodSync(bin, 0o757);
    expect(fs.readFileSync(await buildDelayer(cache), 'utf8')).not.toBe(PLANTED);
  });

  it('never runs a binary owned by another user', async (ctx) => {
    skipUnless(ctx, delayerUnavailable() === undefined, 'gcc and libnetfilter-queue-dev are needed to build the delayer');
    skipUnless(ctx, process.getuid?.() === 0, 'chown to another user needs root');
    const cache = nodePath.join(tempDir(), 'nfq');
    fs.mkdirSync(cache, { mode: 0o700 });
    const planted = nodePath.join(cache, cachedName());
    fs.writeFileSync(planted, PLANTED, { mode: 0o755 });
    fs.chownSync(planted, 65534, 65534);
    const bin = await buildDelayer(cache);
    expect(fs.readFileSync(bin, 'utf8')).not.toBe(PLANTED);
    expect(fs.statSync(bin).uid).toBe(process.getuid?.());
  });

  it('refuses a cache directory that belongs to someone else, in one sentence', (ctx) => {
    skipUnless(ctx, process.getuid?.() === 0, 'chown to another user needs root');
    const dir = nodePath.join(tempDir(), 'theirs');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, 65534, 65534);
    expect(() => ensurePrivateDir(dir)).toThrow(/owned by uid 65534.*FAULTLINE_CACHE_DIR/);
  });

  it('refuses a symbolic link and a path under a directory others can write', () => {
    const base = tempDir();
    const open = nodePath.join(base, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    fs.mkdirSync(nodePath.join(open, 'c'), { mode: 0o700 });
    expect(untrustedReason(nodePath.join(open, 'c'), 'dir')).toMatch(/writable by group or others and not sticky/);
    fs.symlinkSync(open, nodePath.join(base, 'link'));
    expect(untrustedReason(nodePath.join(base, 'link'), 'dir')).toMatch(/symbolic link/);
  });
});
