/**
 * Removing what a docker run created: used by the run's own teardown and by `faultline cleanup` after
 * a SIGKILLed controller. Containers, networks and volumes are found by the label `faultline.run=<id>`
 * (so nothing a user made is ever touched), the DOCKER-USER rule by its comment, helper processes
 * (delayers entered into a container's namespace) by the run's state file. Every step is tried
 * whatever failed before it.
 */
import fs from 'node:fs';
import type Docker from 'dockerode';
import { run } from '../exec.js';
import { splitRule } from '../local/cleanup.js';
import { isSameProcess, terminate } from '../process-info.js';
import type { CleanupSummary } from '../environment.js';
import { readDockerStates, type DockerRunState } from './state.js';
import { withSubnetLock } from '../local/state.js';

const RUN_LABEL = 'faultline.run';

export interface DockerCleanupReport {
  runId: string;
  processes: number[];
  containers: string[];
  networks: string[];
  volumes: string[];
  rules: number;
  problems: string[];
}

const labelFilter = (runId?: string): string => JSON.stringify({ label: [runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL] });

/** DOCKER-USER rules of faultline's docker runs: `{runId, spec}` per rule. */
export async function listBridgeRules(): Promise<{ runId: string; spec: string[] }[]> {
  const r = await run(['iptables', '-w', '-S', 'DOCKER-USER']);
  const out: { runId: string; spec: string[] }[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /--comment "?faultline-docker:([0-9a-f]{6})"?/.exec(line);
    if (m && line.startsWith('-A DOCKER-USER ')) out.push({ runId: m[1], spec: splitRule(line.slice('-A DOCKER-USER '.length)) });
  }
  return out;
}

