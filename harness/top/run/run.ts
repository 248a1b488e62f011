import { any, clients, createRng, nemesis as onNemesis, runSeed, ownRng, phases, realClock, sleep, timeLimit } from '../../ground/generator/index.js';
import type { Clock } from '../../ground/generator/index.js';
import type { PlanContext, RunConfig, RunDir, RunOutcome, RunPlan, RunResults } from '../../ground/contracts/run-contract.js';
import { composeResults, runChecker } from '../../../checkers/compose.js';
import { errorMessage, InputError } from '../../ground/history/errors.js';
import { HistoryWriter } from '../../ground/history/jsonl-writer.js';
import { isCompletion, withoutEvents, type Op } from '../../ground/history/op.js';
import type { FaultBand, Nemesis, UnsupportedFault } from '../../ground/contracts/roles.js';
import { livenessCheck } from './liveness.js';
import { withEffects } from '../../middle/faults/nemesis/effect.js';
import { faultCoverage } from './fault-coverage.js';
import { leaseClockOf } from './lease-clock.js';
import { membershipViews } from '../../../checkers/membership-views.js';
import { faultSummary, type FamilyBands } from './fault-summary.js';
import { diskOutcome } from '../../middle/faults/disk/disk-outcome.js';
import { anomaliesOf } from '../../../reports/anomalies.js';
import type { CheckResult } from '../../../checkers/contract.js';
import { drive } from './driver.js';
import { bandTracker, Progress, trackOp } from './progress.js';
import { autoCoverage } from './auto-coverage.js';
import { stateCoverage } from './state-coverage.js';
import { createRunDir } from './store.js';
import { onSignals, type SignalSource } from './signals.js';
import { bounded, TEARDOWN_STEP_BOUND_MS } from '../../middle/hosts/bounded.js';
import nodePath from 'node:path';
import { writeRunReports, writeStoreIndex } from '../../../reports/index.js';

/** The plan's extra results; a throw is logged and leaves them out, never losing the verdict. */
async function extraResultsOf(plan: RunPlan | undefined, ops: readonly Op[], log: (line: string) => void): Promise<Record<string, unknown>> {
  try {
    return (await plan?.extraResults?.(ops)) ?? {};
  } catch (err) {
    log(`extra results: ${errorMessage(err)}`);
    return {};
  }
}

/**
 * What a run reads time and signals through: the machine's by default; the simulated-time tests
 * (test/unit/run/) pass a SimClock and a fake signal source, with the in-memory target.
 */
export interface RunDeps {
  clock?: Clock;
  signals?: SignalSource;
}

/**
 * One run, Jepsen's lifecycle: set up the target, drive clients and nemesis from one generator while
 * every op goes to `history.jsonl`, heal, stay quiet, read finally, tear down — always, also on an
 * error, SIGINT or SIGTERM — then check the history and write `results.json`.
 */
