/**
 * `faultline cleanup`: removes what runs left when their controller died (SIGKILL, a crash, a power
 * cut of the terminal). Every registered environment cleans up its own: local namespaces, bridges,
 * iptables rules, NFQUEUE delayers and other processes, libfaketime shm files; docker containers,
 * networks and volumes by label; and, with `--env ssh` and the run's hosts, what runs left on those
 * machines. Runs whose controller still lives are left alone unless `--force`.
 */
import { InputError } from '../../ground/history/errors.js';
import type { CleanupSummary, EnvironmentKind } from '../../middle/hosts/environment.js';
import { ENVIRONMENTS, getEnvironment } from '../../middle/hosts/environments.js';
import { parseArgs } from './args.js';

/** Every environment's own flags (`--hosts` …), which cleanup needs to find the hosts again. */
const ENV_FLAGS = Object.values(ENVIRONMENTS).flatMap((e) => e.flags ?? []);

export const CLEANUP_HELP = `faultline cleanup [--env ${Object.keys(ENVIRONMENTS).join('|')}] [--run ID] [--force] [--json]

Removes what runs left whose controller is gone. Without --env, every environment of this machine:
the network namespaces, bridge, iptables rules, processes and libfaketime shm files of local runs
(recorded in /run/faultline/<run id>.json, and any fl-<id>-* namespace or flb-<id> bridge no live run
claims), and the containers, networks, volumes and DOCKER-USER rules of docker runs (by their
faultline.run label); and rollback's copies (faultline-copies-<pid>.* in the temp dir) of controllers
that are gone. Needs root.
With --env ssh and the run's --hosts/--hosts-file (and --ssh-* flags): on each host, the daemons, fault
chains, tbf qdisc and run directory of runs recorded there (<ssh-dir>/<run id>/<node>/state.json);
runs of a controller on another machine are left alone unless --force.
  --env E    only this environment (ssh needs it, with the hosts)
  --run ID   only this run
  --force    also runs whose controller still lives
  --json     print the report as JSON`;

export async function cleanupCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const valued = ['run', 'env', ...ENV_FLAGS.filter((f) => f.kind !== 'bool').map((f) => f.name)];
  const bools = ['force', 'json', 'help', ...ENV_FLAGS.filter((f) => f.kind === 'bool').map((f) => f.name)];
  const args = parseArgs(argv, valued, bools, 'cleanup');
  if (args.options.has('help')) { out(CLEANUP_HELP); return 0; }
  if (args.positionals.length > 0) throw new InputError(`faultline cleanup takes no arguments, got "${args.positionals[0]}"; see faultline cleanup --help`);
  const runId = args.options.get('run');
  if (runId !== undefined && (typeof runId !== 'string' || !/^[0-9a-f]{6}$/.test(runId))) {
    throw new InputError(`--run needs a run id of 6 hex digits (the name in /run/faultline/<id>.json), got "${String(runId)}"`);
  }
  const envName = args.options.get('env');
  let envs: EnvironmentKind[];
  if (envName !== undefined) {
    envs = [getEnvironment(String(envName))];
  } else {
    // A flag of an environment that needs naming (ssh's hosts) without --env is a slip: say whose it is.
    const stray = ENV_FLAGS.find((f) => args.options.has(f.name));
    if (stray) {
      const owner = Object.values(ENVIRONMENTS).find((e) => e.flags?.includes(stray))!.name;
      throw new InputError(`--${stray.name} is a flag of --env ${owner}; add --env ${owner}`);
    }
    // Environments of this machine; other machines are named with --env ssh and their hosts.
    envs = Object.values(ENVIRONMENTS).filter((e) => !e.remote);
  }
  if (envs.some((e) => !e.remote) && process.getuid?.() !== 0) {
    throw new InputError('faultline cleanup needs root to remove namespaces, containers and iptables rules; run it with sudo');
  }
  const reports: CleanupSummary[] = [];
  const skipped: { runId: string; owner: number }[] = [];
  for (const env of envs) {
    const r = await env.cleanup({ force: args.options.has('force'), runId: runId as string | undefined, flags: args.options });
    reports.push(...r.reports);
    skipped.push(...r.skipped);
  }
  if (args.options.has('json')) {
    out(JSON.stringify({ reports, skipped }, null, 2));
  } else {
    for (const s of skipped) out(`run ${s.runId}: controller pid ${s.owner} is still running; left alone (use --force to remove it anyway)`);
    for (const r of reports) {
      out(`run ${r.runId}: removed ${r.removed.length ? r.removed.join(', ') : 'nothing'}`);
      for (const p of r.problems) out(`run ${r.runId}: could not remove: ${p}`);
    }
    if (reports.length === 0 && skipped.length === 0) out('nothing to clean up');
  }
  return reports.some((r) => r.problems.length > 0) ? 1 : 0;
}
