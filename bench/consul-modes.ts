/**
 * Consul's read modes and its lock, seed by seed: each row runs `faultline run --target consul` once
 * per seed (one run at a time: real clusters are heavy) and prints, per run, the verdict, the ops and
 * what the checker found — the first counterexample of a linearizability failure, or the lock
 * checker's overlaps and lost updates. The figures in docs/targets/consul.md come from here.
 * Needs root and consul (scripts/setup-consul.sh). Prints figures; asserts nothing.
 *
 *   npm run bench:consul [-- --seeds 10 --time 30 --only default-primaries,lock-pause]
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { arg, run } from './cli-runs.js';

interface Row { name: string; seeds: number; args: string[]; why: string; time?: string }

const COMMON = ['--target', 'consul', '--nodes', '5', '--rate', '100', '--concurrency', '10'];

/** The experiments; `--seeds`/`--time` override their seed counts and time limits. */
export const ROWS: readonly Row[] = [
  { name: 'stale-partition', seeds: 3, why: 'stale reads: any server answers from its own state', args: ['--workload', 'register', '--consul-reads', 'stale', '--nemesis', 'partition', '--values', '1000', '--nemesis-interval', '5s'] },
  { name: 'consistent-faults', seeds: 5, why: 'consistent reads under partitions, kills and pauses', args: ['--workload', 'register', '--consul-reads', 'consistent', '--nemesis', 'partition,kill,pause', '--nemesis-interval', '5s'] },
  { name: 'default-primaries', seeds: 10, why: "default reads while the leader is cut off (Jepsen 2014's stale reads)", args: ['--workload', 'register', '--consul-reads', 'default', '--nemesis', 'partition', '--partition-shapes', 'primaries', '--values', '1000', '--nemesis-interval', '5s', '--request-timeout', '1s'] },
  { name: 'lock-pause', seeds: 5, why: 'lock: 8 s pauses, session TTL 2 s (invalidated 2–4 s after the last renewal) + lock-delay 1 s, clients wait 5 s per request', args: ['--workload', 'lock', '--nemesis', 'pause', '--nemesis-interval', '8s', '--session-ttl', '2', '--lock-delay', '1', '--request-timeout', '5s'], time: '60' },
  { name: 'lock-pause-delay15', seeds: 5, why: "lock: the same with Consul's default lock-delay, 15 s", args: ['--workload', 'lock', '--nemesis', 'pause', '--nemesis-interval', '8s', '--session-ttl', '2', '--lock-delay', '15', '--request-timeout', '5s'], time: '60' },
];


interface HistOp { process: number | string; type: string; f: string; time: number; value: unknown }

/**
 * How many pauses caught a lock holder: the paused servers included the server of a client that held
 * the lock (from its acquire's ok to its release's invocation) at the moment of the pause.
 */
export function pausesOnHolders(history: readonly HistOp[]): { pauses: number; onHolder: number } {
  const acquiredAt = new Map<number | string, { t: number; node: string }>();
  const held: { from: number; to: number; node: string }[] = [];
  const invoked = new Map<number | string, string>();
  for (const o of history) {
    if (o.process === 'nemesis') continue;
    if (o.type === 'invoke') {
      invoked.set(o.process, o.f);
      const a = acquiredAt.get(o.process);
      if (o.f === 'release' && a) { held.push({ from: a.t, to: o.time, node: a.node }); acquiredAt.delete(o.process); }
    } else if (invoked.get(o.process) === 'acquire' && o.type === 'ok') {
      acquiredAt.set(o.process, { t: o.time, node: (o.value as { node: string }).node });
    }
  }
  for (const a of acquiredAt.values()) held.push({ from: a.t, to: Infinity, node: a.node });
  const pauses = history.filter((o) => o.process === 'nemesis' && o.type === 'info' && o.f === 'pause');
  const onHolder = pauses.filter((p) => {
    const nodes = ((p.value as { result?: string[] }).result ?? []);
    return held.some((h) => h.from <= p.time && p.time <= h.to && nodes.includes(h.node));
  }).length;
  return { pauses: pauses.length, onHolder };
}

/** One line about a run's results.json (and, for the lock, its history). */
function summarize(results: Record<string, unknown>, history: () => HistOp[]): string {
  const checkers = results.checkers as Record<string, Record<string, unknown>>;
  const parts = [`${String(results.valid).padEnd(5)} ${String(results.ops).padStart(5)} ops`];
  const lin = checkers.linearizable as { valid: unknown; failures?: { counterexample: { description: string }[] }[] } | undefined;
  if (lin?.failures?.length) parts.push(`${lin.failures.length} key(s) failed; first: ${lin.failures[0].counterexample.map((o) => o.description).join(' | ')}`);
  const lock = checkers.lock as { acquires: number; overlaps: { count: number }; lostUpdates: { count: number } } | undefined;
  if (lock) {
    const p = pausesOnHolders(history());
    parts.push(`acquires ${lock.acquires}, pauses ${p.pauses} (${p.onHolder} on a holder's server), overlaps ${lock.overlaps.count}, lost updates ${lock.lostUpdates.count}`);
  }
  return parts.join('  ');
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:consul needs root (network namespaces); run it with sudo');
  const only = arg('only')?.split(',');
  const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-consul-'));
  try {
    for (const row of ROWS.filter((r) => !only || only.includes(r.name))) {
      const seeds = Number(arg('seeds') ?? row.seeds);
      const time = arg('time') ?? row.time ?? '30';
      console.log(`\n== ${row.name}: ${row.why}\n   faultline run ${[...COMMON, '--time-limit', `${time}s`, ...row.args].join(' ')}`);
      let invalid = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const args = [...COMMON, '--time-limit', `${time}s`, ...row.args, '--seed', String(seed), '--store', store, '--name', `${row.name}-${seed}`];
        const t0 = performance.now();
        const r = await run(args);
        const latest = nodePath.join(store, `${row.name}-${seed}`, 'latest', 'results.json');
        if (!fs.existsSync(latest)) {
          console.log(`   seed ${seed}: no results (exit ${r.code}): ${r.out.trim().split('\n').slice(-2).join(' / ')}`);
          continue;
        }
        const results = JSON.parse(fs.readFileSync(latest, 'utf8')) as Record<string, unknown>;
        if (results.valid === false) invalid++;
        const history = (): HistOp[] => fs.readFileSync(nodePath.join(nodePath.dirname(latest), 'history.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as HistOp);
        console.log(`   seed ${String(seed).padStart(2)} ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s  ${summarize(results, history)}`);
      }
      console.log(`   => not valid in ${invalid} of ${seeds} runs`);
    }
  } finally {
    if (!process.env.KEEP_FAULTLINE_STORES) fs.rmSync(store, { recursive: true, force: true });
    else console.log(`\nruns kept in ${store}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:consul: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
