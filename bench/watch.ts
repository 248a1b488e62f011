/**
 * `npm run bench:watch`: the watch checker's speed on a 1M-event history in memory (parsing the ops
 * timed apart), and its verdict on the same history with one revision dropped (must be invalid).
 * Then, for the stores whose watch workload exists, delivery-lag percentiles from real runs
 * (WATCH_RUNS=etcd:SECONDS; default none, a real run needs root and etcd): see docs/watch.md.
 * Figures are printed, not asserted: the machine is shared. WATCH_EVENTS narrows the size.
 */
import { checkWatchHistory, parseWatchHistory } from '../checkers/watch/index.js';
import { generateWatchOps } from './watch-history.js';

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
  console.log(`  parse ops → watch history: ${parseMs.toFixed(0)} ms (excluded above)`);
  console.log(`  verdict: ${String(result!.valid)} (must be true)`);
  // The same history with one revision dropped from one watcher's stream must be invalid.
  const mid = ops.find((o) => o.f === 'watch' && o.type !== 'invoke' && (o.value as { batches: unknown[] }).batches.length > 10)!;
  const batches = (mid.value as { batches: { events: unknown[] }[] }).batches;
  const saved = batches[5].events;
  batches[5].events = [];
  const broken = checkWatchHistory(parseWatchHistory(ops));
  batches[5].events = saved;
  console.log(`  one revision dropped: ${String(broken.valid)} (must be false), classes ${JSON.stringify(broken.counts)}`);
  console.log(`  lag (generated, from write invoke): p50 ${String((result!.lagMs as { p50?: number }).p50)} ms p99 ${String((result!.lagMs as { p99?: number }).p99)} ms`);
}

main();
