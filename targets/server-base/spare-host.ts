/**
 * The spare host of a store run with `--nemesis membership`: one host beyond `--nodes`, provisioned
 * like the others (address, network faults) but outside the configuration until it joins. In
 * namespaces and containers the environment makes it; over SSH it is the hosts file's entry after the
 * first `--nodes`, so the file must list exactly `--nodes`+1 hosts.
 */
import { InputError } from '../../harness/ground/history/errors.js';
import type { RunRequest } from '../../harness/ground/contracts/run-contract.js';

/** The run asks for membership changes. */
export function wantsMembership(req: Pick<RunRequest, 'config'>): boolean {
  return (req.config.faults ?? []).includes('membership');
}

/** How many hosts a store run provisions: `--nodes`, plus the spare with membership changes. */
export function hostCount(req: Pick<RunRequest, 'config' | 'nodeCount'>): number {
  return req.nodeCount + (wantsMembership(req) ? 1 : 0);
}

/**
 * Over SSH with membership changes, the hosts listed must be `--nodes`+1 (the last is the spare);
 * `listed` is how many the hosts flags name. Throws the one-sentence refusal (exit 254).
 */
export function refuseMissingSpare(req: Pick<RunRequest, 'config' | 'nodeCount'>, listed: number, env = 'ssh'): void {
  if (!wantsMembership(req) || listed === req.nodeCount + 1) return;
  throw new InputError(`--nemesis membership over --env ${env} needs a spare host beyond --nodes ${req.nodeCount}: list ${req.nodeCount + 1} hosts (the last one joins later), not ${listed}, or pass --nodes ${Math.max(1, listed - 1)}`);
}
