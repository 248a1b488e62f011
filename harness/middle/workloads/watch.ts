/**
 * The watch workload (issue 27): writers put unique values to a few keys, delete them, and write two
 * at once in a transaction; watchers — the even client threads, each pinned to its node by the
 * target's clients — watch the prefix or one key in windows of a few seconds, each window a `watch`
 * op (every delivery an `event` record of the history as it arrives; the completion the window's
 * summary), and resume from the last revision seen
 * plus one (every resume is a new op, so it is in the history). One writer compacts every 10 s
 * (`--watch-compact-every`), so a watcher that falls behind sees ErrCompacted. After the heal each watcher runs once more and one
 * final read gives each key's value and revision; the watch checker (checkers/watch/) judges it.
 */
import { watchChecker } from '../../../checkers/watch/index.js';
import { any, eachThread, limit, mix, onThreads, phases, repeat, sleep, untilOk } from '../../ground/generator/index.js';
import { numbered, paced } from './common.js';
import type { StoreWorkload, StoreWorkloadOptions } from './store-types.js';
import { DEFAULT_WATCH, type WatchSettings } from './watch-settings.js';

export const WATCH_PREFIX = '/faultline/watch/';
export const WATCH_KEYS = ['a', 'b', 'c', 'd'].map((k) => `${WATCH_PREFIX}${k}`);
/** A watcher thread: the even ones (thread t talks to node t mod N, so every node gets one). */
export const isWatcherThread = (t: unknown): boolean => typeof t === 'number' && t % 2 === 0;
const isWriterThread = (t: unknown): boolean => typeof t === 'number' && t % 2 === 1;

const watchOp = { f: 'watch' };

/** Thread 1 compacts every `compactEveryS` (none for 0). */
const compaction = (w: WatchSettings) => (w.compactEveryS > 0 ? [onThreads((t) => t === 1, repeat([sleep(w.compactEveryS * 1e9), { f: 'compact' }]))] : []);

export const watch: StoreWorkload = {
  name: 'watch',
  description: 'watch: watchers on a prefix or key, writers putting unique values; checks ordered, unique, atomic, reliable, resumable, bookmarkable watches',
  generator: (opts) => any(
    onThreads(isWatcherThread, eachThread(repeat(watchOp))),
    onThreads(isWriterThread, paced(opts, mix([
      numbered((i, ctx) => ({ f: 'put', value: { key: WATCH_KEYS[ctx.rng.int(WATCH_KEYS.length)], value: `p${i}` } })),
      numbered((i, ctx) => ({ f: 'put', value: { key: WATCH_KEYS[ctx.rng.int(WATCH_KEYS.length)], value: `q${i}` } })),
      numbered((i, ctx) => {
        const a = ctx.rng.int(WATCH_KEYS.length);
        const b = (a + 1 + ctx.rng.int(WATCH_KEYS.length - 1)) % WATCH_KEYS.length;
        return { f: 'txn', value: { ops: [{ type: 'put', key: WATCH_KEYS[a], value: `t${i}a` }, { type: 'put', key: WATCH_KEYS[b], value: `t${i}b` }] } };
      }),
      (ctx) => ({ f: 'delete', value: { key: WATCH_KEYS[ctx.rng.int(WATCH_KEYS.length)] } }),
    ]))),
    ...compaction((opts as StoreWorkloadOptions).watch ?? DEFAULT_WATCH),
  ),
  finalGenerator: () => phases(
    // The cluster answers first: after a kill of every node it may still be electing, and a watcher
    // whose last windows ended before it served again would be judged not converged for nothing.
    onThreads(isWriterThread, limit(30, untilOk([{ f: 'final-read' }, sleep(1e9)]))),
    // Twice: a watcher whose first stream ends compacted starts fresh in the second.
    onThreads(isWatcherThread, eachThread(limit(2, repeat(watchOp)))),
    // The final state the checker uses (the latest read wins; no write runs after the heal).
    onThreads(isWriterThread, limit(10, untilOk([{ f: 'final-read' }, sleep(1e9)]))),
  ),
  // etcd 3.4 (Debian 12's 3.4.23) is the one store with this workload so far: its known issues apply.
  checkers: [watchChecker({ version: '3.4.23' })],
};
