/**
 * Fuzzing the CLI itself (issue 22, part 4): random flag names, values and ranges, and files such as
 * /dev/zero, a FIFO and /proc paths, given to `run --dry-run`, `matrix --dry-run`, `check` and
 * `report` as real child processes. Every case must end within 20 s (longer is a hang) with exit 0,
 * 1, 2 or 254, print no stack frame, and leave nothing: no run directory in the store, no state file
 * (the record a run writes before it creates a namespace, FAULTLINE_STATE_DIR points it here).
 *
 * A case spawns node (~0.3-0.6 s), so the default is 60 cases, 2 at a time; FUZZ_RUNS raises it
 * (`npm run fuzz:nightly`), FUZZ_SEED replays a run. The failing argv is printed in the assertion.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const RUNS = Math.min(Number(process.env.FUZZ_RUNS ?? 60), 5000);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
const MAIN = nodePath.resolve('dist/harness/top/cli/main.js');
const CASE_TIMEOUT_MS = 20_000;

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-cli-fuzz-'));
const cwd = nodePath.join(dir, 'cwd');
const stateDir = nodePath.join(dir, 'state');
fs.mkdirSync(cwd);
fs.mkdirSync(stateDir);
const fifo = nodePath.join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const deepJson = nodePath.join(dir, 'deep.json');
fs.writeFileSync(deepJson, `${'['.repeat(5000)}${']'.repeat(5000)}\n`);
const deepJsonl = nodePath.join(dir, 'deep.jsonl');
fs.writeFileSync(deepJsonl, `{"process":0,"type":"invoke","f":"write","value":${'['.repeat(5000)}${']'.repeat(5000)},"time":1}\n`);
const deepRun = nodePath.join(dir, 'run');
fs.mkdirSync(deepRun);
fs.writeFileSync(nodePath.join(deepRun, 'results.json'), `{"valid":true,"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}\n`);
fs.copyFileSync(deepJsonl, nodePath.join(deepRun, 'history.jsonl'));
const emptyFile = nodePath.join(dir, 'empty.jsonl');
fs.writeFileSync(emptyFile, '');
const badTs = nodePath.join(dir, 'faultline.config.ts');
fs.writeFileSync(badTs, 'export default {\n  nodes: 3,\n  scenarios: [\n');
const store = nodePath.join(dir, 'store');

const FILES = ['/dev/zero', fifo, '/proc/self/mem', '/proc/self/x', '/etc/passwd', dir, deepJson, deepJsonl, deepRun, emptyFile, badTs, '/nonexistent', '/'];
const VALUES = ['', '0', '1', '3', '-1', '1e9', '100000', 'NaN', 'Infinity', '0.5', '65535', '65536', '2.5', '__proto__', 'constructor', 'toString',
  'héllo', '\u202e', '日本', ',', 'none', 'partition,kill', 'partition,leader-churn', '1s', '500ms', '100000h', '10.91.0.0/33', '8.8.8.0/24',
  '127.0.0.0/24', '10.99.0.0/30', '1s-60s', 'sync', 'local', 'docker', 'ssh', 'raft', 'etcd', 'zookeeper', 'maelstrom', 'custom', 'consul'];
const RUN_FLAGS = ['target', 'workload', 'nemesis', 'nodes', 'time-limit', 'rate', 'concurrency', 'seed', 'name', 'quiet', 'nemesis-interval',
  'reporter', 'partition-shapes', 'node-targets', 'clock-offsets', 'churn-long-wait', 'churn-cut', 'env', 'subnet', 'keys', 'values',
  'request-timeout', 'hosts', 'hosts-file', 'ssh-known-hosts', 'ssh-key', 'ssh-port', 'session-ttl', 'reads', 'port', 'peer-port', 'start',
  'client', 'bin', 'latency', 'topology', 'bug', 'replay', 'config', 'store', 'model', '__proto__', 'constructor', 'bogus', ''];
const CHECK_FLAGS = ['format', 'model', 'initial', 'failed-cas', 'timeout', 'workers', 'json', 'no-explain', '__proto__', 'bogus'];
const REPORT_FLAGS = ['store', 'no-index', 'bogus'];
const MATRIX_FLAGS = ['config', 'suite', 'only', 'time-budget', 'store', 'junit', 'fail-fast', 'list', 'bogus'];

const value = fc.oneof(fc.constantFrom(...VALUES), fc.constantFrom(...FILES), fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 2 ** 40 }).map(String));
const flag = (names: readonly string[]): fc.Arbitrary<string[]> => fc.tuple(fc.constantFrom(...names), value, fc.boolean())
  .map(([n, v, eq]) => (eq ? [`--${n}=${v}`] : [`--${n}`, v]));
// Settings that are valid on their own, so that some cases get past parsing into the later checks.
const SANE = [['--target', 'etcd'], ['--target', 'zookeeper'], ['--target', 'maelstrom'], ['--nodes', '3'], ['--nemesis', 'partition'],
  ['--time-limit', '5s'], ['--concurrency', '4'], ['--env', 'ssh'], ['--hosts', 'a.example,b.example,c.example'], ['--subnet', '10.93.0.0/24']];
const flags = (names: readonly string[]): fc.Arbitrary<string[]> =>
  fc.array(fc.oneof({ weight: 2, arbitrary: flag(names) }, { weight: 1, arbitrary: fc.constantFrom(...SANE) }), { maxLength: 4 }).map((a) => a.flat());

/** An argv for one of the commands; `run` and `matrix` always dry-run, so nothing may start. */
const argvArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(flags(RUN_FLAGS), fc.boolean()).map(([f, noConfig]) => ['run', '--dry-run', '--store', store, ...(noConfig ? ['--config', 'none'] : []), ...f]),
  fc.tuple(fc.constantFrom(...FILES), flags(CHECK_FLAGS)).map(([file, f]) => ['check', file, ...f]),
  fc.tuple(fc.constantFrom(...FILES), flags(REPORT_FLAGS)).map(([file, f]) => ['report', file, '--no-index', ...f]),
  fc.tuple(fc.constantFrom('--suite', '--config'), fc.oneof(fc.constantFrom('regressions', ...FILES), fc.string({ maxLength: 4 })), flags(MATRIX_FLAGS))
    .map(([k, v, f]) => ['matrix', '--dry-run', '--store', store, k, v, ...f]),
);

