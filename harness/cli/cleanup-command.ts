/**
 * `faultline cleanup`: removes what runs left on this machine when their controller died (SIGKILL,
 * a crash, a power cut of the terminal): namespaces, bridges, iptables rules, NFQUEUE delayers and
 * other processes, libfaketime shm files. Runs whose controller still lives are left alone unless
 * `--force`.
 */
import { InputError } from '../history/errors.js';
import { cleanupAll } from '../provision/local/cleanup.js';
import { ENVIRONMENTS, getEnvironment } from '../provision/environments.js';
import { parseArgs } from './args.js';

/** Every environment's own flags (`--hosts` …), which cleanup needs to find the hosts again. */
const ENV_FLAGS = Object.values(ENVIRONMENTS).flatMap((e) => e.flags ?? []);

export const CLEANUP_HELP = `faultline cleanup [--env local|ssh] [--run ID] [--force] [--json]

Removes the network namespaces, bridge, iptables rules, processes and libfaketime shm files of runs
whose controller is gone (recorded in /run/faultline/<run id>.json), and any fl-<id>-* namespace or
flb-<id> bridge no live run claims. Needs root.
With --env ssh and the run's --hosts/--hosts-file (and --ssh-* flags): on each host, the daemons, fault
chains, tbf qdisc and run directory of runs recorded there (<ssh-dir>/<run id>/<node>/state.json);
runs of a controller on another machine are left alone unless --force.
  --env E    where the runs were (default local)
  --run ID   only this run
  --force    also runs whose controller still lives
  --json     print the report as JSON`;

export async function cleanupCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['run', 'env', ...ENV_FLAGS.filter((f) => f.kind !== 'bool').map((f) => f.name)], ['force', 'json', 'help', ...ENV_FLAGS.filter((f) => f.kind === 'bool').map((f) => f.name)], 'cleanup');
  if (args.options.has('help')) { out(CLEANUP_HELP); return 0; }
  if (args.positionals.length > 0) throw new InputError(`faultline cleanup takes no arguments, got "${args.positionals[0]}"; see faultline cleanup --help`);
  const runId = args.options.get('run');
  if (runId !== undefined && (typeof runId !== 'string' || !/^[0-9a-f]{6}$/.test(runId))) {
    throw new InputError(`--run needs a run id of 6 hex digits (the name in /run/faultline/<id>.json), got "${String(runId)}"`);
  }
  const envName = args.options.get('env');
  if (envName !== undefined && envName !== 'local') {
    const env = getEnvironment(String(envName));
    const { reports, skipped } = await env.cleanup({ force: args.options.has('force'), runId: runId as string | undefined, flags: args.options });
    if (args.options.has('json')) {
      out(JSON.stringify({ reports, skipped }, null, 2));
    } else {
      for (const s of skipped) out(`run ${s.runId}: its controller (pid ${s.owner}) may still be running; left alone (use --force to remove it anyway)`);
      for (const r of reports) {
        if (r.removed.length > 0) out(`run ${r.runId}: removed ${r.removed.join(' ')}`);
        for (const p of r.problems) out(`run ${r.runId}: could not remove: ${p}`);
      }
      if (reports.length === 0 && skipped.length === 0) out('nothing to clean up');
    }
    return reports.some((r) => r.problems.length > 0) ? 1 : 0;
  }
  const stray = ENV_FLAGS.find((f) => args.options.has(f.name));
  if (stray) {
    const owner = Object.values(ENVIRONMENTS).find((e) => e.flags?.includes(stray))!.name;
    throw new InputError(`--${stray.name} is a flag of --env ${owner}; add --env ${owner}`);
  }
  if (process.getuid?.() !== 0) throw new InputError('faultline cleanup needs root to remove namespaces and iptables rules; run it with sudo');
  const { reports, skipped } = await cleanupAll({ force: args.options.has('force'), runId: runId as string | undefined });
  if (args.options.has('json')) {
    out(JSON.stringify({ reports, skipped }, null, 2));
  } else {
    for (const s of skipped) out(`run ${s.runId}: controller pid ${s.owner} is still running; left alone (use --force to remove it anyway)`);
    for (const r of reports) {
      const parts = [
        r.processes.length && `${r.processes.length} process(es)`,
        r.namespaces.length && `${r.namespaces.length} namespace(s)`,
        r.bridges.length && `bridge ${r.bridges.join(', ')}`,
        r.rules && `${r.rules} iptables rule(s)`,
        r.shmFiles.length && `${r.shmFiles.length} shm file(s)`,
      ].filter(Boolean);
      out(`run ${r.runId}: removed ${parts.length ? parts.join(', ') : 'nothing'}`);
      for (const p of r.problems) out(`run ${r.runId}: could not remove: ${p}`);
    }
    if (reports.length === 0 && skipped.length === 0) out('nothing to clean up');
  }
  return reports.some((r) => r.problems.length > 0) ? 1 : 0;
}
