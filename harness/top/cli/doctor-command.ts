/**
 * `faultline doctor`: what this machine can run. It asks every registered environment, target and
 * fault family for its requirements (each declares its own, so a new one shows up here by being
 * registered) and prints, for each thing missing, the command that installs it.
 */
import { ENVIRONMENTS } from '../../middle/hosts/environments.js';
import { FAULT_REQUIREMENTS, realProbe } from '../../middle/hosts/preflight.js';
import type { MachineProbe, Requirement } from '../../ground/contracts/run-contract.js';
import { TARGETS } from '../run/targets.js';
import { dockerChecks } from '../../middle/hosts/docker/doctor.js';
import { parseArgs } from './args.js';

export const DOCTOR_HELP = `faultline doctor [--json]

Lists what this machine can run (environments, targets, faults), each requirement's version where it
has one, and how to get what is missing. Exit 0 whatever is missing.`;

export interface DoctorCheck {
  /** What asks: `environment local`, `target etcd`, `fault latency`. */
  for: string;
  name: string;
  ok: boolean;
  detail: string;
  install?: string;
}

/** Every registered environment's, target's and fault family's requirements, checked with `probe`. */
export async function doctorChecks(probe: MachineProbe = realProbe): Promise<DoctorCheck[]> {
  const groups: [string, readonly Requirement[]][] = [
    ...Object.values(ENVIRONMENTS).map((e): [string, readonly Requirement[]] => [`environment ${e.name}`, e.requirements()]),
    ...Object.values(TARGETS).map((t): [string, readonly Requirement[]] => [`target ${t.name}`, t.requirements?.() ?? []]),
    ...Object.entries(FAULT_REQUIREMENTS).map(([f, r]): [string, readonly Requirement[]] => [`fault ${f}`, r]),
  ];
  const checks: DoctorCheck[] = [];
  for (const [what, reqs] of groups) {
    if (reqs.length === 0) checks.push({ for: what, name: 'nothing beyond Node.js', ok: true, detail: `node ${process.version}` });
    for (const r of reqs) {
      const ok = r.present(probe);
      const version = ok && r.version ? await r.version().catch(() => undefined) : undefined;
      checks.push({ for: what, name: r.what, ok, detail: ok ? (version ?? 'present') : 'missing', install: ok ? undefined : r.install });
    }
  }
  // The daemon (address, version, storage driver) and each target's image or the command that builds it.
  // The images targets offer other runs (the bundled Raft's) come through the target registry.
  const own = Object.values(TARGETS).flatMap((t) => (t.image ? [{ recipe: () => t.image!.recipe(), for: t.image.for }] : []));
  // They go with the docker environment's own requirements, so its section is printed once.
  const docker = (await dockerChecks(undefined, own)).map((c): DoctorCheck => ({ ...c, for: 'environment docker', name: c.name }));
  const lastDocker = checks.map((c) => c.for).lastIndexOf('environment docker');
  checks.splice(lastDocker >= 0 ? lastDocker + 1 : checks.length, 0, ...docker);
  return checks;
}

/** The text of the checks: one heading per group, in the order groups first appear, each group's checks under it. */
export function doctorLines(checks: readonly DoctorCheck[]): string[] {
  const lines: string[] = [];
  for (const group of [...new Set(checks.map((c) => c.for))]) {
    lines.push(group);
    for (const c of checks.filter((x) => x.for === group)) {
      lines.push(`  ${c.ok ? 'ok     ' : 'MISSING'} ${c.name}: ${c.detail}`);
      if (!c.ok && c.install) lines.push(`          install: ${c.install}`);
    }
  }
  return lines;
}

/** The groups whose every requirement is met, e.g. `target etcd`. */
export function runnable(checks: readonly DoctorCheck[]): string[] {
  const groups = [...new Set(checks.map((c) => c.for))];
  return groups.filter((g) => checks.filter((c) => c.for === g).every((c) => c.ok));
}

export async function doctorCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help'], 'doctor');
  if (args.options.has('help')) { out(DOCTOR_HELP); return 0; }
  const checks = await doctorChecks();
  if (args.options.has('json')) { out(JSON.stringify({ checks, runnable: runnable(checks) }, null, 2)); return 0; }
  for (const line of doctorLines(checks)) out(line);
  const ready = runnable(checks);
  out(`\nready here: ${ready.length ? ready.join(', ') : 'none'}`);
  return 0;
}