interface Outcome { code: number | null; signal: string | null; stderr: string; timedOut: boolean }

function runCli(argv: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...argv], {
      cwd, env: { ...process.env, FAULTLINE_STATE_DIR: stateDir }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 20_000) stderr += d.toString(); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, CASE_TIMEOUT_MS);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr, timedOut }); });
  });
}

const netns = (): string[] => {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
  } catch {
    return [];
  }
};

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CLI fuzz', () => {
  it(`${RUNS} random command lines end in 0/1/2/254 with one sentence, no hang, nothing left (seed ${SEED})`, async () => {
    const cases = fc.sample(argvArb, { numRuns: RUNS, seed: SEED });
    const nsBefore = new Set(netns());
    const failures: string[] = [];
    const codes: Record<string, number> = {};
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const argv = cases[next++];
        const o = await runCli(argv);
        codes[String(o.code)] = (codes[String(o.code)] ?? 0) + 1;
        const shown = JSON.stringify(argv);
        if (o.timedOut) failures.push(`hang (> ${CASE_TIMEOUT_MS / 1000} s): ${shown}`);
        else if (o.code === null || ![0, 1, 2, 254].includes(o.code)) failures.push(`exit ${o.code ?? o.signal}: ${shown}\n${o.stderr.slice(0, 600)}`);
        else if (/\n\s+at /.test(o.stderr)) failures.push(`stack trace: ${shown}\n${o.stderr.slice(0, 600)}`);
        const left = fs.existsSync(store) ? fs.readdirSync(store) : [];
        if (left.length > 0) {
          failures.push(`left in the store (${left.join(', ')}): ${shown}`);
          fs.rmSync(store, { recursive: true, force: true });
        }
        const states = fs.readdirSync(stateDir);
        if (states.length > 0) {
          failures.push(`left a state file (${states.join(', ')}): ${shown}`);
          for (const s of states) fs.rmSync(nodePath.join(stateDir, s), { recursive: true, force: true });
        }
      }
    };
    await Promise.all([worker(), worker()]);
    // Namespaces of other runs on this machine may come and go; ours would be named in our state dir
    // (checked above), and a namespace made by a case outlives it only if the case leaked it.
    const added = netns().filter((n) => !nsBefore.has(n));
    console.log(`CLI fuzz: ${cases.length} cases, exits ${JSON.stringify(codes)}, seed ${SEED}, namespaces added meanwhile: ${added.length}`);
    expect(failures).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  }, 20 * 60_000);
});
