/**
 * Shared bits of the `--env ssh` integration tests: when they can run (root, sshd, etcd; under CI a
 * missing piece is an error), the tests of one store against a test bed started for them, a run
 * request against the bed, and what a history must hold to be complete.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import { startTestBed, testBedMissing } from '../../../harness/middle/hosts/ssh/test-bed.js';
import type { RunConfig, RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import type { TestBed } from '../../../harness/middle/hosts/ssh/test-bed.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { storeRequest, type StoreFlags } from '../provision/store-runs.js';

/** Why the ssh tests cannot run here, or undefined. */
export function sshMissing(bins: readonly string[] = ['etcd', 'iptables', 'iptables-restore', 'unshare']): string | undefined {
  const bed = testBedMissing();
  if (bed && process.env.CI === 'true') throw new Error(`CI=true but this machine lacks: ${bed}`);
  return bed ?? missing(bins);
}

/**
 * `describe` of tests against a test bed of three hosts (n1–n3), skipped with `skip` when it says
 * why: the bed starts before the tests and stops after them, and the temporary stores go with it.
 * `tests` gets the bed as a getter, since it is started only once the tests run.
 */
export function describeOnTestBed(title: string, skip: string | undefined, tests: (testBed: () => TestBed) => void): void {
  describe.skipIf(skip !== undefined)(`${title}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let bed: TestBed | undefined;
    beforeAll(async () => { bed = await startTestBed({ nodes: ['n1', 'n2', 'n3'] }); });
    afterAll(async () => {
      await bed?.stop();
      removeTempDirs();
    });
    tests(() => bed!);
  });
}

/**
 * A run request of a store target against the test bed (one node per host, short): `storeRequest`
 * (which refuses old flag names) with the bed's flags under the request's own.
 */
export function bedRequest(bed: TestBed, name: string, over: Partial<RunConfig>, flags: StoreFlags, workload = 'register'): RunRequest {
  return { ...storeRequest(name, over, flags, workload, bed.net.hosts.length), flags: bed.flags(flags) };
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
