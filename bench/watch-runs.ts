/**
 * Real runs for bench:watch: `faultline run` of the watch workload as a child process (the built CLI,
 * a throw-away store), its watch checker's result read back from results.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = nodePath.join(DIST, 'harness/top/cli/main.js');
const RAFT_MAIN = nodePath.join(DIST, 'targets/raft/main.js');

export interface WatchRun {
  seed: number; valid: unknown; events: number; eventRecords?: number; miscounted?: { windows: number; counted: number; recorded: number }; counts: Record<string, number>; unmatched: number; lagMs: { p50?: number; p99?: number }; compactions: number; compactedSegments?: number; error?: string;
  /** Watchers checked for convergence after the heal, of all watchers. */
  converged?: string;
  /** Per-store figures: ZooKeeper's firings judged and session expiries, Consul's returns and index resets. */
  extra?: string;
  /** An invalid run's store, kept for investigation. */
  kept?: string;
}

export type WatchStore = 'etcd' | 'zookeeper' | 'consul' | 'raft';

/** One run of `store` (a real store, or `raft` with an optional bug switch) for `seconds`. */
export function watchRun(store: WatchStore, seed: number, seconds: number, bug?: string): WatchRun {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-watch-'));
  const common = ['--workload', 'watch', '--nodes', '3', '--concurrency', '6', '--nemesis', 'partition,kill,pause', '--time-limit', `${seconds}s`, '--seed', String(seed), '--store', dir];
  const args = store !== 'raft'
    ? ['run', '--target', store, ...common]
    : ['run', '--target', 'custom', '--client', 'http-kv', '--start', `${process.execPath} ${RAFT_MAIN} --listen {host}:{port} --node {node} --peers {peers} --data-dir {data} --snapshot-every 20${bug ? ` --bug ${bug}` : ''}`, ...common, '--nemesis-interval', '5s'];
  let keep = false;
  try {
    const p = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: (seconds + 180) * 1000 });
    // The run's own directory (the store also holds its index.html, which sorts before zookeeper-watch).
    const runDir = fs.readdirSync(dir).find((d) => fs.existsSync(nodePath.join(dir, d, 'latest', 'results.json'))) ?? '';
    const latest = nodePath.join(dir, runDir, 'latest', 'results.json');
    if (!fs.existsSync(latest)) return { seed, valid: 'no result', events: 0, counts: {}, unmatched: 0, lagMs: {}, compactions: 0, error: (p.stderr || p.stdout).slice(-300) };
    const w = (JSON.parse(fs.readFileSync(latest, 'utf8')) as { checkers: Record<string, Record<string, unknown>> }).checkers.watch;
    const zk = w.zookeeper as Record<string, number> | undefined;
    const consul = w.consul as Record<string, number> | undefined;
    const extra = zk ? `${zk.fires} firings (${zk.judged} judged, ${zk.unchecked} with an indeterminate trigger), ${zk.expiries} session expiries`
      : consul ? `${consul.returns} returns (${consul.spurious} spurious), ${consul.indexResets} index resets` : undefined;
    keep = w.valid === false && store !== 'raft';
    return { seed, valid: w.valid, events: w.eventsChecked as number, eventRecords: w.eventRecords as number | undefined, ...(w.miscounted ? { miscounted: w.miscounted as WatchRun['miscounted'] } : {}), counts: w.counts as Record<string, number>, unmatched: w.unmatched as number, lagMs: w.lagMs as WatchRun['lagMs'], compactions: w.compactions as number, compactedSegments: w.compactedSegments as number,
      converged: `${(w.convergence as { checked: string[] }).checked.length}/${(w.convergence as { checked: string[]; unchecked: string[] }).checked.length + (w.convergence as { unchecked: string[] }).unchecked.length}`, ...(extra ? { extra } : {}), ...(keep ? { kept: dir } : {}) };
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
