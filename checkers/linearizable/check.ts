import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Model, ModelSpec, Operation } from './model.js';
import { makeModel } from './models/index.js';
import { checkPartitions, type PartitionVerdict } from './partition-check.js';
import { preparePartitions, type Partition } from './prepare.js';
import { summarize, type LinearizableResult } from './result.js';
import type { WorkerJob } from './worker.js';

export interface CheckOptions {
  /** The model, by spec (works with workers) or as an object (in-thread only). */
  model: ModelSpec | Model;
  /** Time limit for the verdict, ms; past it the result is `unknown`. Default 60 s. */
  timeoutMs?: number;
  /** Explain failures (longest prefix, candidates, minimised counterexample). Default true. */
  explain?: boolean;
  /**
   * Wall-clock cap on shrinking one counterexample, ms. Default 10 s. A safety net: explanations are
   * bounded in search steps by the verdict's cost (partition-check.ts), so the same input gives the
   * same explanation on any machine unless this cap is reached first.
   */
  minimizeMs?: number;
  /**
   * Threads for partitions that stay hard after 500k steps in this thread (this one included): 0 or 1
   * checks everything here; default one per core. Easy partitions never leave this thread.
   */
  workers?: number;
  /**
   * After the first failed partition the verdict is decided; the others are searched for more failing
   * keys within the explanation budget (in steps), and at most this long (ms), a safety net.
   * Default 10 s; without `explain`, 0 (stop at once).
   */
  afterFailureMs?: number;
  /** How many failed partitions to explain. Default 10. */
  maxFailures?: number;
  /** Name of the source, for errors. */
  file?: string;
}

const isModel = (m: ModelSpec | Model): m is Model => typeof (m as Model).step === 'function';

/** Validates, drops irrelevant ops, partitions and orders each partition's events: everything before the search. */
export function prepare(model: Model, ops: readonly Operation[], file?: string): Partition[] {
  return preparePartitions(model, ops, file);
}

/** Checks a paired history for linearizability in this thread. */
export function checkLinearizableSync(ops: readonly Operation[], opts: CheckOptions): LinearizableResult {
  const t0 = performance.now();
  const model = isModel(opts.model) ? opts.model : makeModel(opts.model);
  const partitions = prepare(model, ops, opts.file);
  const explain = opts.explain ?? true;
  const verdicts = checkPartitions(model, partitions, {
    deadline: t0 + (opts.timeoutMs ?? 60_000), explain, minimizeMs: opts.minimizeMs ?? 10_000,
    afterFailureMs: opts.afterFailureMs ?? 10_000, maxFailures: opts.maxFailures ?? 10,
  });
  return summarize(model.name, verdicts, performance.now() - t0, opts.maxFailures ?? 10);
}

/**
 * Where worker threads pay, measured (`npm run bench:check -- --workers` prints the figures): a worker
 * takes ~80-100 ms to start and answer on a loaded 2-core machine, and sending ops costs more than
 * searching them (a structured clone of a 1M-op history took 1.3 s to serialize and 4.3 s to
 * deserialize, against 1.3 s to check it all in this thread). So every partition is first searched
 * here, in the rounds up to WORKER_THRESHOLD_STEPS (100k then 400k steps); only partitions still
 * unfinished then (≥ 50 ms of search each, for a few hundred ops to send) go to workers, and only
 * when there are at least two of them.
 */
export const WORKER_THRESHOLD_STEPS = 400_000;

/**
 * Checks a paired history for linearizability. Every partition is searched in this thread first, in
 * rounds of growing step budgets; the hard ones left after WORKER_THRESHOLD_STEPS are split between
 * this thread and `workers - 1` worker threads (default: one per core), so the default is never much
 * slower than in-thread: a history of easy partitions never starts a worker. The time limit is
 * enforced twice: each search polls it, and the main thread terminates workers that overrun it, so a
 * stuck model cannot hang the check.
 */
