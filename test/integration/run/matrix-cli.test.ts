/**
 * `faultline matrix` end to end with real (Maelstrom) runs: scenarios from a config file, each in its
 * own store directory; a missed expectation exits 1 and is a <failure> in the one JUnit file;
 * `--only` narrows the matrix to scenarios that meet theirs, which exits 0.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, startCli, tempStore } from './cli-helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

describe('faultline matrix', () => {
  it('runs each scenario, writes one JUnit and the index, and exits by the expectations met', async () => {
    const root = tempStore('matrix');
    stores.push(root);
    const bin = (f: string): Record<string, string> => ({ bin: nodePath.join(NODES, f) });
    fs.writeFileSync(nodePath.join(root, 'faultline.config.mjs'), `export default ${JSON.stringify({
      target: 'maelstrom', workload: 'lin-kv', nodes: 3, timeLimit: 2, quiet: 0, rate: 50, seed: 3, store: 'store',
      scenarios: [
        { name: 'proxy', expect: 'valid', options: bin('lin-kv-proxy.mjs') },
        { name: 'local', expect: 'invalid', options: bin('lin-kv-local.mjs') },
        { name: 'proxy-said-invalid', expect: 'invalid', options: bin('lin-kv-proxy.mjs') },
      ],
    })};\n`);
    const all = await startCli(['matrix'], root).done;
    expect(all.code, all.stderr).toBe(1);
    expect(all.stdout).toMatch(/\[3\/3\] proxy-said-invalid: NOT MET \(valid\)/);
    expect(all.stdout).toMatch(/^proxy-said-invalid\s+invalid\s+valid\s+NOT MET/m);
    expect(all.stdout).toMatch(/reproduce proxy-said-invalid: faultline run --replay \S+proxy-said-invalid\/\S+/);
    const junit = fs.readFileSync(nodePath.join(root, 'store/matrix/latest/junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="[^"]+" tests="3" failures="1" errors="0" skipped="0"/);
    expect(junit).toMatch(/name="proxy-said-invalid"[^>]*><failure /);
    for (const s of ['proxy', 'local', 'proxy-said-invalid']) expect(fs.existsSync(nodePath.join(root, 'store', s, 'latest', 'results.json'))).toBe(true);
    expect(fs.readFileSync(nodePath.join(root, 'store/index.html'), 'utf8')).toContain('proxy-said-invalid');

    const some = await startCli(['matrix', '--only', 'proxy,local'], root).done;
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toMatch(/so far: 2 met, 0 not met, 0 unknown, 0 crashed/);
  }, 180_000);
});