export async function runTest(
  config: RunConfig,
  makePlan: (run: RunDir, ctx: PlanContext) => Promise<RunPlan> | RunPlan,
  out: NodeJS.WriteStream = process.stderr,
  deps: RunDeps = {},
): Promise<RunOutcome> {
  const clock = deps.clock ?? realClock;
  const run = createRunDir(config.store, config.name);
  const t0 = clock.now();
  const now = (): number => Number(clock.now() - t0);
  const history = HistoryWriter.open(nodePath.join(run.dir, 'history.jsonl'));
  const stop = new AbortController();
  let interrupted: string | undefined;
  const signals = onSignals((sig) => {
    interrupted = sig;
    run.log(`${sig} received: stopping the run, healing and tearing down`);
    out.write(`\nfaultline: ${sig}: stopping, healing and tearing down (history so far is kept)\n`);
    stop.abort();
  }, deps.signals);
  const ops: Op[] = [];
  const progress = new Progress(out, now, config.timeLimitS, clock);
  let plan: RunPlan | undefined;
  let error: string | undefined;
  let unsupported: UnsupportedFault[] = [];
  let faultNemesis: Nemesis | undefined;
  let countOutcomes: (op: Op) => void = () => undefined;
  let started = false;
  let bands: FaultBand[] = [];
  let families: FamilyBands[] | undefined;
  let endNs: number | undefined;
  // The set-up phase shows on its own clock; the run's elapsed time starts with the clients.
  progress.setupStep = 'preparing the run';
  progress.start();
  try {
    plan = await makePlan(run, { t0, clock });
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
    // A campaign's learned table is handed over in memory, not part of what the run records.
    const { autoLearned: _learned, ...recorded } = config;
    const startedAt = new Date().toISOString();
    run.writeJson('test.json', { ...recorded, model: plan.model, startedAt });
    run.log(`setting up ${plan.target.name} on ${plan.target.nodes.join(', ')}`);
    progress.setupStep = `setting up ${plan.target.name} on ${plan.target.nodes.join(', ')}`;
    await plan.target.setup();
    if (stop.signal.aborted) throw new Error(`interrupted by ${interrupted} during setup`);
    await plan.afterSetup?.();
    // Client completions so far, for a nemesis that adapts to them (--nemesis auto).
    const outcomes = { ok: 0, fail: 0, info: 0 };
    countOutcomes = (op) => {
      if (op.process !== 'nemesis' && isCompletion(op)) outcomes[op.type]++;
    };
    const faults = plan.faults(plan.target, { outcomes: () => ({ ...outcomes }) });
    const faultBands = faults.packages.flatMap((p) => p.bands);
    bands = faultBands;
    // The bands go with the run, so its report draws exactly the faults it declared.
    run.writeJson('test.json', { ...recorded, model: plan.model, startedAt, faultBands });
    const tracker = bandTracker(faultBands);
    unsupported = faults.unsupported;
    families = faults.packages.map((p) => ({ name: p.name, bands: p.bands }));
    // Every fault op's completion records whether it took effect, on which nodes, in which roles.
    faultNemesis = withEffects(faults.nemesis, faultBands, plan.target.nodes, plan.target.primaries, plan.holders, () => Number(clock.now()) / 1e6);
    const effNemesis = faultNemesis;
    for (const u of unsupported) run.log(`fault unsupported: ${u.fault}: ${u.reason}`);
    progress.setupStep = 'setting up the faults';
    await effNemesis.setup?.();
    const wl = plan.workload;
    const root = createRng(runSeed(config.seed));
    const gen = phases(
      // A workload paces itself at workloadOptions.rate (workloads/common.ts `paced`) and puts its
      // ops on the client threads; wrapping it in another stagger here would halve the rate.
      // Clients and nemesis each draw from a stream of their own, counted in their own invocations,
      // so the same seed gives the same client ops whatever the timing, and each fault family the same
      // faults (each draws from a stream of its own: nemesis/build.ts); how families interleave follows timing.
      timeLimit(config.timeLimitS * 1e9, any(
        clients(ownRng(root.fork('clients'), (e) => e.type === 'invoke' && e.process !== 'nemesis', wl.generator(plan.workloadOptions))),
        onNemesis(ownRng(root.fork('nemesis'), (e) => e.type === 'invoke' && e.process === 'nemesis', faults.generator)),
      )),
      onNemesis(faults.finalGenerator),
      sleep(config.quietS * 1e9),
      clients(wl.finalGenerator ? wl.finalGenerator(plan.workloadOptions) : null),
    );
    // The time limit counts from the generator's first step, which is now (harness/ground/generator/time.ts).
    progress.clientsStart();
    run.log(`clients start at ${(now() / 1e9).toFixed(3)} s of the history's clock (set-up before); the ${config.timeLimitS} s time limit counts from here`);
    await drive({
      generator: gen, concurrency: config.concurrency, seed: runSeed(config.seed), nemesis: effNemesis,
      openClient: plan.openClient, now, clock, stop: stop.signal, log: (m) => run.log(m),
      record(op) {
        history.append(op);
        ops.push(op);
        countOutcomes(op);
        trackOp(progress, op, progress.pastLimit(op.time), config.quietS, tracker);
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
    endNs = now();
    // Heal before stopping the cluster, so the nodes' logs end healthy; both must never throw.
    // (A run that never started was discarded above and has nothing to tear down.)
    const nemesis = faultNemesis;
    if (nemesis) await bounded(() => nemesis.teardown(), TEARDOWN_STEP_BOUND_MS, 'nemesis teardown', run.log);
    if (plan && started) {
      run.log('tearing down');
      const target = plan.target;
      await bounded(() => target.teardown(), TEARDOWN_STEP_BOUND_MS, 'target teardown', run.log);
    }
    if (started) {
      history.close();
      signals.dispose();
    }
  }

  const checkers: Record<string, CheckResult> = {};
  if (plan) {
    // runChecker turns a throw into `unknown` for that checker, never a crash of the whole analysis.
    for (const c of plan.workload.checkers) checkers[c.name] = await runChecker(c, ops, { dir: run.dir });
  }
  // A checker with no completed client op to judge has no evidence either way: unknown, not valid.
  if (!ops.some((op) => op.process !== 'nemesis' && op.type === 'ok')) {
    for (const [name, r] of Object.entries(checkers)) {
      if (r.valid === true) checkers[name] = { ...r, valid: 'unknown', reason: 'no client operation completed, so there was nothing to judge' };
    }
  }
  // A cluster that was gone (every node exited on its own) or served nothing after the last heal was
  // not tested: unknown, whatever the checkers say of the history it left (a violation still counts).
  if (plan && started) {
    const t0n = t0;
    const liveness = livenessCheck({
      ops, bands, nodes: plan.target.nodes, endNs: endNs ?? now(), faultIntervalS: config.faultIntervalS,
      exits: (plan.target.ownExits?.() ?? []).map((e) => ({ node: e.node, at: Number(e.at - t0n), ...(e.back !== undefined ? { back: Number(e.back - t0n) } : {}) })),
    });
    if (liveness) {
      checkers['cluster-liveness'] = liveness;
      run.log(`cluster-liveness: ${String(liveness.reason)}`);
    }
  }
  // Requested faults that never took effect leave a run that tested the system without faults:
  // unknown, not valid (harness/top/run/fault-coverage.ts). Judged once the faults were built.
  const faultsSummary = families ? faultSummary(ops, families, endNs ?? now()) : undefined;
  if (faultsSummary) {
    const holdersRequested = [...(config.nodeTargets ?? []), ...(config.partitionShapes ?? [])].includes('holders');
    const coverage = faultCoverage({ requested: config.faults, unsupported, summary: faultsSummary, holdersRequested });
    if (coverage) {
      checkers['fault-coverage'] = coverage;
      run.log(`fault-coverage: ${String(coverage.reason)}`);
    }
  }
  // Membership changes: do the members agree on the configuration after the heal (checkers/membership-views.ts)?
  if (families?.some((f) => f.name === 'membership')) checkers['membership-views'] = membershipViews(ops);
  if (plan?.targetVerdicts) {
    try {
      Object.assign(checkers, plan.targetVerdicts());
    } catch (err) {
      checkers.target = { valid: 'unknown', error: errorMessage(err) };
    }
  }
  // Clock faults and leases: whether the faults could reach the clock the lease is timed by, and the
  // skew it tolerated (harness/top/run/lease-clock.ts); `unknown` when they could not.
  const leaseClock = leaseClockOf({ requested: config.faults, leaseClock: plan?.leaseClock, history: ops, valid: composeResults(checkers).valid });
  if (leaseClock.check) {
    checkers['lease-clock'] = leaseClock.check;
    run.log(`lease-clock: ${String(leaseClock.check.reason)}`);
  }
  let valid: RunResults['valid'] = composeResults(checkers).valid;
  if ((error || interrupted) && valid === true) valid = 'unknown';
  if (leaseClock.record && valid !== true) delete leaseClock.record.toleratedSkewMs;
  if (Object.keys(checkers).length === 0 && valid === true) valid = 'unknown';
  // Per disk fault, what the store did with the damage (refused, started and valid, served wrong data).
  const disk = diskOutcome(ops, valid, valid === false ? anomaliesOf(checkers, ops).map((a) => a.index) : [],
    Object.entries(checkers).filter(([, c]) => c.valid === false).map(([name]) => name));
  const results: RunResults = {
    valid, checkers, unsupportedFaults: unsupported, ...(faultsSummary ? { faults: faultsSummary } : {}), ...(disk ? { disk } : {}), ...autoResults(ops), ...stateResults(ops, families), ops: ops.length, durationS: now() / 1e9,
    ...(await extraResultsOf(plan, withoutEvents(ops), (l) => run.log(l))),
    ...(leaseClock.record ? { leaseClock: leaseClock.record } : {}),
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

/** results.json's `stateCoverage`: the states every nemesis's faults began in (nothing without a fault that took effect). */
function stateResults(ops: readonly Op[], families: readonly FamilyBands[] | undefined): { stateCoverage?: ReturnType<typeof stateCoverage> } {
  const c = families ? stateCoverage(ops, families) : undefined;
  return c ? { stateCoverage: c } : {};
}

/** results.json's `auto`: what the adaptive nemesis reached (nothing for other runs). */
function autoResults(ops: readonly Op[]): { auto?: ReturnType<typeof autoCoverage> } {
  const auto = autoCoverage(ops);
  return auto ? { auto } : {};
}
