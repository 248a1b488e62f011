/**
 * The real CLI with a config file and with --replay: a run's settings come from faultline.config.json
 * found above the working directory (a flag overriding one of them), and `--replay` runs it again
 * with the same config, seed and fault schedule and says where the new history departs.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, startCli, tempStore } from './cli-helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

const testJson = (dir: string): Record<string, unknown> => JSON.parse(fs.readFileSync(nodePath.join(dir, 'test.json'), 'utf8')) as Record<string, unknown>;

describe('faultline run with a config file, then --replay', () => {
  it('takes the config from a parent directory, lets a flag override it, and replays the run', async () => {
    const root = tempStore('config');
    stores.push(root);
    fs.writeFileSync(nodePath.join(root, 'faultline.config.json'), JSON.stringify({
      target: 'maelstrom', workload: 'lin-kv', nodes: 3, timeLimit: 3, quiet: 0, rate: 50, seed: 5,
      faults: ['partition', 'kill'], faultInterval: '500ms', store: 'runs', options: { bin: nodePath.join(NODES, 'lin-kv-proxy.mjs') },
    }));
    const cwd = nodePath.join(root, 'deep', 'er');
    fs.mkdirSync(cwd, { recursive: true });
    const first = await startCli(['run', '--rate', '40'], cwd).done;
    expect(first.code, first.stderr).toBe(0);
    const dir = fs.realpathSync(nodePath.join(root, 'runs', 'latest'));
    expect(testJson(dir)).toMatchObject({ target: 'maelstrom', nodes: 3, seed: 5, rate: 40, faults: ['partition', 'kill'], faultIntervalS: 0.5 });

    const again = await startCli(['run', '--replay', nodePath.join(root, 'runs', 'latest')], '/').done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`replaying ${dir}`);
    expect(again.stdout).toMatch(/fault schedule \(nemesis invocations\): the same/);
    expect(again.stdout).toMatch(/client ops asked for \(in invocation order\): the same/);
    expect(again.stdout).toMatch(/history \(process, type, op, answer\): /);
    const dir2 = fs.realpathSync(nodePath.join(root, 'runs', 'latest'));
    expect(dir2).not.toBe(dir);
    const { startedAt: _a, command: _c, faultBands: _f, ...was } = testJson(dir);
    const { startedAt: _b, command: _d, faultBands: _g, ...now } = testJson(dir2);
    expect(now).toEqual(was);
  }, 120_000);
});
