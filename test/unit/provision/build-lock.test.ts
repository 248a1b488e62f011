/**
 * The image build lock (debian-build.ts): a lock file that names PID 1 (alive forever) stalled every
 * image build; a lock names its owner's PID and start time now, and one that cannot be checked, or
 * whose owner is gone or is another process under a reused PID, is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockIsStale, lockText, withBuildLock } from '../../../harness/middle/hosts/debian-build.js';

let tmp: string;
const saved = process.env.TMPDIR;
beforeEach(() => {
  tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-lock-'));
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const lockFile = (name: string): string => {
  fs.mkdirSync(nodePath.join(tmp, 'faultline-image-locks'), { recursive: true });
  return nodePath.join(tmp, 'faultline-image-locks', `${name}.lock`);
};

describe('withBuildLock', () => {
  it('takes over a lock that names PID 1 without a start time (it waited forever)', async () => {
    fs.writeFileSync(lockFile('img'), '1');
    const t0 = Date.now();
    await expect(Promise.race([withBuildLock('img', async () => 'built'), new Promise((r) => setTimeout(() => r('stalled'), 3_000))])).resolves.toBe('built');
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(fs.existsSync(lockFile('img'))).toBe(false);
  });

  it('takes over a lock of PID 1 with a start time PID 1 does not have (a reused PID)', () => {
    fs.writeFileSync(lockFile('a'), '1 999999999\n');
    expect(lockIsStale(lockFile('a'))).toBe(true);
  });

  it('waits for a live owner: its own PID and start time', () => {
    fs.writeFileSync(lockFile('b'), lockText(process.pid));
    expect(lockIsStale(lockFile('b'))).toBe(false);
  });
});
