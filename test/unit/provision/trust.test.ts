import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStates, StateFile } from '../../../harness/middle/hosts/local/state.js';
import { writeOffset } from '../../../harness/middle/hosts/faketime.js';
import { skipUnless } from '../../support/require.js';

const dirs: string[] = [];
const savedEnv = process.env.FAULTLINE_STATE_DIR;
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  if (savedEnv === undefined) delete process.env.FAULTLINE_STATE_DIR;
  else process.env.FAULTLINE_STATE_DIR = savedEnv;
});
function tempDir(): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-trust-'));
  dirs.push(d);
  return d;
}
const state = (runId: string) => ({ runId, owner: 1, createdAt: '', namespaces: [], hostRules: [], processes: [], shmPids: [] });

describe('paths root trusts', () => {
  it('state files: the directory is made private, and a state file planted by another user is not acted on', (ctx) => {
    skipUnless(ctx, process.getuid?.() === 0, 'chown to another user needs root');
    const dir = nodePath.join(tempDir(), 'state');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o777);
    process.env.FAULTLINE_STATE_DIR = dir;
    new StateFile(state('aaaaaa')).save();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const planted = nodePath.join(dir, 'bbbbbb.json');
    fs.writeFileSync(planted, JSON.stringify(state('bbbbbb')));
    fs.chownSync(planted, 65534, 65534);
    const read = readStates();
    expect(read.find((r) => r.file.endsWith('aaaaaa.json'))?.state?.runId).toBe('aaaaaa');
    const bad = read.find((r) => r.file === planted);
    expect(bad?.state).toBeUndefined();
    expect(bad?.error).toMatch(/not trusted.*owned by uid 65534/);
  });

  it('libfaketime offset files are never written through a link planted at the temporary name', () => {
    const dir = tempDir();
    const victim = nodePath.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious\n');
    const file = nodePath.join(dir, 'faketime-offset');
    fs.symlinkSync(victim, `${file}.tmp-${process.pid}`);
    writeOffset(file, 1500);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('+1.500\n');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
  });
});
