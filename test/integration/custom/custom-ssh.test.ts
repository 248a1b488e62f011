/**
 * `--target custom --env ssh` against the test bed (namespace hosts, each with a real sshd): the
 * bundled Raft started on each host by its path, `{data}` in the host's run directory, a health
 * command run on the host, real partitions, kills and pauses over ssh2 — the correct Raft stays
 * linearizable and the hosts are left as they were. A start command whose program a host lacks
 * (`faultline-raft`, which is not on the hosts' PATH) is refused in one sentence naming the host,
 * before any server starts.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBed, type TestBed } from '../../../harness/middle/hosts/ssh/test-bed.js';
import { RAFT_MAIN } from '../../../targets/raft/index.js';
import { removeTempDirs } from '../provision/helpers.js';
import { sshMissing } from '../ssh/helpers.js';
import { CLI, describeRun, RAFT_START, runCustom } from './helpers.js';

const skip = sshMissing(['iptables', 'iptables-restore', 'unshare']) ?? (fs.existsSync(CLI) ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
let bed: TestBed;

const argsOf = (flags: Map<string, string | true>): string[] => [...flags].flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));
const BASE = ['--workload', 'register', '--quiet', '1s', '--concurrency', '6', '--client', 'http-kv'];
/** The Raft as it is started on a host that has faultline's files: node and main.js by path. */
const START = `${process.execPath} ${RAFT_MAIN} --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}`;

describe.skipIf(skip !== undefined)(`the bundled Raft on ssh hosts as a custom target${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => { bed = await startTestBed({ nodes: ['n1', 'n2', 'n3'] }); }, 60_000);
  afterAll(async () => {
    await bed?.stop();
    removeTempDirs();
  });

  it('the correct Raft is linearizable under partitions, kills and pauses; the hosts are left as they were', async () => {
    // Up once the node has voted: its meta file exists in {data}, which is on the host.
    const health = 'test -s {data}/{node}/meta.json';
    const r = await runCustom('ssh-valid', [...BASE, ...argsOf(bed.flags()), '--start', START, '--health', health, '--cas', 'if-match',
      '--nemesis', 'partition,kill,pause', '--nemesis-interval', '2s', '--time-limit', '14s', '--seed', '3'], 120_000, () => bed.leftovers());
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.results?.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${r.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause']) expect(hist).toContain(`"f":"${f}"`);
    expect(r.results?.ops).toBeGreaterThan(300);
    // Every node ran on its host, its data dir in the host's run directory; the log came back by SFTP.
    const env = r.results?.environment as { kind: string; hosts: { address: string; runDir: string }[] };
    expect(env.kind).toBe('ssh');
    expect(env.hosts.map((h) => h.address)).toEqual(bed.addresses);
    const serverLog = fs.readFileSync(`${r.dir}/nodes/n1/server.log`, 'utf8');
    expect(serverLog).toContain(`--data-dir ${env.hosts[0].runDir}/data`);
    expect(serverLog).toMatch(new RegExp(`n1: listening for peers on ${bed.addresses[0].replace(/\./g, '\\.')}:7000`));
    expect(r.left).toEqual([]);
  }, 150_000);

  it('refuses a start command whose program a host lacks, naming the host, before any server starts', async () => {
    const r = await runCustom('ssh-no-program', [...BASE, ...argsOf(bed.flags()), '--start', RAFT_START(), '--health', '/health', '--time-limit', '5s'],
      60_000, () => bed.leftovers());
    expect(r.code, describeRun(r)).toBe(254);
    expect(r.stderr).toMatch(/host n\d \(10\.\S+\) lacks faultline-raft \(the program of --start\); faultline-raft is the bundled Raft: install faultline on every host/);
    expect(r.stderr).not.toMatch(/started n\d/);
    expect(fs.readFileSync(`${r.dir}/harness.log`, 'utf8')).not.toMatch(/started n\d as pid/);
    expect(r.left).toEqual([]);
  }, 60_000);
});
