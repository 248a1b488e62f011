/**
 * Shared bits of the `--env ssh` integration tests: when they can run (root, sshd, etcd; under CI a
 * missing piece is an error), a run request against a test bed, the CLI, and what a history must
 * hold to be complete.
 */
import fs from 'node:fs';
import { DEPRECATED_FLAGS } from '../../../harness/flags.js';
import { testBedMissing } from '../../../harness/provision/ssh/test-bed.js';
import type { RunConfig, RunRequest } from '../../../harness/run-contract.js';
import type { TestBed } from '../../../harness/provision/ssh/test-bed.js';
import { missing, tempStore } from '../provision/helpers.js';

/** Why the ssh tests cannot run here, or undefined. */
export function sshMissing(bins: readonly string[] = ['etcd', 'iptables', 'iptables-restore', 'unshare']): string | undefined {
  const bed = testBedMissing();
  if (bed && process.env.CI === 'true') throw new Error(`CI=true but this machine lacks: ${bed}`);
  return bed ?? missing(bins);
}

/** A run request of a store target against the test bed (3 nodes, short). */
export function bedRequest(bed: TestBed, name: string, over: Partial<RunConfig>, flags: Record<string, string | true>, workload = 'register'): RunRequest {
  // A request built here skips the CLI, which rewrites old flag names; an old name would be silently
  // ignored (a 2 s request timeout instead of the 1 s asked for hid every stale read once).
  const old = Object.keys(flags).find((k) => DEPRECATED_FLAGS.some((d) => d.name === k));
  if (old) throw new Error(`bedRequest: --${old} is an old flag name; use --${DEPRECATED_FLAGS.find((d) => d.name === old)!.now}`);
  const config: RunConfig = {
    name, store: tempStore(name), seed: 7, timeLimitS: 12, rate: 100, concurrency: 6, quietS: 1,
    faults: [], faultIntervalS: 2, ...over,
  };
  return { config, flags: bed.flags(flags), workload, nodeCount: bed.net.hosts.length };
}

/** Client invocations that never completed (a complete history has none besides the last `info`s). */
export function unmatchedInvokes(dir: string): number {
  const open = new Map<string, number>();
  for (const line of fs.readFileSync(`${dir}/history.jsonl`, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const op = JSON.parse(line) as { process: number | string; type: string };
    const key = String(op.process);
    if (op.type === 'invoke') open.set(key, (open.get(key) ?? 0) + 1);
    else open.set(key, (open.get(key) ?? 0) - 1);
  }
  return [...open.values()].filter((n) => n !== 0).length;
}
