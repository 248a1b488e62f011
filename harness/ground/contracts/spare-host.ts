/**
 * The spare host of a store run with `--nemesis membership`: one host beyond `--nodes`, provisioned
 * like the others (address, network faults) but outside the configuration until it joins. In
 * namespaces and containers the environment makes it; over SSH it is the hosts file's entry after the
 * first `--nodes`, so the file must list exactly `--nodes`+1 hosts. The one rule, read by the
 * settings (without --nodes the last host listed is the spare: harness/top/config/settings.ts), the
 * request's checks (ssh hosts, --subnet room: harness/top/cli/run-checks.ts) and the stores'
 * provisioning (targets/server-base/store-target.ts).
 */
import type { RunRequest } from './run-contract.js';

/** Spare hosts a run with these faults provisions beyond `--nodes`: one with membership changes. */
export function spareCount(faults: readonly string[] | undefined): number {
  return (faults ?? []).includes('membership') ? 1 : 0;
}

/** The run asks for membership changes. */
export function wantsMembership(req: Pick<RunRequest, 'config'>): boolean {
  return spareCount(req.config.faults) > 0;
}

/** How many hosts a store run provisions: `--nodes`, plus the spare with membership changes. */
export function hostCount(req: Pick<RunRequest, 'config' | 'nodeCount'>): number {
  return req.nodeCount + spareCount(req.config.faults);
}
