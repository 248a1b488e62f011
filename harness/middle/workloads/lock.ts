/**
 * The lock workload for real stores: each client repeatedly acquires one shared lock, updates a shared
 * counter under it (read, then write read + 1: safe only if the lock excludes), and releases it. The
 * lock checker verifies mutual exclusion as observed — no two holders' critical sections overlap —
 * and reports counter updates that read the same value (what an overlap does to guarded data).
 *
 * Ops per client thread, in a loop: `acquire` (ok once held; value names the node and the lock key),
 * `update` (value `{read, wrote}`; `fail` without touching anything when the client holds no lock),
 * `release` (`fail` when nothing was held).
 */
import { lockChecker } from '../../../checkers/lock.js';
import { eachThread, repeat, sleep } from '../../ground/generator/index.js';
import type { StoreWorkload } from './store-types.js';

/** Pause between a release and the next acquire of the same client, ns: lets other clients in. */
export const LOCK_THINK_NS = 20e6;

/**
 * The hold of the critical section, ms: the time between the holder's read of the guarded counter and
 * its write (in fenced-lock, between its read and its write to the resource). Long enough that a fault
 * aimed at the holder, which strikes some tens of ms after it looked, lands inside it rather than
 * after the write (measured: with a 10 ms hold a ZooKeeper holder's write had already gone out).
 */
export const LOCK_HOLD_MS = 200;

/**
 * How long a holder's `update` (its read and its write of the guarded counter) waits for its server,
 * ms — not the 2 s request deadline. A client in its critical section believes it holds the lock and
 * has no reason to give up, as a real lock user with no deadline: when its server is paused, its
 * request waits out the pause (the default fault interval, 10 s, is shorter) and lands — or is
 * refused — after the lease or session has expired and another client was granted the lock. With the
 * 2 s deadline the holder gave up before any store (TTLs 2–4 s, then the hand-over) could pass the
 * lock on, and the overlap was never observed (issue 28: 3/10, 0/10, 4/10 seeds).
 */
export const LOCK_HOLDER_WAIT_MS = 15_000;

/**
 * The clients inside the hold of their critical section right now, by process, and their nodes: what a
 * fault aimed at holders strikes first (nemesis nodes.ts, HoldersView.inside). One per store's clients.
 */
export class CriticalHolds {
  private readonly inside = new Map<number, string>();

  constructor(private readonly holdMs: number) {}

  /** Nodes whose clients are inside the hold now. */
  nodes(): string[] {
    return [...new Set(this.inside.values())];
  }

  /** The hold itself: `process`, on `node`, is marked inside it for its length. */
  async hold(process: number, node: string): Promise<void> {
    if (this.holdMs <= 0) return;
    this.inside.set(process, node);
    try { await new Promise((r) => setTimeout(r, this.holdMs)); } finally { this.inside.delete(process); }
  }
}

export const lock: StoreWorkload = {
  name: 'lock',
  description: 'lock: acquire a shared lock, update a counter under it, release; checks mutual exclusion',
  generator: () => eachThread(repeat([{ f: 'acquire' }, { f: 'update' }, { f: 'release' }, sleep(LOCK_THINK_NS)])),
  checkers: [lockChecker()],
  hasHolders: true,
};
