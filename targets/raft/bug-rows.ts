/**
 * The bundled Raft's bug switches with the faults that expose each, and the correct Raft under the
 * same faults: the rows of the detection matrix (`npm run bench:bugs`) and entries of the regression
 * suite (`suites/regressions.ts`). Data only.
 */

/** One row: a switch (or `correct`), the faults and flags that expose it, and why. */
export interface BugRow {
  /** The `--bug` switch, or `correct` for none. */
  bug: string;
  /** The row's name where two rows share a switch (default: the switch). */
  name?: string;
  /** `--nemesis`: comma list of fault families. */
  nemesis: string;
  /** `--nemesis-interval` (default: the bench's `--interval`, 5 s). */
  interval?: string;
  why: string;
  /** More `faultline run` flags, common or the raft target's own. */
  extra?: string[];
}

/**
 * The faults that expose each switch, and why. Seeds are shared across rows, so the correct Raft is
 * judged on the very schedules that caught the bugs.
 */
export const BUG_ROWS: readonly BugRow[] = [
  { bug: 'stale-read', nemesis: 'partition', why: 'a minority side keeps serving reads from its old state' },
  {
    bug: 'no-fsync', nemesis: 'kill', interval: '1.5s',
    why: 'kills (often of a majority or all) lose acknowledged but unflushed entries and term/vote: vote-safety sees a term go back, linearizable/commit-safety lost or rewritten entries',
  },
  {
    bug: 'early-ack', nemesis: 'partition', interval: '2s',
    why: 'writes an isolated leader acknowledged before they committed are overwritten by the majority\'s new leader (partitions only, often: kills mostly hit after replication)',
  },
  {
    bug: 'lease-read', nemesis: 'partition,clock', interval: '1.5s',
    extra: ['--election-ms', '150-1000', '--partition-shapes', 'primaries', '--node-targets', 'primaries', '--clock-offsets', '1s-60s', '--request-timeout', '250ms', '--concurrency', '20'],
    why: 'a clock bumped forward then reset (or back) on the leader leaves a wall-clock lease valid into the future; an isolated old leader then serves stale reads until check-quorum (2 × max election timeout, so a wider range means a longer window). Both faults aimed at the leader (a skewed follower or an isolated unskewed leader shows nothing); short client timeouts and more clients so the isolated leader\'s clients are not all stuck in writes that cannot commit, and issue reads in the window',
  },
  {
    bug: 'forget-vote', nemesis: 'kill,partition', interval: '2s',
    why: 'a restarted node forgets the vote it cast in its current term: vote-safety sees it; a second vote in that term would elect two leaders (election-safety)',
  },
  {
    bug: 'old-term-commit', nemesis: 'leader-churn,loss', interval: '5s',
    extra: ['--churn-long-wait', '100ms', '--max-batch', '1', '--rate', '10', '--election-ms', '50-100', '--heartbeat-ms', '20'],
    why: 'Figure 8, as MIT 6.824\'s Figure8Unreliable test provokes it: leaders cut off within milliseconds of taking office leave entries of their terms on themselves alone; a later leader commits an older entry by counting, is cut off before an entry of its own term reaches a majority (a lossy network helps), and a node holding a later-term entry at that index wins and overwrites it (commit-safety; linearizable too when a client saw the lost write). Long waits near the election timeout (100 ms, not 6.824\'s 500) put a look in the first milliseconds of most terms; one entry per AppendEntries, short election timeouts (more elections) and few client writes (fewer own-term entries) widen the windows',
  },
  { bug: 'correct', nemesis: 'partition,kill,pause,clock', interval: '1.5s', why: 'no switch: every fault at once, often; must be valid' },
  {
    bug: 'correct', name: 'correct-churn', nemesis: 'leader-churn,loss', interval: '5s',
    extra: ['--churn-long-wait', '100ms', '--max-batch', '1', '--rate', '10', '--election-ms', '50-100', '--heartbeat-ms', '20', '--noop', 'off'],
    why: 'no switch, no no-op, under the old-term-commit row\'s faults: what that row catches is the commit rule, not the churn or the missing no-op',
  },
];
