/**
 * Polls every node's `raft_status` during a run and feeds the answers to the Raft safety observer
 * (checkers/raft-safety.ts). One request outstanding per node, so each node's answers arrive in
 * order; committed entries are fetched incrementally, with an overlap, from where the last answer
 * of that node ended.
 */
import type { MaelstromBody } from '../../ground/protocol/protocol.js';
import { RaftSafetyObserver, type ObservedStatus } from '../../../checkers/raft-safety.js';
import type { RunDir, RunPlan } from '../../ground/contracts/run-contract.js';

export type StatusRpc = (node: string, body: MaelstromBody, timeoutMs: number) => Promise<MaelstromBody>;

/** Entries re-fetched below the last one seen, so a node that re-commits after a restart is seen again. */
const OVERLAP = 32;

export class StatusPoller {
  readonly observer = new RaftSafetyObserver();
  private stopped = false;
  private loops: Promise<void>[] = [];
  /** Answers per node, and requests that got none (node down, paused or slow). */
  readonly answered = new Map<string, number>();
  unanswered = 0;

  constructor(
    private readonly rpc: StatusRpc,
    private readonly nodes: readonly string[],
    /** Seconds since the run's start. */
    private readonly nowS: () => number,
    private readonly everyMs = 100,
    private readonly timeoutMs = 500,
  ) {}

  /** Starts one polling loop per node. */
  start(): void {
    this.loops = this.nodes.map((n) => this.loop(n));
  }

  /** Stops polling and waits for the loops to end (before the cluster is torn down). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(node: string): Promise<void> {
    let seen = 0;
    while (!this.stopped) {
      const started = performance.now();
      try {
        const r = await this.rpc(node, { type: 'raft_status', committed_since: Math.max(0, seen - OVERLAP) }, this.timeoutMs);
        if (r.type === 'raft_status_ok' && !this.stopped) {
          const s = r as unknown as ObservedStatus & { commit_index: number };
          this.observer.observe(node, this.nowS(), s);
          this.answered.set(node, (this.answered.get(node) ?? 0) + 1);
          const last = s.committed?.[s.committed.length - 1]?.[0];
          if (last !== undefined) seen = Math.max(seen, last);
          // A restarted node starts again from its snapshot; follow it down.
          if (typeof s.commit_index === 'number' && s.commit_index < seen) seen = s.commit_index;
        }
      } catch {
        this.unanswered++;
      }
      const wait = this.everyMs - (performance.now() - started);
      if (wait > 0 && !this.stopped) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * `plan` with `poller` running from the end of setup, its poll counts in the results and the safety
 * observer's verdicts among the run's. The caller stops the poller before its cluster's nodes stop,
 * so stopped nodes are not observed as anything.
 */
export function withSafetyObserver(plan: RunPlan, poller: StatusPoller, run: RunDir): RunPlan {
  return {
    ...plan,
    async afterSetup() {
      await plan.afterSetup?.();
      poller.start();
    },
    extraResults() {
      return { ...plan.extraResults?.(), raftStatusPolls: { answered: Object.fromEntries(poller.answered), unanswered: poller.unanswered } };
    },
    targetVerdicts() {
      const v = poller.observer.verdicts();
      run.log(`raft safety: ${Object.entries(v).map(([k, r]) => `${k} ${String(r.valid)}`).join(', ')}`);
      return { ...plan.targetVerdicts?.(), ...v };
    },
  };
}
