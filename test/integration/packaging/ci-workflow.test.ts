/**
 * Faultline in someone else's project: the example CI workflow's steps, run in a scratch project that
 * a non-root user owns, with Faultline installed as a dev dependency from a packed tarball (npm pack of
 * a clean build of HEAD) and from git+file:// (a clone of HEAD: uncommitted changes are not in it).
 * The workflow's sudo steps run under real sudo (scripts/setup-run.sh installs it). Needs root (to
 * create the user) and the npm registry; dependencies come through a shared npm cache, prefer-offline.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownTree, createUser, npmWarnings, runAs, workflowSteps, type TestUser } from './scratch-project.js';

const ROOT = nodePath.resolve(import.meta.dirname, '../../..');
const WORKFLOW = nodePath.join(ROOT, 'examples/ci/faultline.yml');
/** Kept between runs (the first run fills it from the registry, later ones read it): FAULTLINE_TEST_NPM_CACHE. */
const NPM_CACHE = process.env.FAULTLINE_TEST_NPM_CACHE ?? nodePath.join(os.tmpdir(), 'faultline-test-npm-cache');
const USER = 'faultline-pkgtest';
/**
 * docs/install.md's entries: the dependencies' install scripts are not needed, and denied; Faultline's
 * own `prepare` compiles its dist/ when it is installed from git (a tarball has it built).
 */
const ALLOW_SCRIPTS = { faultline: true, 'cpu-features': false, protobufjs: false, ssh2: false };

const has = (cmd: string): boolean => { try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; } };
const missing = process.getuid?.() !== 0 ? 'root (to create the scratch project\'s user)'
  : !has('sudo') ? 'sudo (run scripts/setup-run.sh as root)'
    : !has('useradd') ? 'useradd' : !has('git') ? 'git' : undefined;
if (missing && process.env.CI === 'true') throw new Error(`the packaging test needs ${missing}`);

/** A user's faultline.config.ts: one short scenario of the bundled Raft under partitions. */
const CONFIG = `import { defineConfig } from 'faultline';

export default defineConfig({
  target: 'raft',
  nodes: 3,
  timeLimit: '3s',
  quiet: '1s',
  faultInterval: '1s',
  workloads: ['lin-kv'],
  faultSets: [['partition']],
  seeds: [1],
  expect: 'valid',
});
`;

describe.skipIf(missing !== undefined)('the example CI workflow in a scratch project', () => {
  let work: string;
  let user: TestUser;
  let tarball: string;
  let clone: string;
  const figures: string[] = [];

  beforeAll(() => {
    work = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-pkg-'));
    fs.chmodSync(work, 0o755);
    user = createUser(USER, nodePath.join(work, 'home'));
    fs.mkdirSync(NPM_CACHE, { recursive: true });
    chownTree(NPM_CACHE, user);
    // A clean build of HEAD, packed: the clone borrows this checkout's node_modules for tsc only.
    const started = Date.now();
    clone = nodePath.join(work, 'faultline');
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    fs.symlinkSync(fs.realpathSync(nodePath.join(ROOT, 'node_modules')), nodePath.join(clone, 'node_modules'));
    execFileSync(process.execPath, [nodePath.join(clone, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: clone });
    const pack = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    tarball = nodePath.join(work, pack.trim().split('\n').pop()!);
    fs.rmSync(nodePath.join(clone, 'node_modules'));
    figures.push(`clean build and pack ${((Date.now() - started) / 1000).toFixed(1)} s`);
    chownTree(clone, user);
  }, 120_000);

  afterAll(() => {
    user?.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    console.log(`packaging: ${figures.join('; ')}`);
  });

  it('npm pack prints no warning about Faultline\'s package files, and ships dist/, the scripts and the delayer\'s source', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const f of ['dist/harness/top/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'scripts/lib/apt.sh', 'scripts/setup-run.sh', 'scripts/setup-targets.sh', 'harness/middle/faults/net/nfq-delay.c', 'harness/middle/faults/disk/lazy-fs.c', 'harness/middle/faults/disk/disk-ops.c']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.map'))).toEqual([]);
    const warnings = execFileSync('sh', ['-c', 'npm pack --dry-run --ignore-scripts 2>&1 >/dev/null'], { cwd: clone, encoding: 'utf8' });
    expect(npmWarnings(warnings)).toEqual([]);
  });

  const sources: Array<[string, () => string]> = [
    ['a packed tarball', () => tarball],
    ['git+file://', () => `git+file://${clone}`],
  ];
  for (const [label, spec] of sources) {
    it.concurrent(`runs every step as a non-root user, Faultline installed from ${label}`, async () => {
      const project = nodePath.join(work, `project-${label.replace(/\W+/g, '-')}`);
      fs.mkdirSync(project);
      fs.writeFileSync(nodePath.join(project, 'package.json'), `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module', allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`);
      fs.writeFileSync(nodePath.join(project, 'faultline.config.ts'), CONFIG);
      chownTree(project, user);

      // What the user does once (docs/install.md), then the workflow's own steps.
      const install = await runAs(user, project, `npm install --save-dev ${spec()}`, NPM_CACHE);
      expect(install.code, install.output).toBe(0);
      // npm matches allowScripts by the dependency's name only once package.json names it: this first
      // install may list Faultline's own prepare (docs/install.md says so), nothing else; npm ci below must be silent.
      const listed = npmWarnings(install.output).flatMap((l) => /^npm warn install-scripts\s{2,}(\S+)@\S+ \(/.exec(l)?.[1] ?? []);
      expect(listed.filter((name) => name !== 'faultline'), install.output).toEqual([]);
      expect(npmWarnings(install.output).filter((l) => !/install-scripts/.test(l)), install.output).toEqual([]);
      figures.push(`${label}: npm install ${install.seconds.toFixed(1)} s`);

      const steps = workflowSteps(fs.readFileSync(WORKFLOW, 'utf8'));
      for (const step of steps) {
        if (step.uses !== undefined) {
          // The runner's actions: the checkout is the scratch project, node is this one; the report
          // and artifact steps read what the run wrote.
          if (/action-junit-report/.test(step.uses)) expect(fs.existsSync(nodePath.join(project, 'store/junit.xml'))).toBe(true);
          if (/upload-artifact/.test(step.uses)) expect(fs.existsSync(nodePath.join(project, 'store/index.html'))).toBe(true);
          continue;
        }
        const line = step.run!;
        // Only `npx faultline …` and npm's own install: nothing from Faultline's checkout.
        expect(line).toMatch(/^(npm ci|(sudo env "PATH=\$PATH" )?npx faultline( .*)?)$/);
        const ran = await runAs(user, project, line, NPM_CACHE);
        figures.push(`${label}: ${line.slice(0, 40)} ${ran.seconds.toFixed(1)} s`);
        expect(ran.code, `${line}\n${ran.output}`).toBe(0);
        if (line === 'npm ci') expect(npmWarnings(ran.output), ran.output).toEqual([]);
      }
      const junit = fs.readFileSync(nodePath.join(project, 'store/junit.xml'), 'utf8');
      expect(junit).toMatch(/<testcase /);
      expect(junit).not.toMatch(/<failure|<error/);
    }, 240_000);
  }
});
