/**
 * The bundled Raft's tuning, declared once: each knob's default and range. The node's own command
 * line (args.ts) and the target's typed flags (entry.ts: `faultline run --target raft --heartbeat-ms 20`)
 * both read it, so a default or a range lives here and nowhere else.
 */

export interface RaftTuning {
  electionMinMs: number;
  electionMaxMs: number;
  heartbeatMs: number;
  /** Snapshot every this many applied entries (0: never). */
  snapshotEvery: number;
  maxBatch: number;
  /**
   * Append a no-op when taking office (§8 of the paper), so the term's first entry commits at once and
   * reads need not wait for a client write. Off, the Raft is still correct; `old-term-commit` turns it off.
   */
  noop: boolean;
}

export const TUNING_DEFAULTS: Readonly<RaftTuning> = {
  electionMinMs: 150, electionMaxMs: 300, heartbeatMs: 50, snapshotEvery: 100, maxBatch: 64, noop: true,
};

/** The fewest each whole-number knob takes (snapshot-every 0 means never). */
export const TUNING_MIN = { heartbeatMs: 1, snapshotEvery: 0, maxBatch: 1 } as const;

/** Each knob's flag (the node's and the target's alike) and its help. */
export const TUNING_FLAGS = {
  electionMs: { flag: 'election-ms', help: 'Raft election timeout range MIN-MAX in ms' },
  heartbeatMs: { flag: 'heartbeat-ms', help: 'Raft heartbeat period in ms' },
  snapshotEvery: { flag: 'snapshot-every', help: 'Raft snapshot every N applied entries, 0 never' },
  maxBatch: { flag: 'max-batch', help: 'Raft entries per AppendEntries' },
  noop: { flag: 'noop', help: 'Raft appends a no-op when a leader takes office (--bug old-term-commit implies off)' },
} as const;

/** `MIN-MAX` in ms, or the sentence that says what the flag takes. */
export function parseElectionMs(text: string | undefined): [number, number] | string {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= Number(m[1])) {
    return `--election-ms needs MIN-MAX in ms with MIN < MAX, e.g. ${TUNING_DEFAULTS.electionMinMs}-${TUNING_DEFAULTS.electionMaxMs}, got ${JSON.stringify(text ?? null)}`;
  }
  return [Number(m[1]), Number(m[2])];
}

/** A heartbeat must come before the shortest election timeout, or followers start elections under a live leader. */
export function heartbeatProblem(heartbeatMs: number, electionMinMs: number): string | undefined {
  return heartbeatMs >= electionMinMs ? `--heartbeat-ms (${heartbeatMs}) must be below the minimum election timeout (${electionMinMs} ms)` : undefined;
}
