import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Model, ModelSpec, Operation } from './model.js';
import { makeModel } from './models/index.js';
import { checkPartitions, type PartitionVerdict } from './partition-check.js';
import { partitionOps, relevantOps, validateOps, type Partition } from './prepare.js';
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
  /** Worker threads: 0 checks in this thread; default uses every core for histories over 50k ops. */
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

/** Validates, drops irrelevant ops and partitions: everything before the search. */
export function prepare(model: Model, ops: readonly Operation[], file?: string): Partition[] {
  validateOps(model, ops, file);
  return partitionOps(model, relevantOps(model, ops));
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
 * Checks a paired history for linearizability, partitions in parallel on worker threads when the
 * history is large. The time limit is enforced twice: each search polls it, and the main thread
 * terminates workers that overrun it, so a stuck model cannot hang the check.
 */
export async function checkLinearizable(ops: readonly Operation[], opts: CheckOptions): Promise<LinearizableResult> {
  const t0 = performance.now();
  const wanted = opts.workers ?? (ops.length > 50_000 ? availableParallelism() : 0);
  const url = workerUrl();
  if (wanted <= 1 || isModel(opts.model) || !url) return checkLinearizableSync(ops, opts);
  const spec = opts.model;
  const model = makeModel(spec);
  const partitions = prepare(model, ops, opts.file);
  if (partitions.length < 2) return checkLinearizableSync(ops, opts);

  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadlineWall = Date.now() + timeoutMs;
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const job = (ps: Partition[]): WorkerJob => ({
    spec, partitions: ps, deadlineWall, explain: opts.explain ?? true, shared,
    minimizeMs: opts.minimizeMs ?? 10_000, afterFailureMs: opts.afterFailureMs ?? 10_000, maxFailures: opts.maxFailures ?? 10,
  });
  // Largest first onto the least-loaded worker: partitions vary a lot in size.
  const n = Math.min(wanted, partitions.length);
  const bins: Partition[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  for (const p of [...partitions].sort((a, b) => b.ops.length - a.ops.length)) {
    let best = 0;
    for (let i = 1; i < n; i++) if (load[i] < load[best]) best = i;
    bins[best].push(p);
    load[best] += p.ops.length;
  }
  const results = await Promise.all(bins.map((b) => runWorker(url, job(b), timeoutMs + (opts.minimizeMs ?? 10_000) + 1_000)));
  const verdicts: PartitionVerdict[] = [];
  let reason: string | undefined;
  results.forEach((r, i) => {
    if (Array.isArray(r)) verdicts.push(...r);
    else {
      reason = r;
      for (const p of bins[i]) {
        const v: PartitionVerdict = { ops: p.ops.length, valid: 'unknown', steps: 0, cached: 0 };
        if (p.key !== undefined) v.key = p.key;
        verdicts.push(v);
      }
    }
  });
  // Keep the order of keys stable, whatever the worker assignment was.
  const order = new Map(partitions.map((p, i) => [p.key, i]));
  verdicts.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
  return summarize(model.name, verdicts, performance.now() - t0, opts.maxFailures ?? 10, reason);
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
