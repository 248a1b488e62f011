import { any, clients, createRng, nemesis as onNemesis, ownRng, phases, sleep, timeLimit } from '../generator/index.js';
import type { GenLike } from '../generator/index.js';
import type { RunFaultSettings } from '../nemesis/build.js';
import { InputError } from '../history/errors.js';
import { HistoryWriter } from '../history/jsonl-writer.js';
import type { Op } from '../history/op.js';
import type { CheckResult, Client, FaultPackage, Nemesis, Target, UnsupportedFault, Workload, WorkloadOptions } from '../roles.js';
import { drive } from './driver.js';
import { Progress, trackOp } from './progress.js';
import { createRunDir, type RunDir } from './store.js';
import { onSignals } from './signals.js';
import nodePath from 'node:path';
import { writeRunReports, writeStoreIndex } from '../../reports/index.js';

/** Everything that decides a run; written whole to `test.json` so a run can be replayed. */
export interface RunConfig extends RunFaultSettings {
  name: string;
  store: string;
  seed: number;
  timeLimitS: number;
  /** Client ops per second, all clients together. */
  rate: number;
  concurrency: number;
  /** Seconds of calm after healing, before final reads. */
  quietS: number;
  faults: string[];
  /** Seconds between fault starts. */
  faultIntervalS: number;
  /** The rest of the config: target, workload and their options, as the CLI received them. */
  [more: string]: unknown;
}

/** The parts a run is made of, built from the config by the caller (CLI or test). */
export interface RunPlan {
  target: Target;
  workload: Workload;
  workloadOptions: WorkloadOptions;
  openClient(thread: number, process: number): Promise<Client>;
  /** Builds the fault packages once the target is up (capabilities may depend on it). */
  faults(target: Target): { nemesis: Nemesis; generator: GenLike; finalGenerator: GenLike; packages: FaultPackage[]; unsupported: UnsupportedFault[] };
  /** Model spec for `faultline check` of this run later (written to test.json). */
  model?: { name: string; options?: Record<string, unknown> };
  /**
   * Runs once the target is healthy and before any op (a workload's own setup, e.g. broadcast's
   * topology). A throw ends the run like a failed setup.
   */
  afterSetup?(): Promise<void>;
  /** Extra results from the target (message counts, crashes), merged into results.json. */
  extraResults?(): Record<string, unknown>;
  /**
   * Verdicts the target itself reached (e.g. a node that broke the wire protocol), merged with the
   * workload's checkers so they count toward the run's verdict.
   */
  targetVerdicts?(): Record<string, CheckResult>;
}

/** What a plan builder gets besides the run directory. */
export interface PlanContext {
  /** `process.hrtime.bigint()` that history times count from; targets align their journals with it. */
  t0: bigint;
}

export interface RunOutcome {
  dir: string;
  results: RunResults;
}

export interface RunResults {
  valid: true | false | 'unknown';
  checkers: Record<string, CheckResult>;
  unsupportedFaults: UnsupportedFault[];
  interrupted?: string;
  error?: string;
  ops: number;
  durationS: number;
  [more: string]: unknown;
}

const rank = (v: CheckResult['valid']): number => (v === false ? 2 : v === 'unknown' ? 1 : 0);

/**
 * One run, Jepsen's lifecycle: set up the target, drive clients and nemesis from one generator while
 * every op goes to `history.jsonl`, heal, stay quiet, read finally, tear down — always, also on an
 * error, SIGINT or SIGTERM — then check the history and write `results.json`.
 */
