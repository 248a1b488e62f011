/**
 * Issue 22: "nothing completed" means no client op completed ok. `faultline check` of a Faultline run
 * directory in which nothing completed says unknown (exit 2), as the run itself did; Knossos' own good
 * histories in which every op failed stay linearizable (exit 0), as Knossos says. Both say how many
 * ops were judged.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tempStore } from '../run/cli-helpers.js';

const KNOSSOS = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../fixtures/knossos');
const dir = tempStore('check-nothing');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('check when nothing completed', () => {
  it('a stored run directory with no ok op (indeterminate writes, failed reads) is unknown, exit 2, 0 ops judged', async () => {
    const run = nodePath.join(dir, 'run');
    fs.mkdirSync(run);
    fs.writeFileSync(nodePath.join(run, 'test.json'), JSON.stringify({ model: { name: 'cas-register' } }));
    fs.writeFileSync(nodePath.join(run, 'results.json'), JSON.stringify({ valid: 'unknown', checkers: {}, ops: 6 }));
    const ops = [
      { process: 0, type: 'invoke', f: 'write', value: 1 }, { process: 0, type: 'info', f: 'write', value: 1, error: 'timeout' },
      { process: 1, type: 'invoke', f: 'read', value: null }, { process: 1, type: 'fail', f: 'read', value: null, error: 'no leader' },
      { process: 2, type: 'invoke', f: 'cas', value: [1, 2] }, { process: 2, type: 'info', f: 'cas', value: [1, 2], error: 'timeout' },
    ];
    fs.writeFileSync(nodePath.join(run, 'history.jsonl'), ops.map((o, i) => JSON.stringify({ index: i, time: i * 1000, ...o })).join('\n') + '\n');
    const r = await startCli(['check', run], dir).done;
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/unknown/);
    expect(r.stdout).toMatch(/no client operation completed ok/);
    expect(r.stdout).toMatch(/^0 ops judged$/m);
  });

  const allFail = fs.readdirSync(KNOSSOS).filter((f) => f.startsWith('mongodb-v0-ack-rollback-'));
  it.each(allFail)('Knossos\' all-:fail good history %s is linearizable, exit 0, 0 ops judged', async (name) => {
    const r = await startCli(['check', nodePath.join(KNOSSOS, name)], dir).done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: linearizable/);
    expect(r.stdout).toMatch(/^0 ops judged$/m);
  });
});
