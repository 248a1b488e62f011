/**
 * The observed abstract state of a run, for the adaptive nemesis (`--nemesis auto`, issue 33): a
 * small summary of what Faultline sees anyway — who leads (the target's own report of its primaries),
 * how the clients fared since the last look (ok/fail/info counts the driver records), and which
 * faults are in force on which roles — and the coverage measure over (abstract state × fault × target
 * role) the nemesis tries to grow. Pure: no I/O, no clock; unit-tested in
 * test/unit/faults/auto-state.test.ts.
 */

/** Client completions counted so far (cumulative); the window is the difference of two readings. */
export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
}

/** One look at the run, taken by the nemesis at a decision point. */
export interface Observation {
  /** Nodes that say they lead right now, or undefined when the target names no leaders. */
  leaders?: readonly string[];
  /** The leaders at the previous look (undefined at the first). */
  previousLeaders?: readonly string[];
  /** Client completions in the window since the previous look. */
  window: OutcomeCounts;
  /** Faults in force: family → the role its nodes had when it started (see FaultRole). */
  active: Readonly<Record<string, FaultRole>>;
}

/** The role a fault was aimed at, as the abstract state records it. */
export type FaultRole = 'leader' | 'followers' | 'minority' | 'majority' | 'all' | 'one' | 'holders' | 'shape';

/** Leadership as seen: no leader, the same single leader as last time, a new one, or several at once. */
export type LeaderWord = 'unknown' | 'none' | 'stable' | 'changed' | 'split';

/**
 * Client outcomes in a window, by the share left indeterminate (`info`: timed out, unknown): nothing
 * completed, under 10 % (ok), under 50 % (slow), or more (stuck). Definite failures do not count: a
 * compare-and-set that finds another value fails in a healthy cluster too.
 */
export type OutcomeWord = 'idle' | 'ok' | 'slow' | 'stuck';

export function leaderWord(leaders: readonly string[] | undefined, previous: readonly string[] | undefined): LeaderWord {
  if (leaders === undefined) return 'unknown';
  if (leaders.length === 0) return 'none';
  if (leaders.length > 1) return 'split';
  if (previous === undefined || previous.length !== 1) return previous === undefined ? 'stable' : 'changed';
  return previous[0] === leaders[0] ? 'stable' : 'changed';
}

export function outcomeWord(w: OutcomeCounts): OutcomeWord {
  const total = w.ok + w.fail + w.info;
  if (total === 0) return 'idle';
  const unknownShare = w.info / total;
  if (unknownShare < 0.1) return 'ok';
  if (unknownShare < 0.5) return 'slow';
  return 'stuck';
}

/** The abstract state's key: `leader|outcome|family:role+family:role` (families sorted, `-` for none). */
export function abstractState(o: Observation): string {
  const faults = Object.entries(o.active).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([f, r]) => `${f}:${r}`);
  return `${leaderWord(o.leaders, o.previousLeaders)}|${outcomeWord(o.window)}|${faults.length ? faults.join('+') : '-'}`;
}

/** The difference of two cumulative counts (the window between two looks). */
export function windowOf(now: OutcomeCounts, before: OutcomeCounts): OutcomeCounts {
  return { ok: now.ok - before.ok, fail: now.fail - before.fail, info: now.info - before.info };
}

/**
 * Coverage: the distinct abstract states reached and the distinct (state × fault × role) triples
 * tried, with when each state was first reached (seconds into the run) for "new states per minute".
 */
export class Coverage {
  private readonly states = new Map<string, number>();
  private readonly triples = new Set<string>();
  /** Visits per state (the novelty reward's denominator). */
  private readonly visits = new Map<string, number>();

  /** Records a visit of `state` at `atS`; true when it is the first. */
  visit(state: string, atS: number): boolean {
    this.visits.set(state, (this.visits.get(state) ?? 0) + 1);
    if (this.states.has(state)) return false;
    this.states.set(state, atS);
    return true;
  }

  /** Records a fault tried in a state, aimed at a role; true when the triple is new. */
  tried(state: string, fault: string, role: string): boolean {
    const k = `${state}×${fault}×${role}`;
    if (this.triples.has(k)) return false;
    this.triples.add(k);
    return true;
  }

  visitsOf(state: string): number {
    return this.visits.get(state) ?? 0;
  }

  get stateCount(): number {
    return this.states.size;
  }

  get tripleCount(): number {
    return this.triples.size;
  }

  /** New states first reached in each whole minute of the run: index 0 is the first minute. */
  perMinute(): number[] {
    return perMinute(this.states.values());
  }
}

/** How many of `firstSeenS` (seconds into the run) fall in each whole minute: index 0 is the first. */
export function perMinute(firstSeenS: Iterable<number>): number[] {
  const out: number[] = [];
  for (const at of firstSeenS) {
    const m = Math.max(0, Math.floor(at / 60));
    while (out.length <= m) out.push(0);
    out[m]++;
  }
  return out;
}
