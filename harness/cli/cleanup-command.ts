/**
 * `faultline cleanup`: removes what runs left on this machine when their controller died (SIGKILL,
 * a crash, a power cut of the terminal): namespaces, bridges, iptables rules, NFQUEUE delayers and
 * other processes, libfaketime shm files. Runs whose controller still lives are left alone unless
 * `--force`.
 */
import { InputError } from '../history/errors.js';
import type { CleanupSummary } from '../provision/environment.js';
import { ENVIRONMENTS } from '../provision/environments.js';
import { parseArgs } from './args.js';

export const CLEANUP_HELP = `faultline cleanup [--run ID] [--force] [--json]

Removes the network namespaces, bridge, iptables rules, processes and libfaketime shm files of runs
whose controller is gone (recorded in /run/faultline/<run id>.json), and any fl-<id>-* namespace or
flb-<id> bridge no live run claims. Needs root.
  --run ID   only this run
  --force    also runs whose controller still lives
  --json     print the report as JSON`;

export async function cleanupCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['run'], ['force', 'json', 'help'], 'cleanup');
  if (args.options.has('help')) { out(CLEANUP_HELP); return 0; }
  if (args.positionals.length > 0) throw new InputError(`faultline cleanup takes no arguments, got "${args.positionals[0]}"; see faultline cleanup --help`);
  if (process.getuid?.() !== 0) throw new InputError('faultline cleanup needs root to remove namespaces and iptables rules; run it with sudo');
  const runId = args.options.get('run');
  if (runId !== undefined && (typeof runId !== 'string' || !/^[0-9a-f]{6}$/.test(runId))) {
    throw new InputError(`--run needs a run id of 6 hex digits (the name in /run/faultline/<id>.json), got "${String(runId)}"`);
  }
  const reports: CleanupSummary[] = [];
  const skipped: { runId: string; owner: number }[] = [];
  // Every registered environment removes what its runs left (local: namespaces, bridges, rules…).
  for (const env of Object.values(ENVIRONMENTS)) {
    const r = await env.cleanup({ force: args.options.has('force'), runId: runId as string | undefined });
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
