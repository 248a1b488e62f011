/**
 * `faultline setup`'s one list of which script serves what: it covers every target, names only
 * scripts that exist, lists every shipped set-up script, and picks by target and environment.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../../harness/top/run/targets.js';
import { SETUP_SCRIPTS, SETUP_TARGETS, scriptsDir, selectScripts } from '../../../harness/middle/setup/catalog.js';
import { InputError } from '../../../harness/ground/history/errors.js';

const files = (targets: string[], envs: string[] = [], all = false): string[] => selectScripts(targets, envs, all).map((s) => s.file);

describe('the set-up catalog', () => {
  it('knows every target faultline run takes', () => {
    expect([...SETUP_TARGETS].sort()).toEqual(Object.keys(TARGETS).sort());
  });

  it('names scripts that exist, and every setup-*.sh but the benchmark\'s is in it', () => {
    const dir = scriptsDir();
    const present = fs.readdirSync(dir).filter((f) => /^setup-.*\.sh$/.test(f) && f !== 'setup-bench.sh').sort();
    expect(SETUP_SCRIPTS.map((s) => s.file).sort()).toEqual(present);
    for (const s of SETUP_SCRIPTS) expect(fs.existsSync(nodePath.join(dir, s.file))).toBe(true);
  });

  it('picks by target and environment; with nothing named, what npm start needs', () => {
    expect(files([])).toEqual(['setup-run.sh']);
    expect(files(['etcd'])).toEqual(['setup-targets.sh']);
    expect(files(['memory'])).toEqual([]);
    expect(files(['zookeeper', 'consul'])).toEqual(['setup-targets.sh', 'setup-consul.sh']);
    expect(files(['etcd'], ['docker'])).toEqual(['setup-targets.sh', 'setup-docker.sh']);
    expect(files([], [], true)).toEqual(SETUP_SCRIPTS.map((s) => s.file));
    expect(files([], [], true)).toContain('setup-browser.sh');
  });

  it('refuses an unknown target or environment with one sentence naming the choices', () => {
    expect(() => selectScripts(['etc'], [])).toThrow(InputError);
    expect(() => selectScripts(['etc'], [])).toThrow(/--target etc is not a target .*; choose raft, maelstrom, custom, etcd, zookeeper, consul, memory$/);
    expect(() => selectScripts([], ['k8s'])).toThrow(/--env k8s .*choose local, docker, ssh$/);
  });
});
