/**
 * Config files are found from the working directory up to the project root, never in a sticky shared
 * directory, and load without a build step (TypeScript is transpiled in memory); the CLI exits 254
 * with one sentence on a mistake.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configOf, findConfigFile, loadConfigFile } from '../../../harness/top/config/load.js';
import { ROOT } from '../architecture/import-graph.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
const temp = (): string => { const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-config-')); dirs.push(d); return d; };
const CLI = nodePath.join(ROOT, 'dist/harness/top/cli/main.js');

describe('finding and loading a config', () => {
  it('finds the nearest file from a nested directory up, and none where there is none', () => {
    const d = temp();
    fs.writeFileSync(nodePath.join(d, 'faultline.config.json'), '{"rate": 5}');
    const nested = nodePath.join(d, 'a', 'b');
    fs.mkdirSync(nested, { recursive: true });
    expect(findConfigFile(nested)).toBe(nodePath.join(d, 'faultline.config.json'));
    expect(findConfigFile(temp())).toBeUndefined();
  });

  it('stops at the project root (package.json or .git) and never looks inside a sticky shared directory', () => {
    const d = temp();
    fs.writeFileSync(nodePath.join(d, 'faultline.config.json'), '{"rate": 5}');
    for (const marker of ['package.json', '.git']) {
      const project = nodePath.join(d, `p-${marker}`);
      fs.mkdirSync(nodePath.join(project, 'sub'), { recursive: true });
      if (marker === '.git') fs.mkdirSync(nodePath.join(project, marker));
      else fs.writeFileSync(nodePath.join(project, marker), '{}');
      expect(findConfigFile(nodePath.join(project, 'sub'))).toBeUndefined();
    }
    // Like /tmp: anyone may leave a faultline.config.* there, so it is no config of ours.
    const shared = nodePath.join(d, 'shared');
    fs.mkdirSync(nodePath.join(shared, 'w'), { recursive: true });
    fs.chmodSync(shared, 0o1777);
    fs.writeFileSync(nodePath.join(shared, 'faultline.config.json'), '{"rate": 6}');
    expect(findConfigFile(nodePath.join(shared, 'w'))).toBeUndefined();
  });

  it('loads TypeScript with types and leaves no transpiled file behind', async () => {
    const d = temp();
    const file = nodePath.join(d, 'faultline.config.ts');
    fs.writeFileSync(file, "interface C { rate: number; faults: string[] }\nconst c: C = { rate: 5 as number, faults: ['partition'] };\nexport default c;\n");
    expect(await loadConfigFile(file)).toEqual({ rate: 5, faults: ['partition'] });
    expect(fs.readdirSync(d)).toEqual(['faultline.config.ts']);
  });

  it('loads an ES module and resolves a relative store against the file', async () => {
    const d = temp();
    fs.writeFileSync(nodePath.join(d, 'faultline.config.mjs'), "export default { store: 'runs', seed: 3 };\n");
    const { config, argv } = await configOf(['--rate', '7'], d);
    expect(config).toEqual({ store: nodePath.join(d, 'runs'), seed: 3 });
    expect(argv).toEqual(['--rate', '7']);
  });

  it('--config none ignores the file; --config FILE picks one', async () => {
    const d = temp();
    fs.writeFileSync(nodePath.join(d, 'faultline.config.json'), '{"rate": 5}');
    fs.writeFileSync(nodePath.join(d, 'other.json'), '{"rate": 9}');
    expect((await configOf(['--config', 'none'], d)).config).toBeUndefined();
    expect((await configOf(['--config', 'other.json'], d)).config).toEqual({ rate: 9 });
  });

  it('a file that does not parse is one sentence naming it', async () => {
    const d = temp();
    fs.writeFileSync(nodePath.join(d, 'faultline.config.json'), '{"rate": ');
    await expect(configOf([], d)).rejects.toThrow(/faultline\.config\.json could not be loaded: .*; fix the file or pass another with --config/);
  });
});

describe('the CLI on a config mistake', () => {
  it.each([
    ['{"rat": 5}', /^faultline: faultline\.config\.json: unknown key "rat" \(did you mean "rate"\?\); the keys are .*\n$/],
    ['{"rate": -5}', /^faultline: faultline\.config\.json: rate -5 is not a positive number; rate must be a positive number.*\n$/],
    ['{"faults": ["partition", "flood"]}', /^faultline: faultline\.config\.json: faults "flood" is not a fault; faults must be a list of partition.*\n$/],
    ['{"workload": "queue"}', /^faultline: faultline\.config\.json: workload "queue" is not a workload of the target; workload must be one of lin-kv.*\n$/],
  ])('%s exits 254 with one sentence', (json, message) => {
    const d = temp();
    fs.writeFileSync(nodePath.join(d, 'faultline.config.json'), json);
    // `run` for each; `matrix` reads the same file the same way, checked once (each spawn costs seconds).
    for (const command of json.includes('"rat"') ? ['run', 'matrix'] : ['run']) {
      const r = spawnSync(process.execPath, [CLI, command], { cwd: d, encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(254);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
