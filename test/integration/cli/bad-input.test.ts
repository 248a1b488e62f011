/**
 * Issue 22's reproductions, each as the user met it (the real CLI in a child process): every crash
 * and hang is now one sentence with exit 254, and every refusal of `run` comes before the run
 * directory exists — the store stays empty, `latest` does not move. `--dry-run` runs the same checks
 * without starting anything (exit 0 for valid settings). Each case is bounded at 20 s: a hang fails.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tempStore } from '../run/cli-helpers.js';

const dir = tempStore('bad-input');
const store = nodePath.join(dir, 'store');
const fifo = nodePath.join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, dir);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const r = await run.done;
  clearTimeout(timer);
  return r;
}

/** Refused in one sentence with exit 254, no stack, and nothing in the store. */
async function refused(args: string[], sentence: RegExp): Promise<void> {
  const r = await cli(args);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(sentence);
  expect(r.code).toBe(254);
  expect(fs.existsSync(store) ? fs.readdirSync(store) : []).toEqual([]);
}

const run = (...a: string[]): string[] => ['run', '--config', 'none', '--store', store, '--time-limit', '1s', ...a];

describe('crashes and exhaustion become one sentence', () => {
  it('a value nested 5,000 deep: check and report', async () => {
    const h = nodePath.join(dir, 'deep.jsonl');
    fs.writeFileSync(h, `{"process":0,"type":"invoke","f":"write","value":${deep(5000)},"time":1}\n{"process":0,"type":"ok","f":"write","value":${deep(5000)},"time":2}\n`);
    await refused(['check', h], /deep\.jsonl:1: a value is nested more than 1000 levels deep/);
    const rd = nodePath.join(dir, 'deep-run');
    fs.mkdirSync(rd);
    fs.writeFileSync(nodePath.join(rd, 'results.json'), `{"valid":true,"checkers":{},"x":${deep(5000)}}\n`);
    await refused(['report', rd, '--no-index'], /results\.json: a value is nested more than 1000 levels deep/);
  });

  it('--model __proto__, constructor, toString', async () => {
    const h = nodePath.join(dir, 'h.jsonl');
    fs.writeFileSync(h, '{"process":0,"type":"invoke","f":"write","value":1}\n{"process":0,"type":"ok","f":"write","value":1}\n');
    for (const m of ['__proto__', 'constructor', 'toString']) await refused(['check', h, '--model', m], new RegExp(`unknown model "${m}"`));
  });

  it('--nodes 1e9 and 100000, --concurrency 1e9', async () => {
    await refused(run('--nodes', '1e9'), /--nodes 1000000000 is more than 64/);
    await refused(run('--nodes', '100000'), /--nodes 100000 is more than 64/);
    await refused(run('--concurrency', '1e9'), /--concurrency 1000000000 is more than 1024/);
  });

  it('--store /etc/passwd, and /proc/self/x (which spun forever)', async () => {
    await refused(['run', '--config', 'none', '--store', '/etc/passwd'], /--store \/etc\/passwd: \/etc\/passwd is a file, not a directory/);
    await refused(['run', '--config', 'none', '--store', '/proc/self/x'], /--store \/proc\/self\/x is inside \/proc, a kernel filesystem/);
  });

  it('a config whose getter throws, and a truncated TS config (which became an empty config)', async () => {
    const getter = nodePath.join(dir, 'getter.config.mjs');
    fs.writeFileSync(getter, "export default { get nodes() { throw new Error('boom'); } };\n");
    await refused(['run', '--config', getter, '--store', store], /getter\.config\.mjs threw while its settings were read \(boom\)/);
    const cut = nodePath.join(dir, 'cut.config.ts');
    fs.writeFileSync(cut, 'export default {\n  nodes: 3,\n  scenarios: [\n');
    await refused(['run', '--config', cut, '--store', store, '--dry-run'], /cut\.config\.ts:4: .* does not parse \(is it cut short\?\)/);
  });

  it('--ssh-known-hosts /dev/zero, --hosts-file /dev/zero and a FIFO (bad_alloc, hangs)', async () => {
    await refused(run('--target', 'etcd', '--env', 'ssh', '--hosts', 'a.example', '--ssh-known-hosts', '/dev/zero'), /--ssh-known-hosts \/dev\/zero is a device; pass a regular file/);
    await refused(run('--target', 'etcd', '--env', 'ssh', '--hosts-file', '/dev/zero'), /--hosts-file \/dev\/zero is a device/);
    await refused(run('--target', 'etcd', '--env', 'ssh', '--hosts-file', fifo), /is a FIFO; pass a regular file/);
    await refused(['check', fifo], /is a FIFO; pass a regular file/);
    await refused(['run', '--config', fifo, '--store', store], /config file .* is a FIFO/);
  });

  it('report --store naming a file or a kernel directory (crashed writing the index)', async () => {
    const rd = nodePath.join(dir, 'plain-run');
    fs.mkdirSync(rd);
    fs.writeFileSync(nodePath.join(rd, 'history.jsonl'), '{"process":0,"type":"invoke","f":"write","value":1,"time":1}\n');
    await refused(['report', rd, '--store', '/etc/passwd'], /--store \/etc\/passwd: \/etc\/passwd is a file, not a directory/);
    await refused(['report', rd, '--store', '/proc/self'], /--store \/proc\/self is inside \/proc, a kernel filesystem/);
  });

  it('--target zookeeper --nodes 1 (waited 60 s, then failed)', async () => {
    await refused(run('--target', 'zookeeper', '--nodes', '1'), /--target zookeeper needs --nodes 2 or more/);
  });

  it('matrix --config /nonexistent', async () => {
    await refused(['matrix', '--config', '/nonexistent'], /config file \/nonexistent does not exist/);
  });
});

