/**
 * Issue 21 (part 2), replayed as the attack: another user (nobody) plants a config, a package, a
 * client module or a binary where root's faultline would pick it up, and root runs the real CLI.
 * Nothing of theirs may run; what refuses says why in one sentence (exit 254). Under sudo the
 * invoking user's own checkout still loads. Each planting runs as `runuser -u nobody`; the CLI runs
 * as root, as the victim would.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { skipUnless } from '../../support/require.js';

const CLI = fileURLToPath(new URL('../../../dist/harness/top/cli/main.js', import.meta.url));
const NOBODY = 65534;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** A fresh sticky world-writable directory like /tmp/x of the issue: anyone may plant files in it. */
function sharedDir(): string {
  const d = fs.mkdtempSync('/tmp/fl-sec-');
  dirs.push(d);
  fs.chmodSync(d, 0o1777);
  return d;
}

/** Runs `script` as nobody, as the attacker would. */
function plant(script: string): void {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', 'sh', '-c', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/** A 0700 root-owned working directory inside `parent`: root's own place, as in the issue. */
function rootDir(parent: string, name = 'w'): string {
  const d = nodePath.join(parent, name);
  fs.mkdirSync(d, { mode: 0o700 });
  return d;
}

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const merged: Record<string, string | undefined> = { ...process.env, SUDO_UID: undefined, ...env };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 40_000, env: merged as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** A module that records who ran it in `marker`: the planted payload. */
const payload = (marker: string): string => `import{execSync}from"node:child_process";execSync("id>${marker}");`;

beforeEach((ctx) => {
  skipUnless(ctx, process.getuid?.() === 0, 'replaying another user\'s planted files needs root (runuser, chown)');
});

describe('root never runs code or binaries another user planted', () => {
  it('a config planted in a sticky shared directory above the working directory is never looked at', () => {
    const s = sharedDir();
    plant(`echo '${payload(`${s}/PWNED`)}export default{}' > ${s}/faultline.config.mjs`);
    const r = cli(['run', '--nodes', '0'], rootDir(s));
    expect(fs.existsSync(`${s}/PWNED`)).toBe(false);
    expect(r.stderr).not.toMatch(/faultline: config /);
    expect(r.stderr).toMatch(/--nodes 0 must be a whole number/);
    expect(r.code).toBe(254);
  });

  it('a planted JSON config naming a planted binary is not used: the run takes no settings of theirs', () => {
    const s = sharedDir();
    plant(`printf '#!/bin/sh\\nid > ${s}/PWNED\\nexit 1\\n' > ${s}/etcd && chmod 755 ${s}/etcd && echo '{"target":"etcd","options":{"etcd-bin":"${s}/etcd"}}' > ${s}/faultline.config.json`);
    const w = rootDir(s);
    const r = cli(['run', '--nemesis', 'none', '--nodes', '1', '--time-limit', '1', '--quiet', '0', '--store', nodePath.join(w, 'store')], w);
    expect(fs.existsSync(`${s}/PWNED`)).toBe(false);
    expect(r.stderr).not.toMatch(/faultline: config /);
    // Without the planted config the run is the default one (the bundled Raft), and it completes.
    expect(r.stdout).toMatch(/faultline run: raft-lin-kv/);
    expect(r.code).toBe(0);
  });

  it("'faultline' in root's own config is the running Faultline, never a node_modules/faultline planted above it", () => {
    const s = sharedDir();
    plant(`mkdir -p ${s}/node_modules/faultline ${s}/node_modules/evil && cd ${s}/node_modules && ` +
      `echo '{"name":"faultline","type":"module","exports":{".":"./i.js","./x":"./i.js"}}' > faultline/package.json && ` +
      `echo '${payload(`${s}/PWNED`)}export const defineConfig=(c)=>c;' > faultline/i.js && ` +
      `echo '{"name":"evil","type":"module","main":"i.js"}' > evil/package.json && echo '${payload(`${s}/PWNED`)}export default 7;' > evil/i.js`);
    const w = rootDir(s);
    const configs: [string, string, RegExp][] = [
      ['faultline.config.mjs', "import { defineConfig } from 'faultline'; export default defineConfig({ rate: 7 });\n", /--nodes 0 must be/],
      ['faultline.config.ts', "import { defineConfig } from 'faultline'; const rate: number = 7; export default defineConfig({ rate });\n", /--nodes 0 must be/],
      ['faultline.config.mjs', "import { defineConfig } from 'faultline/x'; export default defineConfig({ rate: 7 });\n", /faultline\/x is not a module faultline exports/],
      ['faultline.config.mjs', "import rate from 'evil'; export default { rate };\n", /will not load .*node_modules\/evil\/i\.js \(imported by .*faultline\.config\.mjs\): .* owned by uid 65534/],
    ];
    for (const [name, text, expected] of configs) {
      for (const n of fs.readdirSync(w)) fs.rmSync(nodePath.join(w, n));
      fs.writeFileSync(nodePath.join(w, name), text);
      const r = cli(['run', '--nodes', '0'], w);
      expect(fs.existsSync(`${s}/PWNED`), `${name}: ${text}`).toBe(false);
      expect(r.stderr).toMatch(expected);
      // Root's own config did load, and the CLI says which.
      if (expected.source.startsWith('--nodes')) expect(r.stderr).toMatch(new RegExp(`^faultline: config ${w}/${name}\n`));
      expect(r.code).toBe(254);
      // The TypeScript config was transpiled in memory: nothing written beside it.
      expect(fs.readdirSync(w)).toEqual([name]);
    }
  });

  it('an explicit --config, a --client module and an --etcd-bin owned by another user are refused with the reason', () => {
    const s = sharedDir();
    plant(`echo '${payload(`${s}/PWNED`)}export default{}' > ${s}/c.mjs && cp ${s}/c.mjs ${s}/client.mjs && ` +
      `printf '#!/bin/sh\\nid > ${s}/PWNED\\nexit 1\\n' > ${s}/etcd && chmod 755 ${s}/etcd`);
    const w = rootDir(s);
    const cases: [string[], RegExp][] = [
      [['run', '--config', `${s}/c.mjs`, '--nodes', '0'], /^faultline: faultline will not load the config \S+\/c\.mjs: \S+\/c\.mjs is owned by uid 65534, not by root.*; move it into a directory of your own/],
      [['run', '--config', 'none', '--target', 'custom', '--start', 'sleep 30', '--client', `${s}/client.mjs`, '--nodes', '1'], /^faultline: faultline will not load --client \S+\/client\.mjs: .*owned by uid 65534/],
      [['run', '--config', 'none', '--target', 'etcd', '--etcd-bin', `${s}/etcd`, '--nodes', '1', '--time-limit', '1', '--quiet', '0', '--store', nodePath.join(w, 'store')], /^faultline: faultline will not run --etcd-bin \S+\/etcd: .*owned by uid 65534/],
    ];
    for (const [args, expected] of cases) {
      const r = cli(args, w);
      expect(fs.existsSync(`${s}/PWNED`), args.join(' ')).toBe(false);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(254);
    }
  });
});

describe('under sudo, the invoking user\'s own files load', () => {
  it('a checkout owned by SUDO_UID loads its config and client module; without SUDO_UID both are refused', () => {
    const top = fs.mkdtempSync('/tmp/fl-sudo-');
    dirs.push(top);
    fs.chmodSync(top, 0o755);
    const p = nodePath.join(top, 'project');
    fs.mkdirSync(p);
    fs.chownSync(p, NOBODY, NOBODY);
    plant(`cd ${p} && echo "export default { rate: 3 };" > faultline.config.mjs && ` +
      `echo "import { defineClient } from 'faultline'; export default defineClient({ ops: ['read'], open: async () => ({}), invoke: async () => ({ type: 'ok' }) });" > client.mjs`);
    const config = cli(['run', '--nodes', '0'], p, { SUDO_UID: String(NOBODY) });
    expect(config.stderr).toMatch(/^faultline: config \S+\/project\/faultline\.config\.mjs\nfaultline: --nodes 0 must be/);
    // The client loads (its ops are read): the refusal is of the workload it cannot serve, not of its owner.
    const client = cli(['run', '--config', 'none', '--target', 'custom', '--start', 'sleep 30', '--client', 'client.mjs', '--nodes', '1'], p, { SUDO_UID: String(NOBODY) });
    expect(client.stderr).toMatch(/--client client\.mjs does not support op write, cas/);
    expect(cli(['run', '--nodes', '0'], p).stderr).toMatch(/will not load the config \S+\/faultline\.config\.mjs: .*owned by uid 65534/);
    expect(cli(['run', '--config', 'none', '--target', 'custom', '--start', 'sleep 30', '--client', 'client.mjs', '--nodes', '1'], p).stderr).toMatch(/will not load --client \S+\/client\.mjs: .*owned by uid 65534/);
  });
});

describe('a config or client module that never finishes loading', () => {
  it('is an error after the limit, naming it, from run, matrix and --client', () => {
    const w = fs.mkdtempSync('/tmp/fl-hang-');
    dirs.push(w);
    fs.writeFileSync(nodePath.join(w, 'c.mjs'), 'await new Promise(() => {}); export default {};\n');
    fs.writeFileSync(nodePath.join(w, 'client.mjs'), 'setInterval(() => {}, 1000); await new Promise(() => {}); export default {};\n');
    const env = { FAULTLINE_LOAD_TIMEOUT: '2s' };
    for (const args of [['run', '--config', 'c.mjs'], ['matrix', '--config', 'c.mjs'], ['run', '--config', 'none', '--target', 'custom', '--start', 'sleep 30', '--client', 'client.mjs', '--nodes', '1']]) {
      const r = cli(args, w, env);
      expect(r.stderr).toMatch(/did not finish loading within 2 s .*FAULTLINE_LOAD_TIMEOUT/);
      expect(r.code).toBe(254);
      expect(r.ms).toBeLessThan(12_000);
    }
  });
});
