/**
 * Disk faults on a real Consul 1.8 cluster in network namespaces, one server at a time: truncate and
 * bit-flip land in raft/raft.db, rollback puts a server's data directory back to its earlier copy (bbolt: the raft log and stable store in one file, no checksums), and a server that
 * cannot open or apply it exits at start, recorded with Go's own words (bbolt's SIGBUS on a page past
 * the cut end, a panic decoding a flipped entry). The rates over seeds are bench:disk's (docs/faults.md).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { consulParts } from '../../../targets/consul/index.js';
import { diskOutcomeLines, type DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';

const skip = missing(['consul', 'iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`Consul disk faults in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('truncate, bit-flip and rollback touch raft.db; refusals carry Go\'s panic or fatal error, never a stack frame or the banner', async () => {
    // One server at a time: a rollback is one disk going back to the copy of its previous fault.
    const req = storeRequest('consul-disk', { faults: ['disk'], diskFaults: ['truncate', 'bit-flip', 'rollback'], nodeTargets: ['one'], timeLimitS: 20, faultIntervalS: 2, seed: 2 }, {});
    const out = await runTest(req.config, (run) => consulParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    const files = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8').split('\n').filter((l) => l.includes('"f":"disk"') && l.includes('"type":"info"'))
      .flatMap((l) => (JSON.parse(l) as { value: { files: { file: string }[] } }).value.files.map((f) => f.file));
    expect(files.length).toBeGreaterThan(0);
    // truncate and bit-flip damage raft.db alone; a rollback rewrites whatever changed since its copy.
    const faultFiles = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8').split('\n').filter((l) => l.includes('"f":"disk"') && l.includes('"type":"info"'))
      .map((l) => (JSON.parse(l) as { value: { fault: string; files: { file: string }[] } }).value).filter((v) => v.fault !== 'rollback').flatMap((v) => v.files.map((f) => f.file));
    for (const f of faultFiles) expect(f).toBe('raft/raft.db');
    const disk = out.results.disk as Record<string, DiskFaultOutcome>;
    const refused = Object.values(disk).flatMap((d) => d.refused);
    // Whether a server refuses depends on where the damage lands and when the next restart comes: seed 2
    // had refusals on the idle machine and none in one CI run under load. Every refusal there is must
    // carry Consul's own words; the choice of the telling line is unit-tested on Consul's real log lines
    // (test/unit/provision/refusal-line.test.ts), and bench:disk counts refusals over seeds.
    console.log(`consul disk: ${files.length} file(s) touched, ${refused.length} refusal(s)\n  ${diskOutcomeLines(disk).join('\n  ')}`);
    // Go's panic or fatal error, Consul's fatal `==>`, or its own [ERROR] line (a bit-flipped raft.db
    // once ended `Failed to start Raft: write …/raft.db: file too large`).
    for (const r of refused) expect(r.error).toMatch(/^consul n\d exited at start \(code \d+\): (panic: |fatal error: |==> |\S+ \[ERROR\] agent: )/);
    const applied = Object.values(disk).reduce((n, d) => n + d.applied, 0);
    expect(applied).toBeGreaterThan(0);
    // A rollback reached a server (one hit by an earlier fault, so it had a copy) and rewrote its files.
    expect(disk.rollback?.applied).toBeGreaterThan(0);
    expect(disk.rollback.filesTouched).toBeGreaterThan(0);
    // A run may end with too few servers to judge (unknown); it must never be invalid.
    expect(out.results.checkers.linearizable.valid).not.toBe(false);
    expectNothingLeft(out.dir);
  }, 240_000);
});
