/**
 * The subnet lock: two runs choosing a subnet at the same moment take turns (else both pick the first
 * free /24 and route each other's nodes), and a lock left by a dead process is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withSubnetLock } from '../../../harness/middle/hosts/local/state.js';
import { startTime } from '../../../harness/middle/hosts/process-info.js';

const savedEnv = process.env.FAULTLINE_STATE_DIR;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  if (savedEnv === undefined) delete process.env.FAULTLINE_STATE_DIR;
  else process.env.FAULTLINE_STATE_DIR = savedEnv;
});
function stateDir(): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-lock-'));
  dirs.push(d);
  process.env.FAULTLINE_STATE_DIR = nodePath.join(d, 'state');
  return process.env.FAULTLINE_STATE_DIR;
}

describe('withSubnetLock', () => {
  it('runs one holder at a time and releases the lock after', async () => {
    const dir = stateDir();
    const spans: [number, number][] = [];
    const hold = (): Promise<void> => withSubnetLock(async () => {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 30));
      spans.push([t0, performance.now()]);
    });
    await Promise.all([hold(), hold(), hold()]);
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect(fs.existsSync(nodePath.join(dir, 'subnet.lock'))).toBe(false);
  });

  it('takes over a lock whose owner is dead, and releases it when the holder throws', async () => {
    const dir = stateDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(nodePath.join(dir, 'subnet.lock'), '999999999');
    await expect(withSubnetLock(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(fs.existsSync(nodePath.join(dir, 'subnet.lock'))).toBe(false);
    expect(await withSubnetLock(async () => 7)).toBe(7);
  });

  it('names its holder by PID and start time, and takes over a lock whose PID now belongs to another process', async () => {
    const dir = stateDir();
    const path = nodePath.join(dir, 'subnet.lock');
    let inside = '';
    await withSubnetLock(async () => { inside = fs.readFileSync(path, 'utf8'); });
    expect(inside).toBe(`${process.pid} ${startTime(process.pid)}`);
    // Our own PID with another start time: a process that died and whose PID was reused.
    fs.writeFileSync(path, `${process.pid} ${startTime(process.pid)! + 1}`);
    expect(await withSubnetLock(async () => 8)).toBe(8);
  });

  it('waits for a live holder (the same PID and start time), however old its file', async () => {
    const dir = stateDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = nodePath.join(dir, 'subnet.lock');
    fs.writeFileSync(path, `${process.pid} ${startTime(process.pid)}`);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path, old, old);
    let got = false;
    const p = withSubnetLock(async () => { got = true; });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toBe(false);
    fs.rmSync(path);
    await p;
    expect(got).toBe(true);
  });
});
