/**
 * `--target custom` beyond local namespaces: what a start or health command needs where it runs (its
 * program, and the paths of this machine it names), refusals that need no machine (`--env docker`
 * without `--image`), the message of a host that lacks something no package has, and the compiled
 * files the bundled Raft's image holds.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import { ensureHostNeeds } from '../../../harness/middle/hosts/host-needs.js';
import type { Remote } from '../../../harness/middle/hosts/remote.js';
import type { MachineProbe, RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import { commandNeeds, shellWords } from '../../../targets/custom/command-words.js';
import { customPreflight, diskFilesOf } from '../../../targets/custom/entry.js';
import { raftFiles } from '../../../targets/raft/image.js';

const here = (p: string): boolean => ['/opt/app/server.mjs', '/etc/app.conf', '/usr/bin/node'].includes(p);

describe('what a command needs where it runs', () => {
  it('splits words as sh does: quotes, escapes, and what is not known before the run', () => {
    expect(shellWords(`srv --a 'b c' "d e" f\\ g $HOME {data} *.x`)).toEqual([
      { word: 'srv', known: true }, { word: '--a', known: true }, { word: 'b c', known: true }, { word: 'd e', known: true },
      { word: 'f g', known: true }, { word: '$HOME', known: false }, { word: '{data}', known: false }, { word: '*.x', known: false },
    ]);
  });

  it.each([
    ['faultline-raft --listen {host}:{port} --data-dir {data}', 'faultline-raft', []],
    ['node /opt/app/server.mjs --config=/etc/app.conf --log /var/log/x.log', 'node', ['/opt/app/server.mjs', '/etc/app.conf']],
    ['/usr/bin/node /opt/app/server.mjs', '/usr/bin/node', ['/opt/app/server.mjs']],
    ['./server --data {data}', undefined, []],
    ['$SRV --x', undefined, []],
    ["sh -c 'exec node /opt/app/server.mjs'", 'sh', []],
  ])('%s: program %s, paths %j', (command, program, paths) => {
    expect(commandNeeds(command, here)).toEqual({ program, paths });
  });
});

const req = (flags: Record<string, string | true>): RunRequest => ({
  config: { name: 't', store: os.tmpdir(), seed: 1, timeLimitS: 5, rate: 10, concurrency: 2, quietS: 0, faults: [], faultIntervalS: 2 },
  flags: new Map(Object.entries(flags)), workload: 'register', nodeCount: 3,
});
const probe: MachineProbe = { isRoot: () => true, hasCommand: () => true, hasFile: () => true };
const START = 'faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}';

describe('customPreflight and the environments', () => {
  it('refuses --env docker without --image in one sentence naming --image, before it asks the machine anything', async () => {
    const asked: string[] = [];
    const watching: MachineProbe = { isRoot: () => { asked.push('root'); return true; }, hasCommand: (b) => { asked.push(b); return true; }, hasFile: (f) => { asked.push(f); return true; } };
    const err = await customPreflight(req({ env: 'docker', start: START }), watching).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^--target custom with --env docker needs --image IMAGE, an image that holds your server/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect(asked).toEqual([]);
  });

  it('needs no root on this machine for --env ssh (the hosts are other machines)', async () => {
    const notRoot: MachineProbe = { ...probe, isRoot: () => false };
    await expect(customPreflight(req({ env: 'ssh', hosts: '10.0.0.1,10.0.0.2,10.0.0.3', start: START }), notRoot)).resolves.toBeUndefined();
    await expect(customPreflight(req({ start: START }), notRoot)).rejects.toThrow(/needs root/);
  });

  it.each([
    ['a relative program (it would start in the node\'s run directory there)', { start: './server --port {port}' }, /^--start runs \.\/server, a path relative to where it starts, which on ssh hosts is the node's own directory of the run/],
    ['--faketime with --clock-mode system', { start: START, faketime: true as const, 'clock-mode': 'system' }, /^--faketime and --clock-mode system both skew the servers' clocks .*; choose one$/],
  ])('refuses on ssh hosts %s', async (_what, flags, message) => {
    const err = await customPreflight(req({ env: 'ssh', hosts: '10.0.0.1,10.0.0.2,10.0.0.3', ...flags }), probe).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a flag of another environment (--image without --env docker)', async () => {
    await expect(customPreflight(req({ image: 'x', start: START }), probe)).rejects.toThrow(/--image is a flag of --env docker, not of --env local; add --env docker/);
  });
});

describe('a host that lacks what no package has', () => {
  const host = (missing: string[]): Remote => ({
    node: 'n2', address: '10.0.0.2',
    exec: async () => ({ code: 0, stdout: '', stderr: '' }),
    execOk: async () => missing.join('\n'),
    spawn: async () => { throw new Error('no'); },
    upload: async () => undefined,
    download: async () => undefined,
  });

  it('is named with the hint, and --install does not try apt-get for it', async () => {
    const needs = [{ path: 'faultline-raft', what: 'the program of --start', hint: 'install faultline there' }, { path: '/usr/lib/x/libfaketime.so.1', file: true, pkg: 'libfaketime' }];
    const logs: string[] = [];
    const err = await ensureHostNeeds([host(['c:faultline-raft', 'f:/usr/lib/x/libfaketime.so.1'])], needs, { install: true, log: (m) => logs.push(m) }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('host n2 (10.0.0.2) lacks faultline-raft (the program of --start), /usr/lib/x/libfaketime.so.1 (Debian package libfaketime); install it there (apt-get install -y libfaketime), point the target at it (e.g. --etcd-bin), or pass --install; install faultline there');
    expect(logs).toEqual([]);
  });

  it('keeps the package sentence for what a package has', async () => {
    const err = await ensureHostNeeds([host(['c:etcd'])], [{ path: 'etcd', pkg: 'etcd-server' }], { install: false, log: () => undefined }).catch((e: Error) => e);
    expect((err as Error).message).toBe('host n2 (10.0.0.2) lacks etcd (Debian package etcd-server); install it there (apt-get install -y etcd-server), point the target at it (e.g. --etcd-bin), or pass --install');
  });
});

describe("the Raft image's files", () => {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-raftfiles-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string): string => {
    const p = nodePath.join(dir, rel);
    fs.mkdirSync(nodePath.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };

  it('follows relative imports (static, re-exports, dynamic) and only those', () => {
    const main = write('dist/targets/raft/main.js', "import fs from 'node:fs';\nimport { a } from './a.js';\nexport { b } from '../shared/b.js';\nconst c = await import('./c.js');\n");
    write('dist/targets/raft/a.js', "import './a.js';\nexport const a = 1;\n");
    write('dist/targets/shared/b.js', 'export const b = 2;\n');
    write('dist/targets/raft/c.js', "const s = 'import x from \"./nowhere.js\"';\nexport default s;\n");
    write('dist/targets/raft/unused.js', 'export {};\n');
    expect(raftFiles(main, dir)).toEqual(['dist/targets/raft/a.js', 'dist/targets/raft/c.js', 'dist/targets/raft/main.js', 'dist/targets/shared/b.js']);
  });

  it('refuses a module that imports a package (the image holds no node_modules)', () => {
    const main = write('pkg/dist/targets/raft/main.js', "import Docker from 'dockerode';\n");
    expect(() => raftFiles(main, nodePath.join(dir, 'pkg'))).toThrow(/imports dockerode, which the Raft image would not hold/);
  });
});

describe('--disk-files', () => {
  it('names the files under {data} for --nemesis disk, the log first; without it the target offers no disk', () => {
    expect(diskFilesOf(req({ start: START }))).toBeUndefined();
    expect(diskFilesOf(req({ start: START, 'disk-files': '{node}/log.jsonl, {node}/meta.json' }))).toEqual(['{node}/log.jsonl', '{node}/meta.json']);
  });

  it.each(['/etc/passwd', '../x', '{node}/../../x', 'a//b', 'a,,b', './log'])('refuses %s in one sentence: not a relative path below {data}', (f) => {
    expect(() => diskFilesOf(req({ start: START, 'disk-files': f }))).toThrow(InputError);
    expect(() => diskFilesOf(req({ start: START, 'disk-files': f }))).toThrow(/is not a relative path below \{data\}; list the files as e\.g\. --disk-files/);
  });
});

