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
  /**
   * On the real network (`bench:bugs --group http`) only: flags added after `extra` (a flag given in
   * both takes this value), common or `faultline-raft`'s own (`--peer-timeout-ms`).
   */
  httpExtra?: string[];
  /** Why the real network needs `httpExtra`. */
  httpWhy?: string;
  /**
   * On the real network only: the run length in seconds when the bench's default (60 s) is too short
   * for the row's sequence to come about often enough (`--time` overrides it).
   */
  httpTimeS?: number;
}

/**
 * Figure 8 on a real network: the churn cuts leaders off by pausing them (a signal lands at once; an
 * iptables rewrite in five namespaces took 30-90 ms, by which time most new leaders had replicated
 * their first own-term entry), and a peer connection silent for 80 ms after a send is dropped, so TCP
 * under loss loses messages (as the simulated network does) instead of stalling for its 200 ms+
 * retransmission backoff.
 */
const HTTP_FIGURE_8 = ['--churn-cut', 'pause', '--peer-timeout-ms', '80'];
/**
 * Elections on a real network are slower than on the simulated one (about 80 leaders a minute against
 * 120), so the Figure 8 sequence comes about less often: 6/10 in 45 s runs, 10/10 in 120 s.
 */
const HTTP_FIGURE_8_TIME_S = 120;
const HTTP_FIGURE_8_WHY = 'on a real network a partition lands 30-90 ms after the look that chose it (an iptables-restore in every namespace): too late for the first round trips of a term, so the churn pauses leaders instead (at once); TCP turns loss into 200 ms+ stalls, so peers drop a connection silent for 80 ms and the messages in it';

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
    httpExtra: HTTP_FIGURE_8, httpWhy: HTTP_FIGURE_8_WHY, httpTimeS: HTTP_FIGURE_8_TIME_S,
    why: 'Figure 8, as MIT 6.824\'s Figure8Unreliable test provokes it: leaders cut off within milliseconds of taking office leave entries of their terms on themselves alone; a later leader commits an older entry by counting, is cut off before an entry of its own term reaches a majority (a lossy network helps), and a node holding a later-term entry at that index wins and overwrites it (commit-safety; linearizable too when a client saw the lost write). Long waits near the election timeout (100 ms, not 6.824\'s 500) put a look in the first milliseconds of most terms; one entry per AppendEntries, short election timeouts (more elections) and few client writes (fewer own-term entries) widen the windows',
  },
  {
    bug: 'txn-local-reads', nemesis: 'partition', interval: '2s', extra: ['--workload', 'txn-list-append'],
    why: 'a transaction read from a follower\'s lagging (or cut-off) state while its appends commit through the log: Elle finds write-read orders broken (G-single, G2-item, G1c) and, against real time, stale reads',
  },
  {
    bug: 'sticky-leader', nemesis: 'partition,pause', interval: '2s', extra: ['--workload', 'election'],
    // On the real network the custom target has no election workload: the Raft safety observer's
    // election-safety (two leaders in one term, from raft_status) judges the same bug there.
    httpExtra: ['--workload', 'register'], httpWhy: 'the custom target runs no election workload; election-safety (raft_status) sees the two leaders',
    why: 'a leader cut off by a partition or a pause keeps leading (no check-quorum); once it hears the term elected meanwhile it takes it and goes on leading in it: the election checker sees two leaders in one term (from the terms each node says it led), election-safety too',
  },
  { bug: 'correct', nemesis: 'partition,kill,pause,clock', interval: '1.5s', why: 'no switch: every fault at once, often; must be valid' },
  {
    bug: 'correct', name: 'correct-election', nemesis: 'partition,kill,pause', interval: '2s', extra: ['--workload', 'election'],
    httpExtra: ['--workload', 'register'], httpWhy: 'the custom target runs no election workload',
    why: 'no switch, the election workload under the sticky-leader row\'s faults and kills: one leader per term, terms in order per observer, failover within the bound',
  },
  {
    bug: 'correct', name: 'correct-churn', nemesis: 'leader-churn,loss', interval: '5s',
    extra: ['--churn-long-wait', '100ms', '--max-batch', '1', '--rate', '10', '--election-ms', '50-100', '--heartbeat-ms', '20', '--noop', 'off'],
    httpExtra: HTTP_FIGURE_8, httpWhy: HTTP_FIGURE_8_WHY, httpTimeS: HTTP_FIGURE_8_TIME_S,
    why: 'no switch, no no-op, under the old-term-commit row\'s faults: what that row catches is the commit rule, not the churn or the missing no-op',
  },
];
