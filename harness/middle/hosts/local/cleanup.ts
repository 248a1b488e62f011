/**
 * Removing what a run created, from its state file: used by a run's own teardown and by `faultline
 * cleanup` after a SIGKILLed controller. Every step is tried whatever failed before it, and returns
 * what it removed, so a cleanup reports exactly what a run had left behind.
 */
import fs from 'node:fs';
import { orphanShmPids } from '../faketime.js';
import { run } from '../exec.js';
import { isAlive, isSameProcess, terminate } from '../process-info.js';
import { removeOrphanCopies } from '../private-copies.js';
import { ownerAlive, readStates, withSubnetLock, type RunState } from './state.js';

/** What a cleanup removed (or failed to), for the report and the tests. */
export interface CleanupReport {
  runId: string;
  processes: number[];
  namespaces: string[];
  bridges: string[];
  rules: number;
  shmFiles: string[];
  /** Rollback's copy directories of controllers that are gone (hosts/private-copies.ts). */
  copies?: string[];
  problems: string[];
}

/** Names every object of a run starts with: namespaces `fl-<id>-<node>`, the bridge `flb-<id>`, veths `flv<id>…`. */
export const namePrefix = (runId: string): { ns: string; bridge: string; veth: string; comment: string } => ({
  ns: `fl-${runId}-`,
  bridge: `flb-${runId}`,
  veth: `flv${runId}`,
  comment: `faultline:${runId}`,
});

export async function listNamespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list']);
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((n): n is string => !!n);
}

export async function linkExists(name: string): Promise<boolean> {
  return (await run(['ip', 'link', 'show', 'dev', name])).code === 0;
}

/** libfaketime's shm files of a dead PID (never of a live one, whose clock they drive). */
export function removeShmOf(pids: Iterable<number>): string[] {
  const removed: string[] = [];
  for (const pid of pids) {
    if (isAlive(pid)) continue;
    for (const f of [`/dev/shm/faketime_shm_${pid}`, `/dev/shm/sem.faketime_sem_${pid}`]) {
      try {
        fs.unlinkSync(f);
        removed.push(f);
      } catch {
        // Absent: never preloaded, or already removed.
      }
    }
  }
  return removed;
}