export async function checkLinearizable(
  ops: readonly Operation[], opts: CheckOptions & { workerThresholdSteps?: number },
): Promise<LinearizableResult> {
  const t0 = performance.now();
  const wanted = opts.workers ?? availableParallelism();
  const url = workerUrl();
  if (wanted <= 1 || isModel(opts.model) || !url) return checkLinearizableSync(ops, opts);
  const spec = opts.model;
  const model = makeModel(spec);
  const partitions = prepare(model, ops, opts.file);
  if (partitions.length < 2) return checkLinearizableSync(ops, opts);

  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = t0 + timeoutMs;
  const deadlineWall = Date.now() + timeoutMs;
  const explain = opts.explain ?? true;
  const minimizeMs = opts.minimizeMs ?? 10_000;
  const afterFailureMs = opts.afterFailureMs ?? 10_000;
  const maxFailures = opts.maxFailures ?? 10;
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const threshold = opts.workerThresholdSteps ?? WORKER_THRESHOLD_STEPS;
  const common = { explain, minimizeMs, afterFailureMs, maxFailures, shared };

  // This thread first: the rounds up to the threshold. Most histories end here.
  const verdicts: PartitionVerdict[] = threshold > 0
    ? checkPartitions(model, partitions, { ...common, deadline, handOffAfter: threshold })
    : partitions.map((p) => ({ ops: p.ops.length, valid: 'unknown', steps: 0, cached: 0, reason: 'steps' }));
  const hard = verdicts.flatMap((v, i) => (v.valid === 'unknown' && v.reason === 'steps' && !v.skipped ? [i] : []));
  const decided = verdicts.some((v) => v.valid === false);
  let reason: string | undefined;
  if (hard.length > 0) {
    const stepsBefore = verdicts.reduce((n, v) => n + v.steps, 0);
    const rest = { ...common, stepsBefore, firstSlice: threshold > 0 ? 4 * threshold : undefined };
    const n = decided || hard.length < 2 ? 1 : Math.min(wanted, hard.length);
    // Largest first onto the least-loaded bin: partitions vary a lot in size. Bin 0 stays here.
    const bins: number[][] = Array.from({ length: n }, () => []);
    const load = new Array<number>(n).fill(0);
    for (const i of [...hard].sort((a, b) => partitions[b].ops.length - partitions[a].ops.length)) {
      let best = 0;
      for (let b = 1; b < n; b++) if (load[b] < load[best]) best = b;
      bins[best].push(i);
      load[best] += partitions[i].ops.length;
    }
    // A partition's events and kinds are views of buffers shared by every partition: copied, so that
    // cloning a job sends its own partitions' arrays and not the whole history's.
    const job = (bin: number[]): WorkerJob => ({
      spec, deadlineWall, ...rest,
      partitions: bin.map((i) => ({ ...partitions[i], events: partitions[i].events?.slice(), kinds: partitions[i].kinds?.slice() })),
    });
    const hardLimit = timeoutMs + minimizeMs + 1_000 - (performance.now() - t0);
    const running = bins.slice(1).map((bin) => runWorker(url, job(bin), hardLimit));
    const here = checkPartitions(model, bins[0].map((i) => partitions[i]), { ...rest, deadline });
    bins[0].forEach((i, k) => { verdicts[i] = here[k]; });
    const results = await Promise.all(running);
    results.forEach((r, b) => {
      const bin = bins[b + 1];
      if (Array.isArray(r)) { bin.forEach((i, k) => { verdicts[i] = r[k]; }); return; }
      reason = r;
      for (const i of bin) {
        const v: PartitionVerdict = { ops: partitions[i].ops.length, valid: 'unknown', steps: 0, cached: 0 };
        if (partitions[i].key !== undefined) v.key = partitions[i].key;
        verdicts[i] = v;
      }
    });
  }
  return summarize(model.name, verdicts, performance.now() - t0, maxFailures, reason);
}

function runWorker(url: URL, job: WorkerJob, hardLimitMs: number): Promise<PartitionVerdict[] | string> {
  return new Promise((resolve) => {
    const w = new Worker(url);
    const timer = setTimeout(() => {
      void w.terminate();
      resolve(`a worker exceeded the time limit and was stopped`);
    }, hardLimitMs);
    w.once('message', (m: { verdicts?: PartitionVerdict[]; error?: string }) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(m.verdicts ?? `a worker failed: ${m.error}`);
    });
    w.once('error', (err) => {
      clearTimeout(timer);
      resolve(`a worker failed: ${err.message}`);
    });
    w.postMessage(job);
  });
}

// Under vitest this module runs from the TypeScript source; the worker must be compiled JavaScript,
// so fall back to the build in dist/ (npm test builds first). No worker file: check in-thread.
let cachedUrl: URL | null | undefined;
function workerUrl(): URL | null {
  if (cachedUrl !== undefined) return cachedUrl;
  const candidates = [new URL('./worker.js', import.meta.url), new URL('../../dist/checkers/linearizable/worker.js', import.meta.url)];
  cachedUrl = candidates.find((u) => existsSync(fileURLToPath(u))) ?? null;
  return cachedUrl;
}
