/**
 * `npm run bench:watch`: the watch checker's speed on a 1M-event history in memory (parsing the ops
 * timed apart), and its verdict on the same history with one revision dropped (must be invalid).
 * Then real runs under partition,kill,pause (root; each store installed): etcd, ZooKeeper and Consul,
 * WATCH_{ETCD,ZK,CONSUL}_SEEDS runs (default 5) of WATCH_{ETCD,ZK,CONSUL}_SECONDS (default 60) each
 * — verdicts, events checked, compactions (etcd), per-store figures, lag p50/p99; an invalid run's
 * store is kept (its path printed) for investigation;
 * the bundled Raft, WATCH_RAFT_SEEDS runs (default 10) of 25 s, correct and with each watch bug
 * switch — valid and catch rates, lag. WATCH_REAL=0 skips the real runs. Figures are printed, not
 * asserted: the machine is shared. WATCH_EVENTS narrows the checker's size.
 */
import os from 'node:os';
import { checkWatchHistory, parseWatchHistory } from '../checkers/watch/index.js';
import type { Op } from '../harness/ground/history/op.js';
import { generateWatchOps } from './watch-history.js';
import { watchRun, type WatchRun } from './watch-runs.js';

function main(): void {
  const events = Number(process.env.WATCH_EVENTS ?? 1_000_000);
  const watchers = 4;
  // 1 in 10 revisions is a 2-key transaction: 1.1 events per revision per watcher.
  const commits = Math.ceil(events / watchers / 1.1);
  const ops = generateWatchOps(commits, watchers);
  console.log(`watch checker: ${commits.toLocaleString('en')} revisions, ${watchers} prefix watchers, ${ops.length.toLocaleString('en')} ops`);
  const times: number[] = [];
  let parseMs = 0;
  let result: ReturnType<typeof checkWatchHistory> | undefined;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const h = parseWatchHistory(ops);
    // The parse's garbage is collected before the clock starts (npm run bench:watch passes --expose-gc),
    // so the check is not charged for it.
    (globalThis as { gc?: () => void }).gc?.();
    const t1 = performance.now();
    result = checkWatchHistory(h);
    const t2 = performance.now();
    parseMs = t1 - t0;
    times.push(t2 - t1);
  }
  times.sort((a, b) => a - b);
  const checked = result!.eventsChecked as number;
  const med = times[1];
  console.log(`  events checked ${checked.toLocaleString('en')}, bookmarks ${String(result!.bookmarksChecked)}, resumes in ${String(result!.segments)} segments`);
  console.log(`  check (in memory, lag samples included): median ${med.toFixed(0)} ms of 3 → ${(checked / (med / 1000) / 1e6).toFixed(2)} M events/s   (goal ≥ 1 M/s)`);
  console.log(`  parse ops → watch history: ${parseMs.toFixed(0)} ms (excluded above)${(globalThis as { gc?: unknown }).gc ? '; a full GC ran between parse and check' : ''}`);
  console.log(`  verdict: ${String(result!.valid)} (must be true)`);
  // The same history with one revision dropped from one watcher's stream must be invalid.
  // One watcher's events of one revision, in the middle of the history, left out.
  const at = (o: Op): { watcher?: string; kind?: string; rev?: number } => o.value as never;
  const mid = ops.slice(ops.length >> 1).find((o) => o.type === 'event' && at(o).kind === 'put')!;
  const broken = checkWatchHistory(parseWatchHistory(ops.filter((o) => !(o.type === 'event' && at(o).watcher === at(mid).watcher && at(o).rev === at(mid).rev))));
  console.log(`  one revision dropped: ${String(broken.valid)} (must be false), classes ${JSON.stringify(broken.counts)}`);
  console.log(`  lag (generated, from write invoke): p50 ${String((result!.lagMs as { p50?: number }).p50)} ms p99 ${String((result!.lagMs as { p99?: number }).p99)} ms`);
}

function pct(xs: number[], p: number): string {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
}

function row(label: string, runs: WatchRun[]): void {
  for (const r of runs) console.log(`  ${label} seed ${r.seed}: ${String(r.valid)}, ${r.events} events checked (${String(r.eventRecords ?? '-')} event records${r.miscounted ? `; ${r.miscounted.windows} windows counted ${r.miscounted.counted} deliveries, ${r.miscounted.recorded} recorded` : ''}), ${r.compactions} compactions (${String(r.compactedSegments ?? 0)} streams ended compacted)${r.extra ? `, ${r.extra}` : ''}, convergence checked on ${String(r.converged)} watchers, counts ${JSON.stringify(r.counts)}, unmatched ${r.unmatched}, lag p50 ${String(r.lagMs.p50)} ms p99 ${String(r.lagMs.p99)} ms${r.error ? `, error ${r.error}` : ''}${r.kept ? `, store kept in ${r.kept}` : ''}`);
  const p50s = runs.map((r) => r.lagMs.p50).filter((x): x is number => typeof x === 'number');
  const p99s = runs.map((r) => r.lagMs.p99).filter((x): x is number => typeof x === 'number');
  console.log(`  ${label}: valid ${runs.filter((r) => r.valid === true).length}/${runs.length}, invalid ${runs.filter((r) => r.valid === false).length}/${runs.length}; lag p50 (median over runs) ${pct(p50s, 0.5)} ms, p99 (median over runs) ${pct(p99s, 0.5)} ms`);
}

function real(): void {
  const seeds = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
  const stores = [
    { store: 'etcd' as const, env: 'ETCD', title: 'etcd 3.4' },
    { store: 'zookeeper' as const, env: 'ZK', title: 'ZooKeeper 3.8' },
    { store: 'consul' as const, env: 'CONSUL', title: 'Consul 1.8' },
  ];
  for (const { store, env, title } of stores) {
    const n = Number(process.env[`WATCH_${env}_SEEDS`] ?? 5);
    const seconds = Number(process.env[`WATCH_${env}_SECONDS`] ?? 60);
    if (n <= 0) continue;
    console.log(`\n${title}, watch workload, partition,kill,pause, ${seconds} s runs (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
    row(store, seeds(n).map((s) => watchRun(store, s, seconds)));
  }
  const raftSeeds = Number(process.env.WATCH_RAFT_SEEDS ?? 10);
  for (const bug of raftSeeds > 0 ? [undefined, 'watch-snapshot-gap', 'watch-redeliver'] : []) {
    console.log(`\nbundled Raft${bug ? ` --bug ${bug}` : ' (correct)'}, watch workload, partition,kill,pause, 25 s runs:`);
    row(bug ?? 'raft', seeds(raftSeeds).map((s) => watchRun('raft', s, 25, bug)));
  }
}

main();
if (process.env.WATCH_REAL !== '0') real();
