/**
 * Locks and elections under faults aimed at the holder or leader, seed by seed (issue 28): each row
 * runs `faultline run` once per seed on etcd, ZooKeeper and Consul (the election rows of the bundled
 * Raft on it alone), one run at a time (real clusters are heavy), with the
 * workload's defaults (30 s, no per-store tuning) and `--node-targets holders`, and prints per run
 * the verdict, the lock checker's overlaps and lost updates (the election checker's epochs, leaders,
 * violation classes and measured failover against its bound), and how many faults hit a holder or
 * found none; then the count of runs that lost mutual exclusion. Needs root and the three stores.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:selection [-- --seeds 10 --time 30 --only lock-pause-holders --stores etcd,zookeeper,consul]
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { arg, run } from './cli-runs.js';

interface Row { name: string; seeds: number; args: string[]; why: string; time?: string; /** Targets other than the three stores. */ targets?: string[] }

const STORES = ['etcd', 'zookeeper', 'consul'];

/** The experiments; `--seeds`/`--time` override their seed counts and time limits. */
export const ROWS: readonly Row[] = [
  { name: 'lock-pause-holders', seeds: 10, why: 'lock without fencing, the holder\'s node paused (target: not valid in ≥ 9/10)', args: ['--workload', 'lock', '--nemesis', 'pause', '--node-targets', 'holders'] },
  { name: 'fenced-off-holders', seeds: 10, why: 'fenced-lock, the resource takes every write: the stale holder\'s writes interleave', args: ['--workload', 'fenced-lock', '--fencing', 'off', '--nemesis', 'pause', '--node-targets', 'holders'] },
  // Election (issue 28 part 1): every fault aimed at the leader's node (the workload exposes who leads).
  { name: 'election-holders', seeds: 5, why: 'election under partitions, kills and pauses of the leader\'s node (target: valid 5/5 on each store, failover measured)', args: ['--workload', 'election', '--nemesis', 'partition,kill,pause', '--node-targets', 'holders', '--partition-shapes', 'holders', '--nemesis-interval', '5s'] },
  { name: 'election-raft-correct', seeds: 5, targets: ['raft'], why: 'the correct bundled Raft\'s own leadership under partitions, kills and pauses (target: valid 5/5)', args: ['--workload', 'election', '--nemesis', 'partition,kill,pause', '--nemesis-interval', '2s'] },
  { name: 'election-raft-sticky-leader', seeds: 10, time: '20', targets: ['raft'], why: 'the sticky-leader switch: a deposed leader keeps leading (target: not valid in ≥ 9/10, two leaders in one term)', args: ['--workload', 'election', '--bug', 'sticky-leader', '--nemesis', 'partition,pause', '--nemesis-interval', '2s'] },
  { name: 'fenced-enforce-holders', seeds: 10, why: 'fenced-lock, the resource rejects lower tokens: stays safe (target 10/10), rejected writes shown', args: ['--workload', 'fenced-lock', '--fencing', 'enforce', '--nemesis', 'pause', '--node-targets', 'holders'] },
];


/** The machine's 1/5/15-minute load averages, printed with every run: figures measured under load say so. */
function loadavg(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join('/');
}

interface FamilyLine { scheduled: number; tookEffect: number; holderHits?: number; noHolder?: number }

