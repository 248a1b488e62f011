/**
 * Shared bits of the namespace-cluster integration tests (etcd, ZooKeeper, provisioning): what the
 * machine lacks (skip with the reason, or fail under CI=true), temporary stores, and a search for
 * anything a run left behind — namespaces, bridges, FORWARD rules, processes, libfaketime shm files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { realProbe } from '../../../harness/middle/hosts/preflight.js';

/** Why these tests cannot run here (undefined when they can); under CI a missing piece is an error. */
export function missing(bins: readonly string[], files: readonly string[] = []): string | undefined {
  const why: string[] = [];
  if (!realProbe.isRoot()) why.push('root');
  for (const b of bins) if (!realProbe.hasCommand(b)) why.push(b);
  for (const f of files) if (!realProbe.hasFile(f)) why.push(f);
  if (why.length === 0) return undefined;
  const reason = `needs ${why.join(', ')} (run sudo npx faultline setup --target etcd --target zookeeper)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but this machine lacks: ${reason}`);
  return reason;
}

const dirs: string[] = [];

/** A fresh store directory, removed by `removeTempDirs` unless KEEP_FAULTLINE_STORES is set. */
export function tempStore(label: string): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-${label}-`));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  if (process.env.KEEP_FAULTLINE_STORES) return;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

const sh = (argv: string[]): string => {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  } catch {
    return '';
  }
};

/**
 * Everything of run `runId` that still exists: its namespaces, links and iptables rules (by its run
 * id), its state file, and the processes `pids` (with their libfaketime shm files). Only this run's
 * own resources are counted, never another run's, so integration files run in parallel (vitest.config.ts).
 * Without a run id (a run whose log names no network: it made none), only its processes.
 */
export function leftovers(runId: string | undefined, pids: readonly number[] = []): string[] {
  const out: string[] = [];
  if (runId !== undefined) out.push(...networkLeftovers(runId));
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(`process ${pid}`);
    } catch { /* gone */ }
    for (const f of [`/dev/shm/faketime_shm_${pid}`, `/dev/shm/sem.faketime_sem_${pid}`]) if (fs.existsSync(f)) out.push(`shm ${f}`);
  }
  return out;
}

/** The namespaces, links, iptables rules and state file of run `id`. */
function networkLeftovers(id: string): string[] {
  const out: string[] = [];
  for (const ns of sh(['ip', 'netns', 'list']).split('\n')) if (new RegExp(`^fl-${id}-`).test(ns)) out.push(`namespace ${ns.split(' ')[0]}`);
  for (const l of sh(['ip', '-o', 'link', 'show']).split('\n')) {
    const m = new RegExp(`^\\d+:\\s+(fl[bv]-?${id}\\w*)`).exec(l);
    if (m) out.push(`link ${m[1]}`);
  }
  for (const r of sh(['iptables', '-w', '-S']).split('\n')) if (new RegExp(`faultline:${id}`).test(r)) out.push(`iptables rule ${r}`);
  if (fs.existsSync(`/run/faultline/${id}.json`)) out.push(`state file /run/faultline/${id}.json`);
  return out;
}

/** Run id of the namespaces recorded in a run's harness.log ("provisioned … on flb-<id>"). */
export function runIdOf(runDir: string): string | undefined {
  const log = fs.readFileSync(nodePath.join(runDir, 'harness.log'), 'utf8');
  return /on flb-([0-9a-f]{6})/.exec(log)?.[1];
}

/** PIDs the run started, from the `pid N` lines its targets log. */
export function pidsOf(runDir: string): number[] {
  const log = fs.readFileSync(nodePath.join(runDir, 'harness.log'), 'utf8');
  return [...log.matchAll(/\bpid (\d+)/g)].map((m) => Number(m[1]));
}
