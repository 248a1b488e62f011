/**
 * `--raft-status PATH`: for a custom target that is a Raft and serves its status over HTTP in the
 * shape of the bundled Raft's `raft_status` (role, term, voted_for, commit_index, led_terms, and the
 * committed entries after `?committed_since=N` as [index, term, hash]), the run polls every node
 * from setup to teardown and adds the Raft safety checkers (election-, commit- and vote-safety,
 * checkers/raft-safety.ts) to its verdict — as `--target raft` does over Maelstrom.
 */
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { RunDir, RunPlan } from '../../harness/ground/contracts/run-contract.js';
import { StatusPoller, withSafetyObserver } from '../../harness/middle/observers/raft-status-poller.js';
import type { CustomCluster } from './cluster.js';
import { httpRequest, keepAliveAgent } from './http-request.js';

/** The plan, with the safety observer polling `path` on every node. */
export function withRaftObserver(plan: RunPlan, cluster: CustomCluster, path: string, run: RunDir, t0: bigint): RunPlan {
  const agent = keepAliveAgent();
  const rpc = async (node: string, body: MaelstromBody, timeoutMs: number): Promise<MaelstromBody> => {
    const url = new URL(path, cluster.clientNode(node).url);
    url.searchParams.set('committed_since', String(body.committed_since ?? 0));
    const a = await httpRequest(agent, url, 'GET', undefined, {}, timeoutMs);
    if (a.status !== 200) throw new Error(`HTTP ${a.status}`);
    const json = JSON.parse(a.body) as MaelstromBody;
    return { ...json, type: 'raft_status_ok' };
  };
  const poller = new StatusPoller(rpc, cluster.nodes, () => Number(process.hrtime.bigint() - t0) / 1e9);
  // First among the teardown steps, so stopped servers are not observed as anything.
  cluster.onTeardown(async () => {
    await poller.stop();
    agent.destroy();
  });
  return withSafetyObserver(plan, poller, run);
}