/** One line about a run's results.json. */
function summarize(results: Record<string, unknown>): string {
  const checkers = results.checkers as Record<string, Record<string, unknown>>;
  const parts = [`${String(results.valid).padEnd(5)} ${String(results.ops).padStart(5)} ops`];
  const lock = checkers.lock as { acquires: number; overlaps: { count: number }; lostUpdates: { count: number } } | undefined;
  if (lock) parts.push(`acquires ${lock.acquires}, overlaps ${lock.overlaps.count}, lost updates ${lock.lostUpdates.count}`);
  const fenced = checkers['fenced-lock'] as { writes: number; rejected: number; interleaved: { count: number }; staleWrites?: { count: number }; tokenReused: { count: number }; tokenDecreased: { count: number } } | undefined;
  if (fenced) parts.push(`resource writes ${fenced.writes}, rejected by fencing ${fenced.rejected}, interleaved ${fenced.interleaved.count}, stale writes ${fenced.staleWrites?.count ?? 0}, tokens reused ${fenced.tokenReused.count}, decreased ${fenced.tokenDecreased.count}`);
  const el = checkers.election as { classes: string[]; epochs: number; leaders: number; sightings: number; failover: { ttlMs: number; boundMs: number; cutOff: number; judged: number; notJudged: number; maxMs?: number; meanMs?: number } } | undefined;
  if (el) {
    const f = el.failover;
    parts.push(`epochs ${el.epochs}, leaders ${el.leaders}, sightings ${el.sightings}${el.classes.length ? `, VIOLATIONS ${el.classes.join(',')}` : ''}; leader cut off ${f.cutOff} (judged ${f.judged}, not judged ${f.notJudged}), failover max ${f.maxMs ?? '-'} ms mean ${f.meanMs ?? '-'} ms, bound TTL ${f.ttlMs} + ${f.boundMs} ms`);
  }
  const es = checkers['election-safety'] as { valid: unknown } | undefined;
  if (es) parts.push(`election-safety ${String(es.valid)}`);
  for (const [name, f] of Object.entries((results.faults ?? {}) as Record<string, FamilyLine>)) {
    parts.push(`${name} ${f.tookEffect}/${f.scheduled} took, ${f.holderHits ?? 0} on a holder, ${f.noHolder ?? 0} found no holder`);
  }
  return parts.join('  ');
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:selection needs root (network namespaces); run it with sudo');
  const only = arg('only')?.split(',');
  const stores = arg('stores')?.split(',') ?? STORES;
  const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-selection-'));
  try {
    for (const row of ROWS.filter((r) => !only || only.includes(r.name))) {
      const seeds = Number(arg('seeds') ?? row.seeds);
      const time = arg('time') ?? row.time ?? '30';
      console.log(`\n== ${row.name}: ${row.why}\n   faultline run --target ${row.targets?.join('|') ?? 'STORE'} ${['--time-limit', `${time}s`, ...row.args].join(' ')}`);
      const targets = row.targets ?? stores;
      const tally = new Map(targets.map((t) => [t, { invalid: 0, ran: 0 }]));
      // Seed by seed across the stores, so a bench cut short still has comparable counts for each.
      for (let seed = 1; seed <= seeds; seed++) {
        for (const target of targets) {
          const name = `${row.name}-${target}-${seed}`;
          const t0 = performance.now();
          const r = await run(['--target', target, '--time-limit', `${time}s`, ...row.args, '--seed', String(seed), '--store', store, '--name', name]);
          const latest = nodePath.join(store, name, 'latest', 'results.json');
          if (!fs.existsSync(latest)) {
            console.log(`   ${target.padEnd(9)} seed ${seed}: no results (exit ${r.code}): ${r.out.trim().split('\n').slice(-2).join(' / ')}`);
            continue;
          }
          const results = JSON.parse(fs.readFileSync(latest, 'utf8')) as Record<string, unknown>;
          const t = tally.get(target)!;
          t.ran++;
          if (results.valid === false) t.invalid++;
          console.log(`   ${target.padEnd(9)} seed ${String(seed).padStart(2)} ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s  load ${loadavg()}  ${summarize(results)}`);
        }
      }
      for (const [target, t] of tally) console.log(`   => ${row.name} on ${target}: not valid in ${t.invalid} of ${t.ran} runs (${seeds} asked); load now ${loadavg()}`);
    }
  } finally {
    if (!process.env.KEEP_FAULTLINE_STORES) fs.rmSync(store, { recursive: true, force: true });
    else console.log(`\nruns kept in ${store}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:selection: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
