/**
 * Disk faults on a real Consul 1.8 cluster in network namespaces: truncate and bit-flip land in
 * raft/raft.db (bbolt: the raft log and stable store in one file, no checksums), and a server that
 * cannot open or apply it exits at start, recorded with Go's own words (bbolt's SIGBUS on a page past
 * the cut end, a panic decoding a flipped entry). The rates over seeds are bench:disk's (docs/faults.md).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { consulParts } from '../../../targets/consul/index.js';
import type { DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';

const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`Consul disk faults in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('truncate and bit-flip touch raft.db; refusals carry Go\'s panic or fatal error, never a stack frame or the banner', async () => {
    const req = storeRequest('consul-disk', { faults: ['disk'], diskFaults: ['truncate', 'bit-flip'], timeLimitS: 20, faultIntervalS: 3, seed: 2 }, {});
    const out = await runTest(req.config, (run) => consulParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    const files = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8').split('\n').filter((l) => l.includes('"f":"disk"') && l.includes('"type":"info"'))
      .flatMap((l) => (JSON.parse(l) as { value: { files: { file: string }[] } }).value.files.map((f) => f.file));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toBe('raft/raft.db');
    const disk = out.results.disk as Record<string, DiskFaultOutcome>;
    const refused = Object.values(disk).flatMap((d) => d.refused);
    // Whether a server refuses depends on where the damage lands and when the next restart comes: seed 2
    // had refusals on the idle machine and none in one CI run under load. Every refusal there is must
    // carry Consul's own words; the choice of the telling line is unit-tested on Consul's real log lines
    // (test/unit/provision/refusal-line.test.ts), and bench:disk counts refusals over seeds.
    console.log(`consul disk: ${files.length} file faults, ${refused.length} refusal(s)`);
    for (const r of refused) expect(r.error).toMatch(/^consul n\d exited at start \(code \d+\): (panic: |fatal error: |==> )/);
    const applied = Object.values(disk).reduce((n, d) => n + d.applied, 0);
    expect(applied).toBeGreaterThan(0);
    // A run may end with too few servers to judge (unknown); it must never be invalid.
    expect(out.results.checkers.linearizable.valid).not.toBe(false);
    expectNothingLeft(out.dir);
  }, 240_000);
});
