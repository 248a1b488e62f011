/**
 * ZooKeeper 3.8's torn-tail hole (docs/faults.md), reproduced on purpose on one follower of three.
 * A transaction log record is `crc, length, bytes, 'B'`; when the byte after a record is not 'B',
 * ZooKeeper's Util.readTxnBytes logs "Last transaction was partial." and the reader takes the rest of
 * that file for a torn tail (no CRC is checked) and goes on to the next log file. That is right for
 * the newest log only. Here the follower's first log is made older than another (a restart begins a
 * new file), then its first record's 'B' is flipped: the server starts, replays the later logs over a
 * hole (its digest check says "Digests are not matching" and it starts anyway), rejoins with the
 * highest zxid of the later logs, so the leader sends only what comes after — and it serves a tree
 * without the registers created in the hole. One server damaged, once: inside ZooKeeper's failure
 * model, and the reads it serves are not linearizable.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nemesis, once, sleep } from '../../../harness/ground/generator/index.js';
import type { Nemesis } from '../../../harness/ground/contracts/roles.js';
import { runTest } from '../../../harness/top/run/run.js';
import { zookeeperParts } from '../../../targets/zookeeper/index.js';
import type { DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { readHistory } from '../provision/net-probe.js';
import { expectNothingLeft, storeRequest } from '../provision/store-runs.js';

const skip = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar']);
afterAll(removeTempDirs);

/** The offset of the end-of-record byte ('B') after the first record of a ZooKeeper log (after its 16-byte header). */
function firstRecordEnd(log: Buffer): number {
  if (log.subarray(0, 4).toString('latin1') !== 'ZKLG') throw new Error('not a ZooKeeper transaction log');
  const length = log.readInt32BE(16 + 8);
  const end = 16 + 8 + 4 + length;
  if (length <= 0 || log[end] !== 0x42) throw new Error(`no record at the log's start (length ${length}, byte ${log[end]})`);
  return end;
}