/** Removes everything of run `runId`; `state` adds its helper processes and rules when known. */
export async function removeDockerRun(docker: Docker, runId: string, state?: DockerRunState, stateFile?: string): Promise<DockerCleanupReport> {
  const report: DockerCleanupReport = { runId, processes: [], containers: [], networks: [], volumes: [], rules: 0, problems: [] };
  // Helpers first: a delayer outliving its container would hold a dead namespace.
  await Promise.all((state?.processes ?? []).map(async (p) => {
    if (!isSameProcess(p.pid, p.start)) return;
    await terminate(p.pid, 1_000);
    report.processes.push(p.pid);
  }));
  const containers = await docker.listContainers({ all: true, filters: labelFilter(runId) }).catch((e: Error) => { report.problems.push(`listing containers: ${e.message}`); return []; });
  await Promise.all(containers.map(async (c) => {
    try {
      // v: anonymous volumes an image declares go with their container.
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      report.containers.push((c.Names[0] ?? c.Id).replace(/^\//, ''));
    } catch (err) {
      if (!/No such container|is already in progress/.test((err as Error).message)) report.problems.push(`removing container ${c.Names[0]}: ${(err as Error).message}`);
    }
  }));
  const volumes = await docker.listVolumes({ filters: labelFilter(runId) }).then((v) => v.Volumes ?? []).catch(() => []);
  for (const v of volumes) {
    try {
      await docker.getVolume(v.Name).remove();
      report.volumes.push(v.Name);
    } catch (err) {
      report.problems.push(`removing volume ${v.Name}: ${(err as Error).message}`);
    }
  }
  const networks = await docker.listNetworks({ filters: labelFilter(runId) }).catch(() => []);
  for (const n of networks) {
    try {
      await docker.getNetwork(n.Id).remove();
      report.networks.push(n.Name);
    } catch (err) {
      report.problems.push(`removing network ${n.Name}: ${(err as Error).message}`);
    }
  }
  const rules = [...(state?.hostRules ?? []).map((r) => r.spec), ...(await listBridgeRules()).filter((r) => r.runId === runId).map((r) => r.spec)];
  for (const spec of rules) {
    // A rule added twice (a retried setup) is deleted until none is left.
    for (let i = 0; i < 10; i++) {
      const r = await run(['iptables', '-w', '-D', 'DOCKER-USER', ...spec]);
      if (r.code !== 0) break;
      report.rules++;
    }
  }
  if (stateFile && report.problems.length === 0) fs.rmSync(stateFile, { force: true });
  return report;
}

/** True while the controller `pid` that started at `start` (clock ticks) lives. */
function ownerLives(pid: number, start: number | undefined): boolean {
  return pid > 0 && isSameProcess(pid, start);
}

/**
 * `faultline cleanup` for docker: every run with labelled objects, a rule or a state file whose
 * controller is gone (or every one, with `force`).
 */
export async function cleanupDocker(docker: Docker | undefined, opts: { force?: boolean; runId?: string } = {}): Promise<{ reports: DockerCleanupReport[]; skipped: { runId: string; owner: number }[] }> {
  const reports: DockerCleanupReport[] = [];
  // Decided under the start-up lock a run saves its state file under before creating anything: an
  // object or rule seen here without a live state file is a dead run's, never a starting one's.
  const runs = await withSubnetLock(async () => {
    const runs = new Map<string, { owner: number; start?: number; state?: DockerRunState; file?: string }>();
    const note = (runId: string, owner: number, start?: number): void => {
      if (!runs.has(runId)) runs.set(runId, { owner, start });
    };
    for (const { file, state, error } of readDockerStates()) {
      if (!state) { reports.push({ runId: file, processes: [], containers: [], networks: [], volumes: [], rules: 0, problems: [`unreadable state file ${file}: ${error}`] }); continue; }
      runs.set(state.runId, { owner: state.owner, start: state.ownerStart, state, file });
    }
    if (docker) {
      const labelled = [
        ...(await docker.listContainers({ all: true, filters: labelFilter() }).catch(() => [])).map((c) => c.Labels),
        ...(await docker.listNetworks({ filters: labelFilter() }).catch(() => [])).map((n) => n.Labels ?? {}),
        ...(await docker.listVolumes({ filters: labelFilter() }).then((v) => v.Volumes ?? []).catch(() => [])).map((v) => v.Labels ?? {}),
      ];
      for (const l of labelled) {
        const id = l[RUN_LABEL];
        if (id) note(id, Number(l['faultline.owner'] ?? 0), l['faultline.owner-start'] ? Number(l['faultline.owner-start']) : undefined);
      }
    }
    for (const r of await listBridgeRules()) note(r.runId, 0);
    return runs;
  });
  const skipped: { runId: string; owner: number }[] = [];
  for (const [runId, r] of runs) {
    if (opts.runId !== undefined && runId !== opts.runId) continue;
    if (!opts.force && ownerLives(r.owner, r.start)) { skipped.push({ runId, owner: r.owner }); continue; }
    if (docker) {
      reports.push(await removeDockerRun(docker, runId, r.state, r.file));
    } else {
      // No daemon: only the host's share can go (processes, rules); containers wait for a daemon.
      const rep: DockerCleanupReport = { runId, processes: [], containers: [], networks: [], volumes: [], rules: 0, problems: [] };
      for (const p of r.state?.processes ?? []) if (isSameProcess(p.pid, p.start)) { await terminate(p.pid, 1_000); rep.processes.push(p.pid); }
      for (const x of await listBridgeRules()) if (x.runId === runId && (await run(['iptables', '-w', '-D', 'DOCKER-USER', ...x.spec])).code === 0) rep.rules++;
      if (r.file && r.state?.processes.length === rep.processes.length) fs.rmSync(r.file, { force: true });
      reports.push(rep);
    }
  }
  const nonEmpty = (x: DockerCleanupReport): boolean => x.problems.length + x.processes.length + x.containers.length + x.networks.length + x.volumes.length + x.rules > 0;
  return { reports: reports.filter(nonEmpty), skipped };
}

/** A report in the environment-neutral form of `faultline cleanup`. */
export function summarize(r: DockerCleanupReport): CleanupSummary {
  return {
    runId: r.runId,
    problems: r.problems,
    removed: [
      r.containers.length && `${r.containers.length} container(s)`,
      r.networks.length && `network ${r.networks.join(', ')}`,
      r.volumes.length && `${r.volumes.length} volume(s)`,
      r.rules && `${r.rules} DOCKER-USER rule(s)`,
      r.processes.length && `${r.processes.length} helper process(es)`,
    ].filter((x): x is string => typeof x === 'string'),
  };
}