/** Removes everything `state` records, then the state file itself (unless a step failed). */
export async function removeRun(state: RunState, stateFile?: string): Promise<CleanupReport> {
  const report: CleanupReport = { runId: state.runId, processes: [], namespaces: [], bridges: [], rules: 0, shmFiles: [], problems: [] };
  // Processes first: a daemon killed after its namespace is gone would linger in a detached netns.
  await Promise.all(state.processes.map(async (p) => {
    if (!isSameProcess(p.pid, p.start)) return;
    await terminate(p.pid, 1_000);
    report.processes.push(p.pid);
  }));
  const present = new Set(await listNamespaces());
  for (const ns of state.namespaces) {
    if (!present.has(ns)) continue;
    // Anything else still running inside is ours too (a helper the record missed, a child of a daemon).
    const pids = (await run(['ip', 'netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean).map(Number);
    await Promise.all(pids.map(async (pid) => { await terminate(pid, 500); report.processes.push(pid); }));
    const r = await run(['ip', 'netns', 'del', ns]);
    if (r.code === 0) report.namespaces.push(ns);
    else report.problems.push(`ip netns del ${ns}: ${r.stderr.trim()}`);
  }
  // The kernel destroys a namespace's veth pairs asynchronously; delete our host ends now, so nothing
  // named after the run is left when this returns.
  const veth = namePrefix(state.runId).veth;
  const links = (await run(['ip', '-o', 'link', 'show'])).stdout;
  for (const m of links.matchAll(new RegExp(`^\\d+:\\s+(${veth}\\d+)[:@]`, 'gm'))) {
    await run(['ip', 'link', 'del', 'dev', m[1]]);
  }
  if (state.bridge && (await linkExists(state.bridge))) {
    const r = await run(['ip', 'link', 'del', 'dev', state.bridge]);
    if (r.code === 0) report.bridges.push(state.bridge);
    else report.problems.push(`ip link del ${state.bridge}: ${r.stderr.trim()}`);
  }
  for (const rule of state.hostRules) {
    // A rule added twice (a retried setup) is deleted until none is left.
    for (let i = 0; i < 10; i++) {
      const r = await run(['iptables', '-w', '-t', rule.table, '-D', rule.chain, ...rule.spec]);
      if (r.code !== 0) break;
      report.rules++;
    }
  }
  report.shmFiles = removeShmOf(new Set([...state.shmPids, ...state.processes.map((p) => p.pid)]));
  if (stateFile && report.problems.length === 0) fs.rmSync(stateFile, { force: true });
  return report;
}

/**
 * `faultline cleanup`: every recorded run whose controller is gone (or every run, with `force`), plus
 * objects named like ours that no live run claims (a crash between creating and recording them).
 * What to remove is decided under the machine-wide start-up lock: a starting run saves its state file
 * under it before creating anything, so every namespace seen here is either claimed by a state file
 * read here (its controller checked by PID and start time) or truly orphaned. The removal itself
 * happens after the lock is released; nothing decided dead comes back to life.
 */
export async function cleanupAll(opts: { force?: boolean; runId?: string } = {}): Promise<{ reports: CleanupReport[]; skipped: { runId: string; owner: number }[] }> {
  const reports: CleanupReport[] = [];
  const skipped: { runId: string; owner: number }[] = [];
  const doomed = await withSubnetLock(async () => {
    const dead: { state: RunState; file?: string }[] = [];
    const live = new Set<string>();
    for (const { file, state, error } of readStates()) {
      if (!state) {
        reports.push({ runId: file, processes: [], namespaces: [], bridges: [], rules: 0, shmFiles: [], problems: [`unreadable state file ${file}: ${error}`] });
        continue;
      }
      if (opts.runId !== undefined && state.runId !== opts.runId) { live.add(state.runId); continue; }
      if (!opts.force && ownerAlive(state)) {
        skipped.push({ runId: state.runId, owner: state.owner });
        live.add(state.runId);
        continue;
      }
      dead.push({ state, file });
    }
    if (opts.runId === undefined) {
      // A dead run's objects are found here too; its own removal goes first and leaves these none.
      dead.push(...(await findOrphans(live)).map((state) => ({ state })));
    }
    return dead;
  });
  for (const d of doomed) reports.push(await removeRun(d.state, d.file));
  // libfaketime files of dead PIDs that no state file names (SIGKILLed raft/Maelstrom runs).
  const shm = opts.runId === undefined ? removeShmOf(orphanShmPids()) : [];
  if (shm.length > 0) reports.push({ runId: 'libfaketime', processes: [], namespaces: [], bridges: [], rules: 0, shmFiles: shm, problems: [] });
  // Rollback's copies of dead controllers (any run on this machine: namespaces, containers, the Raft).
  const copies = opts.runId === undefined ? removeOrphanCopies() : [];
  if (copies.length > 0) reports.push({ runId: 'rollback copies', processes: [], namespaces: [], bridges: [], rules: 0, shmFiles: [], copies, problems: [] });
  return { reports: reports.filter((r) => r.problems.length + r.processes.length + r.namespaces.length + r.bridges.length + r.rules + r.shmFiles.length + (r.copies?.length ?? 0) > 0), skipped };
}

/** Namespaces and bridges named `fl-<id>-…`/`flb-<id>` (and FORWARD rules commented `faultline:<id>`) of runs not in `live`. */
async function findOrphans(live: ReadonlySet<string>): Promise<RunState[]> {
  const byRun = new Map<string, RunState>();
  const get = (id: string): RunState => {
    let s = byRun.get(id);
    if (!s) { s = { runId: id, owner: 0, createdAt: '', namespaces: [], hostRules: [], processes: [], shmPids: [] }; byRun.set(id, s); }
    return s;
  };
  for (const ns of await listNamespaces()) {
    const m = /^fl-([0-9a-f]{6})-/.exec(ns);
    if (m && !live.has(m[1])) get(m[1]).namespaces.push(ns);
  }
  const links = (await run(['ip', '-o', 'link', 'show', 'type', 'bridge'])).stdout;
  for (const m of links.matchAll(/^\d+:\s+flb-([0-9a-f]{6})[:@]/gm)) {
    if (!live.has(m[1])) get(m[1]).bridge = `flb-${m[1]}`;
  }
  const rules = await run(['iptables', '-w', '-S', 'FORWARD']);
  for (const line of rules.stdout.split('\n')) {
    const m = /--comment "?faultline:([0-9a-f]{6})"?/.exec(line);
    if (!m || live.has(m[1]) || !line.startsWith('-A FORWARD ')) continue;
    get(m[1]).hostRules.push({ table: 'filter', chain: 'FORWARD', spec: splitRule(line.slice('-A FORWARD '.length)) });
  }
  return [...byRun.values()];
}

/** Splits an `iptables -S` rule into argv, honouring its double quotes. */
export function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}
