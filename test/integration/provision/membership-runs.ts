/**
 * A store run of the real CLI under `--nemesis membership,partition,kill` (issue 29), for the
 * per-store membership tests: one seed of at most 60 s, three members and a spare host. The rates
 * over 5 seeds are bench:membership's.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { expect } from 'vitest';
import { startCli } from '../run/cli-helpers.js';
import { storeMembershipArgs } from '../../../bench/store-membership-args.js';

export interface MembershipResults {
  valid: unknown;
  dir: string;
  checkers: Record<string, { valid: unknown; applied?: Record<string, number>; attempted?: Record<string, number>; reason?: string; views?: Record<string, { members: string[] | null; member: boolean; removedStillRunning?: boolean }> }>;
  unsupportedFaults?: unknown[];
}

/** One run of `target` with membership, partition and kill; its results and run directory. */
export async function membershipRun(store: string, target: string, seed: number, seconds = 55, extra: string[] = []): Promise<MembershipResults> {
  const name = `${target}-membership-${seed}`;
  const args = ['run', ...storeMembershipArgs(target), '--time-limit', `${seconds}s`, '--seed', String(seed), '--store', store, '--name', name, '--reporter', 'json', ...extra];
  const { code, stderr } = await startCli(args, store).done;
  expect([0, 1, 2], stderr).toContain(code);
  const dir = fs.realpathSync(nodePath.join(store, name, 'latest'));
  return { ...(JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as Omit<MembershipResults, 'dir'>), dir };
}

/**
 * What a single short run must show, whatever the timing: membership taken (not unsupported),
 * changes asked, linearizable, and the views never diverging (`membership-views` not false; it is
 * unknown when no change landed). Whether each run applies every kind of change depends on quiet
 * windows between partitions and kills (etcd refuses changes while a member is out of touch; a
 * ZooKeeper or Consul join takes 10-25 s here): measured over seeds by bench:membership, and printed here.
 */
export function expectMembershipSafe(r: MembershipResults, label: string): void {
  const mv = r.checkers['membership-views'];
  console.log(`${label} membership: verdict ${String(r.valid)}, applied ${JSON.stringify(mv?.applied)} of ${JSON.stringify(mv?.attempted)}, views ${String(mv?.valid)}${mv?.reason ? ` (${mv.reason})` : ''}`);
  expect(JSON.stringify(r.unsupportedFaults ?? [])).not.toMatch(/membership/);
  expect(r.checkers.linearizable?.valid, JSON.stringify(r.checkers.linearizable)).toBe(true);
  expect(mv, 'a membership-views result').toBeDefined();
  const attempted = mv.attempted!;
  expect(attempted.remove + attempted.add + attempted.replace, 'membership changes asked').toBeGreaterThanOrEqual(1);
  expect(mv.valid, mv.reason).not.toBe(false);
}