describe.skipIf(skip !== undefined)(`ZooKeeper's torn-tail hole${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('a flipped end-of-record byte in an older log: the follower starts with a hole and serves reads without acknowledged creates', async () => {
    // 20 ops/s: a restarted follower (a JVM start takes ~10 s here) stays within the leader's 500
    // committed proposals and is sent a DIFF; past them it would be sent a SNAP and snapshot over the
    // old log, and the flip would land in a file no longer read.
    const req = storeRequest('zk-torn-hole', { faults: ['disk'], diskFaults: ['bit-flip'], timeLimitS: 45, rate: 20, seed: 1 }, {});
    let victim: string | undefined;
    let flippedAt: number | undefined;
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = zookeeperParts(req, run);
      const planFaults = plan.faults!;
      plan.faults = (target, observed) => {
        const f = planFaults(target, observed);
        const disk = target.disk!, killable = target.killable!;
        const logsOf = (node: string): string[] => fs.readdirSync(nodePath.join(cluster.nodeDir(node), 'data', 'version-2'))
          .filter((n) => /^log\.[0-9a-f]+$/.test(n)).sort((a, b) => parseInt(b.slice(4), 16) - parseInt(a.slice(4), 16));
        const scripted: Nemesis = {
          fs: ['restart', 'disk', 'disk-restart'],
          teardown: () => f.nemesis.teardown(),
          async invoke(op) {
            if (op.f === 'restart') {
              // A follower (its leader untouched), restarted so that its next transaction opens a new log file.
              const leaders = await cluster.primaries.primaries();
              victim = target.nodes.filter((n) => !leaders.includes(n)).at(-1)!;
              await killable.kill(victim);
              await killable.start(victim);
              // Back in service (synced, so its next transaction is written to a new file); a JVM start takes seconds.
              let rejoined = false;
              for (let i = 0; i < 120 && !rejoined; i++) {
                rejoined = await disk.rejoined!(victim);
                if (!rejoined) await new Promise((r) => setTimeout(r, 250));
              }
              return { node: victim, leaders, rejoined };
            }
            if (op.f === 'disk') {
              await killable.kill(victim!);
              const logs = logsOf(victim!);
              const oldest = logs.at(-1)!;
              const end = firstRecordEnd(fs.readFileSync(nodePath.join(cluster.nodeDir(victim!), 'data', 'version-2', oldest)));
              flippedAt = end;
              // flipBits draws the file (logs newest first, then snapshots), then 8 bits: bit 0 of the 'B'
              // once and bit 1 seven times, so 'B' (0x42) becomes 'A' (0x41).
              const answers = [logs.length - 1, end * 8, ...Array.from({ length: 7 }, () => end * 8 + 1)];
              const touched = await disk.apply(victim!, 'bit-flip', () => answers.shift()!);
              const snapshots = fs.readdirSync(nodePath.join(cluster.nodeDir(victim!), 'data', 'version-2')).filter((n) => n.startsWith('snapshot.'));
              return { fault: 'bit-flip', nodes: [victim!], reached: [victim!], files: touched.map((t) => ({ node: victim!, ...t })), logs, snapshots };
            }
            if (op.f === 'disk-restart') {
              if (victim === undefined) return { nodes: [], refused: [] };
              try {
                await killable.start(victim);
                return { nodes: [victim], refused: [] };
              } catch (err) {
                return { nodes: [], refused: [{ node: victim, error: (err as Error).message }] };
              }
            }
            throw new Error(`unexpected ${op.f}`);
          },
        };
        const generator = nemesis([sleep(3e9), once({ f: 'restart', value: null }), sleep(4e9), once({ f: 'disk', value: null }), sleep(1e9), once({ f: 'disk-restart', value: null })]);
        return { ...f, nemesis: scripted, generator, finalGenerator: nemesis(once({ f: 'disk-restart', value: null })) };
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    expect(victim).toBeDefined();
    const ops = readHistory(out.dir);
    const flip = ops.find((o) => o.process === 'nemesis' && o.type === 'info' && o.f === 'disk');
    const files = (flip?.value as { files: { file: string; offset: number; bits: number[] }[]; logs: string[] }).files;
    expect(files).toHaveLength(1);
    // The oldest of at least two logs, at its first record's end.
    expect((flip?.value as { logs: string[] }).logs.length).toBeGreaterThanOrEqual(2);
    expect(files[0].file).toMatch(/^version-2\/log\.[0-9a-f]+$/);
    expect(files[0].offset).toBe(flippedAt);
    // No snapshot on it as new as that log's first transaction when flipped, so the log is still read
    // from its start (else the flip proves nothing); a follower may hold snapshot.<epoch>00000000.
    const zxid = (name: string): number => parseInt(name.slice(name.indexOf('.') + 1), 16);
    const { snapshots, logs } = flip?.value as { snapshots: string[]; logs: string[] };
    for (const snap of snapshots) expect(zxid(snap)).toBeLessThan(zxid(logs.at(-1)!));

    // It started (no refusal), logged the torn tail and the digest mismatch, and served what it had.
    const disk = out.results.disk as Record<string, DiskFaultOutcome>;
    expect(disk['bit-flip'].refused).toEqual([]);
    expect(disk['bit-flip'].started).toBeGreaterThan(0);
    const log = fs.readFileSync(`${out.dir}/nodes/${victim}/zookeeper.log`, 'utf8');
    const start = log.lastIndexOf('Starting quorum peer');
    expect(log.indexOf('Last transaction was partial.', start)).toBeGreaterThan(start);
    expect(log.indexOf('Digests are not matching', start)).toBeGreaterThan(start);
    const back = ops.find((o) => o.process === 'nemesis' && o.type === 'info' && o.f === 'disk-restart')!;
    const nil = ops.filter((o) => typeof o.process === 'number' && o.type === 'ok' && o.f === 'read' && o.value === null && o.index > back.index);
    console.log(`zk-torn-hole: ${victim} flipped at ${files[0].file}:${flippedAt}; ${nil.length} reads of nil after it came back; linearizable ${out.results.checkers.linearizable.valid}`);
    // Registers created long before (acknowledged writes) read as absent, and the checker says so.
    expect(nil.length).toBeGreaterThan(0);
    expect(out.results.checkers.linearizable.valid).toBe(false);
    expect(disk['bit-flip'].outcome).toBe('served-wrong-data');
    expectNothingLeft(out.dir);
  }, 240_000);
});