export async function runTest(
  config: RunConfig,
  makePlan: (run: RunDir, ctx: PlanContext) => Promise<RunPlan> | RunPlan,
  out: NodeJS.WriteStream = process.stderr,
): Promise<RunOutcome> {
  const run = createRunDir(config.store, config.name);
  const t0 = process.hrtime.bigint();
  const now = (): number => Number(process.hrtime.bigint() - t0);
  const history = HistoryWriter.open(nodePath.join(run.dir, 'history.jsonl'));
  const stop = new AbortController();
  let interrupted: string | undefined;
  const signals = onSignals((sig) => {
    interrupted = sig;
    run.log(`${sig} received: stopping the run, healing and tearing down`);
    out.write(`\nfaultline: ${sig}: stopping, healing and tearing down (history so far is kept)\n`);
    stop.abort();
  });
  const ops: Op[] = [];
  const progress = new Progress(out, now, config.timeLimitS);
  let plan: RunPlan | undefined;
  let error: string | undefined;
  let unsupported: UnsupportedFault[] = [];
  let faultNemesis: Nemesis | undefined;
  let started = false;
  try {
    plan = await makePlan(run, { t0 });
    // Every check that can be made before starting is made before starting: the faults are built
    // once here only to validate them (they are built for real once the target is up, when its
    // capabilities are known), so a bad combination never costs a cluster.
    try {
      plan.faults(plan.target);
    } catch (err) {
      if (err instanceof InputError) throw err;
    }
    if (stop.signal.aborted) throw new InputError(`interrupted by ${interrupted} before the run started; nothing was started`);
    started = true;
    run.publish?.();
    run.writeJson('test.json', { ...config, model: plan.model, startedAt: new Date().toISOString() });
    run.log(`setting up ${plan.target.name} on ${plan.target.nodes.join(', ')}`);
    await plan.target.setup();
    if (stop.signal.aborted) throw new Error(`interrupted by ${interrupted} during setup`);
    await plan.afterSetup?.();
    const faults = plan.faults(plan.target);
    unsupported = faults.unsupported;
    faultNemesis = faults.nemesis;
    for (const u of unsupported) run.log(`fault unsupported: ${u.fault}: ${u.reason}`);
    await faults.nemesis.setup?.();
    const wl = plan.workload;
    const root = createRng(config.seed);
    const gen = phases(
      // A workload paces itself at workloadOptions.rate (workloads/common.ts `paced`) and puts its
      // ops on the client threads; wrapping it in another stagger here would halve the rate.
      // Clients and nemesis each draw from a stream of their own, counted in their own invocations,
      // so the same seed gives the same faults and the same client ops whatever the timing.
      timeLimit(config.timeLimitS * 1e9, any(
        clients(ownRng(root.fork('clients'), (e) => e.type === 'invoke' && e.process !== 'nemesis', wl.generator(plan.workloadOptions))),
        onNemesis(ownRng(root.fork('nemesis'), (e) => e.type === 'invoke' && e.process === 'nemesis', faults.generator)),
      )),
      onNemesis(faults.finalGenerator),
      sleep(config.quietS * 1e9),
      clients(wl.finalGenerator ? wl.finalGenerator(plan.workloadOptions) : null),
    );
    progress.start();
    await drive({
      generator: gen, concurrency: config.concurrency, seed: config.seed, nemesis: faults.nemesis,
      openClient: plan.openClient, now, stop: stop.signal, log: (m) => run.log(m),
      record(op) {
        history.append(op);
        ops.push(op);
        trackOp(progress, op, op.time >= config.timeLimitS * 1e9, config.quietS);
      },
    });
  } catch (err) {
    if (!started) {
      // A run that never started leaves nothing: no run directory, no `latest`, no index entry.
      history.close();
      signals.dispose();
      run.discard?.();
      throw err;
    }
    error = (err as Error).message;
    run.log(`run failed: ${(err as Error).stack ?? error}`);
  } finally {
    progress.stop();
    // Heal before stopping the cluster, so the nodes' logs end healthy; both must never throw.
    // (A run that never started was discarded above and has nothing to tear down.)
    if (faultNemesis) await faultNemesis.teardown().catch((e: Error) => run.log(`nemesis teardown: ${e.message}`));
    if (plan && started) {
      run.log('tearing down');
      await plan.target.teardown().catch((e: Error) => run.log(`target teardown: ${e.message}`));
    }
    if (started) {
      history.close();
      signals.dispose();
    }
  }

  const checkers: Record<string, CheckResult> = {};
  if (plan) {
    for (const c of plan.workload.checkers) {
      try {
        checkers[c.name] = await c.check(ops, { dir: run.dir });
      } catch (err) {
        // A checker that throws gives `unknown` for itself, never a crash of the whole analysis.
        checkers[c.name] = { valid: 'unknown', error: (err as Error).message };
      }
    }
  }
  // A checker with no completed client op to judge has no evidence either way: unknown, not valid.
  if (!ops.some((op) => op.process !== 'nemesis' && op.type === 'ok')) {
    for (const [name, r] of Object.entries(checkers)) {
      if (r.valid === true) checkers[name] = { ...r, valid: 'unknown', reason: 'no client operation completed, so there was nothing to judge' };
    }
  }
  if (plan?.targetVerdicts) {
    try {
      Object.assign(checkers, plan.targetVerdicts());
    } catch (err) {
      checkers.target = { valid: 'unknown', error: (err as Error).message };
    }
  }
  let valid: RunResults['valid'] = Object.values(checkers).reduce<RunResults['valid']>(
    (acc, r) => (rank(r.valid) > rank(acc) ? r.valid : acc), true);
  if ((error || interrupted) && valid === true) valid = 'unknown';
  if (Object.keys(checkers).length === 0 && valid === true) valid = 'unknown';
  const results: RunResults = {
    valid, checkers, unsupportedFaults: unsupported, ops: ops.length, durationS: now() / 1e9,
    ...(plan?.extraResults?.() ?? {}),
  };
  if (interrupted) results.interrupted = interrupted;
  if (error) results.error = error;
  run.writeJson('results.json', results);
  run.log(`verdict: ${String(valid)}`);
  try {
    // report.html and junit.xml never throw for a damaged run; a disk error must not lose the verdict.
    await writeRunReports(run.dir);
    writeStoreIndex(config.store);
  } catch (err) {
    run.log(`report: ${(err as Error).message}`);
  }
  run.close();
  return { dir: run.dir, results };
}
