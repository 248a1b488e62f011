/**
 * Membership changes under faults (issue 29), seed by seed: the bundled Raft's `two-changes` bug
 * (two membership changes in flight) against the correct Raft on the same schedules, both under
 * `--nemesis membership,partition`. Prints, per run, the verdict, the checkers that failed, the
 * changes applied by kind (remove, add, replace) and whether the views converged after the heal;
 * then the counts (target: the bug not valid in ≥ 8/10, the correct Raft valid in 10/10).
 * Prints figures; asserts nothing.
 *
 * The store rows (etcd, zookeeper, consul) run `--nemesis membership,partition,kill` (target: valid, at least one
 * remove, add and replace applied per run, views converged — 5 seeds of 60 s).
 *
 *   npm run bench:membership [-- --seeds 10 --time 60 --only raft-two-changes,raft-correct]
 *   npm run bench:membership -- --seeds 5 --time 60 --only etcd,zookeeper,consul
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { arg, run } from './cli-runs.js';
import { storeMembershipArgs } from './store-membership-args.js';

interface Row { name: string; args: string[]; why: string; want: 'invalid' | 'valid' }

/**
 * Long election timeouts (1-2 s; check-quorum 4 s) keep a leader cut off in a minority in office
 * while the majority side elects another. The nemesis removes the members the leader cannot reach
 * back to back, within a membership op of the cut (every 500 ms): with the bug the cut-off leader
 * takes both removals, has a majority of its new configuration on its own side and commits, while
 * the other side, still in the old configuration, elects its own leader and commits too. The
 * leader must be in a minority with company for that (a leader alone cannot remove its way to a
 * majority above the three-member floor): `primaries-minority` puts it there, `random-halves` (of the
 * configuration, under membership) half the time less often; partitions of 3 s give the far side
 * time to elect before the heal.
 */
export const RAFT_MEMBERSHIP_ARGS = ['--target', 'raft', '--nemesis', 'membership,partition', '--nemesis-interval', '3s', '--membership-every', '500ms', '--election-ms', '1000-2000',
  '--partition-shapes', 'primaries-minority,random-halves'];

export const ROWS: readonly Row[] = [
  { name: 'raft-two-changes', want: 'invalid', why: 'two changes in flight: disjoint majorities elect two leaders (target: not valid in ≥ 8/10)', args: [...RAFT_MEMBERSHIP_ARGS, '--bug', 'two-changes'] },
  { name: 'raft-correct', want: 'valid', why: 'one change at a time, committed before the next (target: valid in 10/10)', args: RAFT_MEMBERSHIP_ARGS },
  { name: 'etcd', want: 'valid', why: 'member API: remove, add as a learner then promote, replace with wiped data (target: valid, ≥1 of each kind applied, views converged, 5/5)', args: storeMembershipArgs('etcd') },
  { name: 'zookeeper', want: 'valid', why: 'dynamic reconfig as the super user, --reads quorum: remove (the server keeps running), add a started joiner, replace with wiped data (target: valid, ≥1 of each kind applied, views converged, 5/5)', args: storeMembershipArgs('zookeeper') },
  // The finding (docs/targets/zookeeper.md): membership alone, ZooKeeper's default sync reads. Which runs catch it depends on a
  // reconfig removing the leader while a client of the leader reads; the rate is what this row measures.
  { name: 'zookeeper-sync-reads', want: 'invalid', why: 'sync reads under membership alone: a leader removed by reconfig answers reads from its own state after the new leader took over (a finding: not valid in some runs)', args: storeMembershipArgs('zookeeper', 'membership', ['--reads', 'sync']) },
  { name: 'consul', want: 'valid', why: 'leave / force-leave and remove-peer / join, autopilot promotes the joiner (target: valid, ≥1 of each kind applied, views converged, 5/5)', args: storeMembershipArgs('consul') },
];

interface Changes { applied: Record<string, number>; attempted: Record<string, number> }

/** One line about a run's results.json. */
function summarize(results: Record<string, unknown>): string {
  const checkers = results.checkers as Record<string, Record<string, unknown>>;
  const failed = Object.entries(checkers).filter(([, r]) => r.valid !== true).map(([n, r]) => `${n}=${String(r.valid)}`);
  const mv = checkers['membership-views'] as unknown as (Changes & { valid: unknown }) | undefined;
  const ch = mv ? `applied remove ${mv.applied.remove}, add ${mv.applied.add}, replace ${mv.applied.replace} (of ${mv.attempted.remove + mv.attempted.add + mv.attempted.replace})` : 'no membership record';
  return `${String(results.valid).padEnd(7)} ${String(results.ops).padStart(5)} ops  ${ch}  views converged: ${String(mv?.valid)}  ${failed.length ? `not valid: ${failed.join(', ')}` : ''}`;
}

async function main(): Promise<void> {
  const only = arg('only')?.split(',');
  const seeds = Number(arg('seeds') ?? 10);
  const time = arg('time') ?? '60';
  const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-membership-'));
  // Seed by seed, the rows one after the other within each seed: both rows see the same load, and a
  // bench cut short still has figures for both.
  const rows = ROWS.filter((r) => !only || only.includes(r.name));
  const tally = new Map(rows.map((r) => [r.name, { hit: 0, ran: 0, everyKind: 0 }]));
  const counts = (): string => rows.map((r) => `${r.name} ${r.want === 'invalid' ? 'not valid' : 'valid'} in ${tally.get(r.name)!.hit} of ${tally.get(r.name)!.ran} (every kind of change applied in ${tally.get(r.name)!.everyKind})`).join('; ');
  try {
    for (const row of rows) console.log(`== ${row.name}: ${row.why}\n   faultline run ${[...row.args, '--time-limit', `${time}s`].join(' ')}`);
    for (let seed = 1; seed <= seeds; seed++) {
      for (const row of rows) {
        const name = `${row.name}-${seed}`;
        const t0 = performance.now();
        const r = await run([...row.args, '--time-limit', `${time}s`, '--seed', String(seed), '--store', store, '--name', name]);
        const latest = nodePath.join(store, name, 'latest', 'results.json');
        if (!fs.existsSync(latest)) {
          console.log(`   ${row.name.padEnd(16)} seed ${seed}: no results (exit ${r.code}): ${r.out.trim().split('\n').slice(-2).join(' / ')}`);
          continue;
        }
        const results = JSON.parse(fs.readFileSync(latest, 'utf8')) as Record<string, unknown>;
        const t = tally.get(row.name)!;
        t.ran++;
        if (row.want === 'invalid' ? results.valid === false : results.valid === true) t.hit++;
        const mv = (results.checkers as Record<string, Changes | undefined>)['membership-views'];
        if (mv && mv.applied.remove >= 1 && mv.applied.add >= 1 && mv.applied.replace >= 1) t.everyKind++;
        console.log(`   ${row.name.padEnd(16)} seed ${String(seed).padStart(2)} ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s  ${summarize(results)}  load ${os.loadavg()[0].toFixed(1)}`);
      }
      console.log(`   so far: ${counts()}`);
    }
    console.log(`\n=> ${counts()} (${seeds} seeds asked; targets: the bug not valid in ≥ 8/10, the correct Raft valid in 10/10, the stores valid in 5/5); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    if (!process.env.KEEP_FAULTLINE_STORES) fs.rmSync(store, { recursive: true, force: true });
    else console.log(`\nruns kept in ${store}`);
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
