/**
 * The spare host of a store run with `--nemesis membership`: one host beyond `--nodes`, provisioned
 * like the others (address, network faults) but outside the configuration until it joins. In
 * namespaces and containers the environment makes it; over SSH it is the hosts file's entry after the
 * first `--nodes`, so the file must list exactly `--nodes`+1 hosts (refused otherwise in
 * harness/top/cli/run-checks.ts).
 */
import type { RunRequest } from '../../harness/ground/contracts/run-contract.js';

/** The run asks for membership changes. */
export function wantsMembership(req: Pick<RunRequest, 'config'>): boolean {
  return (req.config.faults ?? []).includes('membership');
}

/** How many hosts a store run provisions: `--nodes`, plus the spare with membership changes. */
export function hostCount(req: Pick<RunRequest, 'config' | 'nodeCount'>): number {
  return req.nodeCount + (wantsMembership(req) ? 1 : 0);
}
