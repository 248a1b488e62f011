/**
 * #15: one verdict everywhere. The exit code, results.json and the store index agree, and a checker
 * with no ops to judge says unknown, never valid.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, startCli, tempStore } from './cli-helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

const EXIT: Record<string, number> = { true: 0, false: 1, unknown: 2 };

describe('#15 one verdict', () => {
  it('a node flooding garbage before init: exit code, results.json and index say the same; echo says unknown on 0 ops', async () => {
    const store = tempStore('one-verdict');
    stores.push(store);
    const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'flood-garbage.mjs'), '--workload', 'echo',
      '--nodes', '2', '--time-limit', '1s', '--seed', '1', '--store', store], store).done;
    const results = JSON.parse(fs.readFileSync(nodePath.join(store, 'latest', 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }> };
    expect(results.checkers['node-protocol'].valid).toBe(false);
    expect(results.valid).toBe(false);
    expect(r.code).toBe(EXIT[String(results.valid)]);
    expect(r.stdout).toMatch(/verdict: INVALID/);
    expect(r.stdout).toMatch(/the run broke off: .*did not initialise/);
    expect(results.checkers.echo.valid).toBe('unknown');
    const index = fs.readFileSync(nodePath.join(store, 'index.html'), 'utf8');
    expect(index).toMatch(/<span class="verdict [^"]*">INVALID<\/span>/);
  }, 60_000);

  it('a node that never answers init and prints nothing wrong: exit 254, results.json unknown', async () => {
    const store = tempStore('one-verdict-none');
    stores.push(store);
    const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'no-init.mjs'), '--workload', 'echo',
      '--nodes', '1', '--time-limit', '1s', '--seed', '1', '--store', store], store).done;
    expect(r.code).toBe(254);
    const results = JSON.parse(fs.readFileSync(nodePath.join(store, 'latest', 'results.json'), 'utf8')) as { valid: unknown };
    expect(results.valid).toBe('unknown');
  }, 60_000);
});