describe('histories a checker must not trust, and a report that must not obey its data', () => {
  it('check refuses a completion timed before its invoke, and a pair with different keys', async () => {
    const early = nodePath.join(dir, 'early.jsonl');
    fs.writeFileSync(early, '{"process":0,"type":"invoke","f":"write","value":1,"time":100}\n{"process":0,"type":"ok","f":"write","value":1,"time":50}\n');
    await refused(['check', early], /early\.jsonl:2: ok write of process 0 is timed 50, before its invoke at 100/);
    const keys = nodePath.join(dir, 'keys.jsonl');
    fs.writeFileSync(keys, '{"process":0,"type":"invoke","f":"write","key":"a","value":1,"time":1}\n{"process":0,"type":"ok","f":"write","key":"b","value":1,"time":2}\n');
    await refused(['check', keys], /keys\.jsonl:2: ok write of process 0 is on key "b", but its invoke \(index 0\) is on key "a"/);
  });

  it('the report shows a U+202E bidi override as text, never raw', async () => {
    const rd = nodePath.join(dir, 'bidi-run');
    fs.mkdirSync(rd);
    const v = JSON.stringify('abc\u202edef');
    fs.writeFileSync(nodePath.join(rd, 'history.jsonl'), `{"process":0,"type":"invoke","f":"write","value":${v},"time":1}\n{"process":0,"type":"ok","f":"write","value":${v},"time":2}\n`);
    fs.writeFileSync(nodePath.join(rd, 'results.json'), '{"valid":true,"checkers":{"linearizable":{"valid":true}},"ops":2,"durationS":1,"unsupportedFaults":[]}\n');
    const r = await cli(['report', rd, '--no-index']);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(nodePath.join(rd, 'report.html'), 'utf8');
    expect(html).toContain('abc\\u202edef');
    expect(html).not.toContain('\u202e');
  });
});

describe('refusals come before the run directory exists', () => {
  it('a --nodes/hosts mismatch, --subnet 10.91.0.0/33 and --hosts héllo.example', async () => {
    await refused(run('--target', 'etcd', '--nodes', '3', '--env', 'ssh', '--hosts', 'a.example,b.example'), /--nodes 3 does not match the 2 host\(s\) given/);
    await refused(run('--target', 'etcd', '--subnet', '10.91.0.0/33'), /--subnet "10\.91\.0\.0\/33" is not an IPv4 subnet/);
    await refused(run('--target', 'etcd', '--nodes', '1', '--env', 'ssh', '--hosts', 'héllo.example'), /--hosts: "héllo\.example" is not a host/);
  });

  it('settings accepted before: public and loopback subnets, equal ports, a session timeout ZooKeeper clamps, --nemesis ,', async () => {
    await refused(run('--target', 'etcd', '--subnet', '8.8.8.0/24'), /--subnet 8\.8\.8\.0\/24 is not a private network/);
    await refused(run('--target', 'etcd', '--subnet', '127.0.0.0/24'), /--subnet 127\.0\.0\.0\/24 is not a private network/);
    await refused(run('--target', 'custom', '--start', 'true', '--port', '7000', '--peer-port', '7000'), /--port and --peer-port are both 7000/);
    await refused(run('--target', 'zookeeper', '--session-ttl', '100s'), /--session-ttl 100s is outside the 1s–10s ZooKeeper allows/);
    await refused(run('--nemesis', ','), /--nemesis "," names no fault/);
  });
});

describe('the option registry: a typo gets the nearest flag or value; bad values and ranges name what is allowed', () => {
  it('--read-consistancy, --nemesis partiton, --reads wrong for the store, --nodes 65', async () => {
    await refused(run('--target', 'etcd', '--read-consistancy', 'serializable'), /^faultline: unknown option --read-consistancy for faultline run \(did you mean --reads\?\)/);
    await refused(run('--nemesis', 'partiton'), /unknown fault 'partiton' \(did you mean "partition"\?\); valid faults are/);
    await refused(run('--target', 'consul', '--reads', 'sync'), /--reads must be one of consistent, default, stale, got "sync"/);
    await refused(run('--nodes', '65'), /--nodes 65 is more than 64, the most nodes a run starts; pass --nodes 1 to 64/);
  });
});

describe('--dry-run', () => {
  it('prints the resolved settings, exits 0 and makes no run directory', async () => {
    const r = await cli(run('--nodes', '3', '--nemesis', 'partition', '--dry-run'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the settings are valid; nothing was started/);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('{')))).toMatchObject({ nodes: 3, faults: ['partition'], target: 'raft', timeLimitS: 1 });
    expect(fs.existsSync(store)).toBe(false);
  });

  it('matrix --dry-run checks every scenario of a suite and runs none', async () => {
    const r = await cli(['matrix', '--suite', 'regressions', '--store', store, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scenario\(s\) valid; nothing was started/);
    expect(fs.existsSync(store) ? fs.readdirSync(store) : []).toEqual([]);
  });
});
