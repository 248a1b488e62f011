/**
 * What `faultline run --target NAME` needs from a target: its own flags, a preflight that refuses to
 * start on a machine that cannot run it, and a builder of the run's plan. One entry per target,
 * registered in `harness/run/targets.ts`.
 */
import type { RunDir } from './store.js';
import type { PlanContext, RunConfig, RunPlan } from './run.js';

/** The parsed command line of a run: common settings in `config`, target flags in `flags`. */
export interface RunRequest {
  /** Everything common to all targets (name, store, seed, time limit, rate, concurrency, faults…). */
  config: RunConfig;
  /** The target's own flags, by name without `--`: a string, `true` for a bare flag, or a list when repeated. */
  flags: ReadonlyMap<string, string | true | string[]>;
  /** Workload name (`--workload`). */
  workload: string;
  /** Node count (`--nodes`). */
  nodeCount: number;
}

export interface TargetFlag {
  /** Flag name without `--`. */
  name: string;
  /** `value` takes one value, `list` may repeat (or take a comma list), `bool` takes none. */
  kind: 'value' | 'list' | 'bool';
  help: string;
}

export interface TargetEntry {
  name: string;
  /** One line for `faultline run --help`. */
  summary: string;
  /** Workloads this target runs, first is the default. */
  workloads: readonly string[];
  flags: readonly TargetFlag[];
  /**
   * Checks the machine and the flags before anything starts; throws an InputError naming what is
   * missing and the command that installs it (root, a package, a binary).
   */
  preflight?(req: RunRequest): void | Promise<void>;
  /**
   * Builds the plan inside the run directory (logs and node files go there); `ctx.t0` is the
   * instant history times count from.
   */
  plan(req: RunRequest, run: RunDir, ctx: PlanContext): Promise<RunPlan> | RunPlan;
}
