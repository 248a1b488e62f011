/**
 * The Raft's watch: every applied write, successful cas and transaction's write, in log order, with its log index as its
 * revision, for `GET /watch?from=R` (http-api.ts). The history is complete only above `floor`: a node
 * that started from a snapshot, or installed one from its leader, never saw the changes the snapshot
 * covers, so a watch from at or below the floor is answered "compacted" (as etcd's ErrCompacted) and
 * the watcher starts over.
 *
 * Two bug switches live here: `watch-snapshot-gap` answers such a watch with what it has, silently
 * skipping the snapshot's changes; `watch-redeliver` answers, for a while after a leader change, from a
 * few events before the revision asked for, so a resumed watcher gets them twice.
 */
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { Bugs } from './bugs.js';
import type { Command } from './messages.js';

export interface WatchEvent { rev: number; key: string; value: unknown }

/**
 * The keys an applied command changed and their values after it (`get` reads the state machine): a
 * write or successful cas its key; a committed transaction every key it wrote or appended to.
 */
export function appliedChanges(cmd: Command, result: MaelstromBody | undefined, get: (key: unknown) => unknown): { key: string; value: unknown }[] {
  if (cmd === null || cmd.f === 'config') return [];
  if (cmd.f === 'txn') {
    if (result?.type !== 'txn_ok') return [];
    return [...new Set(cmd.txn.filter((m) => m[0] !== 'r').map((m) => m[1]))].map((k) => ({ key: String(k), value: get(k) }));
  }
  if (result?.type === 'write_ok' || result?.type === 'cas_ok') return [{ key: String(cmd.key), value: get(cmd.key) }];
  return [];
}

/** How long after a leader change `watch-redeliver` re-delivers, ms; and how many events back. */
const REDELIVER_MS = 3_000;
const REDELIVER_EVENTS = 3;

export type WatchAnswer = { kind: 'events'; events: WatchEvent[]; rev: number } | { kind: 'compacted'; floor: number };

export class WatchLog {
  private events: WatchEvent[] = [];
  private floor = 0;
  private applied = 0;
  private leaderChangedAt = -Infinity;
  private waiters = new Set<() => void>();

  constructor(private readonly bugs: Bugs) {}

  /** The node starts from (or installed) a snapshot at `index`: nothing at or below it is known. */
  reset(index: number): void {
    this.events = [];
    this.floor = index;
    this.applied = index;
    this.wake();
  }

  /**
   * Entry `index` was applied with these changes: a write or successful cas changes one key; a
   * transaction every key it wrote, all at the entry's revision (atomic, as etcd's events of one revision).
   */
  onApplied(index: number, changes: readonly { key: string; value: unknown }[]): void {
    this.applied = index;
    for (const c of changes) this.events.push({ rev: index, ...c });
    this.wake();
  }

  onLeaderChange(): void {
    this.leaderChangedAt = performance.now();
  }

  /** Events with revision ≥ `from` under `prefix`, and the revision the answer is complete to. */
  since(from: number, prefix: string): WatchAnswer {
    if (from <= this.floor && this.floor > 0 && !this.bugs.has('watch-snapshot-gap')) return { kind: 'compacted', floor: this.floor };
    let start = lowerBound(this.events, from);
    if (this.bugs.has('watch-redeliver') && performance.now() - this.leaderChangedAt < REDELIVER_MS) start = Math.max(0, start - REDELIVER_EVENTS);
    const out: WatchEvent[] = [];
    for (let i = start; i < this.events.length; i++) if (this.events[i].key.startsWith(prefix)) out.push(this.events[i]);
    return { kind: 'events', events: out, rev: this.applied };
  }

  /** The state under `prefix` (from the state machine), each key with the revision of its last change known here. */
  snapshotUnder(prefix: string, sm: { toData(): [string, unknown][] }): { rev: number; kvs: Record<string, [unknown, number]> } {
    const last = new Map<string, number>();
    for (const e of this.events) last.set(e.key, e.rev);
    const kvs: Record<string, [unknown, number]> = {};
    for (const [k, v] of sm.toData()) {
      // State-machine keys are typed (`s` + a string key, see keyOf); watches see string keys only.
      if (!k.startsWith('s')) continue;
      const key = k.slice(1);
      if (key.startsWith(prefix)) kvs[key] = [v, last.get(key) ?? this.floor];
    }
    return { rev: this.applied, kvs };
  }

  /** Resolves at the next applied entry or reset, or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => { clearTimeout(t); this.waiters.delete(done); resolve(); };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    const w = [...this.waiters];
    this.waiters.clear();
    for (const f of w) f();
  }
}

function lowerBound(events: readonly WatchEvent[], rev: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].rev < rev) lo = mid + 1; else hi = mid;
  }
  return lo;
}
