/**
 * The watch workload's settings (`--watch-window`, `--watch-compact-every`, `--watch-wait`, declared in
 * the option registry, harness/top/config/run-options.ts, with these defaults).
 */
export interface WatchSettings {
  /** How long one `watch` op observes, ms (a window of the workload; registrations and streams are the client's). */
  windowMs: number;
  /** Between the workload's compactions, s (an op of the workload, not a fault); 0 for none. */
  compactEveryS: number;
  /** The longest one long poll (the bundled Raft's GET /watch) or blocking query (Consul's `wait`) waits, ms. */
  waitMs: number;
}
export const DEFAULT_WATCH: Readonly<WatchSettings> = { windowMs: 3_000, compactEveryS: 10, waitMs: 1_000 };

/** A run's watch settings: its config's, each absent one the default. */
export function watchSettings(config: { watchWindowMs?: number; watchCompactEveryS?: number; watchWaitMs?: number }): WatchSettings {
  return {
    windowMs: config.watchWindowMs ?? DEFAULT_WATCH.windowMs,
    compactEveryS: config.watchCompactEveryS ?? DEFAULT_WATCH.compactEveryS,
    waitMs: config.watchWaitMs ?? DEFAULT_WATCH.waitMs,
  };
}
