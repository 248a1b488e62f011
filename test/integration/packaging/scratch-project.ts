/**
 * What the CI-workflow test needs to play a user's project: the workflow's steps read from
 * examples/ci/faultline.yml, a non-root user with a sudo rule (removed afterwards), and commands run
 * as that user with their own HOME and npm cache, as a CI runner's shell would run them.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';

/** One step of the workflow: a shell line (`run`) or an action (`uses`). */
export interface WorkflowStep { name?: string; run?: string; uses?: string }

/**
 * The steps of the workflow's one job. A deliberately small reader for the recipe's own shape (a
 * `steps:` list of `- key: value` maps); a `run: |` block is refused, so the recipe stays one line a step.
 */
export function workflowSteps(yaml: string): WorkflowStep[] {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => /^\s+steps:\s*$/.test(l));
  if (start < 0) throw new Error('the workflow has no steps: list');
  const steps: WorkflowStep[] = [];
  const indent = (l: string): number => l.length - l.trimStart().length;
  const stepIndent = indent(lines[start + 1]);
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (indent(line) < stepIndent) break;
    const m = /^(\s*)(- )?([a-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[2]) steps.push({});
    const step = steps[steps.length - 1];
    if (indent(line) + (m[2] ? 2 : 0) !== stepIndent + 2) continue; // keys of `with:`, not of the step
    const value = m[4].replace(/\s+#.*$/, '');
    if (m[3] === 'run' && /^[|>]/.test(value)) throw new Error(`step ${step.name ?? steps.length}: a multi-line run: block; keep each step one line`);
    if (m[3] === 'run' || m[3] === 'uses' || m[3] === 'name') step[m[3]] = value;
  }
  return steps;
}

/** A throwaway user who owns the scratch project and may run anything with sudo, without a password. */
export interface TestUser { name: string; uid: number; gid: number; home: string; remove: () => void }

const SUDOERS_DIR = '/etc/sudoers.d';

/** Creates `name` (replacing one a killed run left) with `home`, and its sudo rule; remove() undoes both. */
export function createUser(name: string, home: string): TestUser {
  const sudoers = nodePath.join(SUDOERS_DIR, name);
  const remove = (): void => {
    fs.rmSync(sudoers, { force: true });
    try { execFileSync('userdel', [name], { stdio: 'ignore' }); } catch { /* not there */ }
  };
  remove();
  fs.mkdirSync(home, { recursive: true });
  execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', home, '--shell', '/bin/bash', '--user-group', name]);
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  fs.chownSync(home, uid, gid);
  // As on a CI runner: the job's user runs sudo without a password.
  fs.writeFileSync(sudoers, `${name} ALL=(root) NOPASSWD: ALL\n`, { mode: 0o440 });
  return { name, uid, gid, home, remove };
}

/** Gives `dir` and everything under it to the user (the scratch project, the npm cache). */
export function chownTree(dir: string, user: TestUser): void {
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

/** The output and exit code of one shell line run as the user. */
export interface Ran { code: number; output: string; seconds: number }

/**
 * Runs `line` with bash as the user in `cwd`, with a clean environment like a runner's shell: HOME,
 * a PATH that finds this node and npm, and the shared npm cache (prefer-offline: the cache is warm
 * after the first run, so installs stay fast).
 */
export function runAs(user: TestUser, cwd: string, line: string, npmCache: string, timeoutMs = 180_000): Promise<Ran> {
  const nodeDir = nodePath.dirname(process.execPath);
  const env = {
    HOME: user.home, USER: user.name, LOGNAME: user.name, LANG: 'C.UTF-8',
    PATH: [nodeDir, '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'].join(':'),
    npm_config_cache: npmCache, npm_config_prefer_offline: 'true', npm_config_audit: 'false',
    npm_config_fund: 'false', npm_config_update_notifier: 'false', CI: 'true',
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', line], { cwd, env, uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** npm's warnings in an output, one per line. */
export function npmWarnings(output: string): string[] {
  return output.split('\n').filter((l) => /^npm (warn|WARN)/.test(l));
}
