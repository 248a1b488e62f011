/**
 * examples/inhouse as its README tells a user to run it: the two `faultline run` commands are read
 * from the README and run by bash exactly as written (with `faultline` the built CLI, a shorter time
 * limit and a throw-away store appended). The correct server is valid under kills and partitions;
 * the one with the planted cache bug is caught.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs, tempStore } from '../provision/helpers.js';
import { CLI, settledLeftovers } from './helpers.js';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
const skip = missing(['iptables', 'iptables-restore', 'unshare', 'bash']);
afterAll(removeTempDirs);

const commands = fs.readFileSync(nodePath.join(ROOT, 'examples/inhouse/README.md'), 'utf8').split('\n').filter((l) => l.startsWith('faultline run '));

function run(command: string, label: string): { code: number | null; out: string; dir: string; store: string } {
  const store = tempStore(`inhouse-${label}`);
  const script = `faultline() { "${process.execPath}" "${CLI}" "$@" --time-limit 10s --quiet 1s --store "${store}"; }\n${command}`;
  const r = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, dir: fs.realpathSync(nodePath.join(store, 'latest')), store };
}

describe.skipIf(skip !== undefined)(`examples/inhouse${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the README holds the two commands', () => {
    expect(commands).toHaveLength(2);
    expect(commands[1]).toContain('--cache');
  });

  it('the correct tkv is valid under kills and partitions, and leaves nothing', async () => {
    const r = run(commands[0], 'valid');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/verdict: valid/);
    const hist = fs.readFileSync(nodePath.join(r.dir, 'history.jsonl'), 'utf8');
    expect(hist).toContain('"f":"kill"');
    expect(hist).toMatch(/"type":"ok","f":"cas"/);
    expect(await settledLeftovers(r.store, r.dir)).toEqual([]);
  }, 150_000);

  it('tkv --cache is caught serving stale reads', async () => {
    const r = run(commands[1], 'cache');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/linearizable: INVALID/);
    expect(await settledLeftovers(r.store, r.dir)).toEqual([]);
  }, 150_000);
});
