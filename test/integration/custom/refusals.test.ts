/**
 * What `--target custom` refuses before anything starts (exit 254, one sentence naming the file,
 * field, op or placeholder, no run directory), and the nodes it names when they break at setup (one
 * that exits at start, one never healthy, one answering garbage): the message carries the end of the
 * node's log, and nothing of the run is left.
 */
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { CLIENTS, describeRun, RAFT_START, runCustom } from './helpers.js';

const skip = missing(['iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

const BASE = ['--workload', 'register', '--nodes', '3', '--time-limit', '5s', '--quiet', '0s'];
const client = (f: string): string => nodePath.join(CLIENTS, f);

describe.skipIf(skip !== undefined)(`--target custom refuses bad input before anything starts${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.each([
    ['a client with a type error', ['--start', RAFT_START(), '--client', client('type-error.ts')], /type-error\.ts has a type error: line 8:11: Type 'number' is not assignable to type 'string'/],
    ['a client without a default export', ['--start', RAFT_START(), '--client', client('no-default.ts')], /no-default\.ts has no default export \(it exports client\)/],
    ['a client without an op the workload needs', ['--start', RAFT_START(), '--client', client('no-cas.ts')], /no-cas\.ts does not support op cas, which workload register needs \(its field ops lists read, write\)/],
    ['a client file that does not exist', ['--start', RAFT_START(), '--client', client('nowhere.ts')], /nowhere\.ts does not exist/],
    ['an unknown placeholder in --start', ['--start', 'faultline-raft --listen {host}:{port} --node {name}'], /--start names the unknown placeholder \{name\}; the placeholders are \{node\}/],
    ['an unknown placeholder in --peers-format', ['--start', RAFT_START(), '--peers-format', '{node}@{address}'], /--peers-format names the unknown placeholder \{address\}/],
    ['no --start', [], /--target custom needs --start/],
  ])('%s', async (_what, args, message) => {
    const r = await runCustom('refused', [...BASE, ...args]);
    expect(r.code, describeRun(r)).toBe(254);
    expect(r.stderr).toMatch(message);
    // #24: a TypeScript client is type-checked first (tens of seconds), and a line says so at once.
    const lines = r.stderr.trim().split('\n');
    const ts = args.some((a) => a.endsWith('.ts') && !a.includes('nowhere'));
    if (ts) expect(lines[0]).toMatch(/^faultline: type-checking the client module .*\.ts \(TypeScript, strict; this takes 20–45 s\)$/);
    // One sentence, no stack trace, and nothing started: no run directory at all.
    expect(lines.filter((l) => !/^faultline: (type-checking the client module|client module .* type-checked in)/.test(l))).toHaveLength(1);
    expect(r.dir).toBeUndefined();
  }, 60_000);
});

describe.skipIf(skip !== undefined)(`--target custom names a node that breaks at setup${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const garbage = `node -e "require('http').createServer((q, r) => r.end('<html>hello from the wrong server')).listen(+process.argv[1], process.argv[2])" {port} {host}`;
  it.each([
    ['exits at start', ['--start', 'sh -c "echo cannot open {data}/db: no such file >&2; exit 3"'], /n\d exited \(code 3\) before the cluster became healthy.*\n(.|\n)*cannot open .*\/db: no such file/],
    ['never becomes healthy', ['--start', 'tail -F {data}/never', '--health', '/health', '--health-timeout', '3s'], /did not become healthy within 3000 ms \(--health-timeout\): n1 down: ECONNREFUSED(.|\n)*faultline: starting n1: tail -F/],
    ['answers garbage', ['--start', garbage], /n\d answered GET \/kv\/faultline-health outside the http-kv convention \(docs\/http-kv\.md\): HTTP 200 "<html>hello from the wrong server"/],
  ])('a node that %s is named with the end of its log, and nothing is left', async (_what, args, message) => {
    const r = await runCustom('broken', [...BASE, ...args]);
    expect(r.code, describeRun(r)).toBe(254);
    expect(r.stderr).toMatch(message);
    expect(r.dir).toBeDefined();
    expect(r.left).toEqual([]);
  }, 90_000);
});
