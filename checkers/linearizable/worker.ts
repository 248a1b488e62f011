import { parentPort } from 'node:worker_threads';
import { makeModel } from './models/index.js';
import { checkPartitions } from './partition-check.js';
import type { ModelSpec } from './model.js';
import type { Partition } from './prepare.js';
import { errorMessage } from '../../harness/ground/history/errors.js';

/** A batch of partitions for one worker thread. Deadlines are wall-clock: clocks differ per thread. */
export interface WorkerJob {
  spec: ModelSpec;
  partitions: Partition[];
  deadlineWall: number;
  minimizeMs: number;
  afterFailureMs: number;
  maxFailures: number;
  explain: boolean;
  /** Int32Array over a SharedArrayBuffer: set to 1 by whichever thread finds a failure first. */
  shared: Int32Array;
  /** The first round's step budget (the partitions already had the smaller ones in the main thread). */
  firstSlice?: number;
  /** Steps the main thread spent before the hand-off (for the explanation budget). */
  stepsBefore?: number;
}

const toPerf = (wall: number): number => performance.now() + (wall - Date.now());

parentPort?.on('message', (job: WorkerJob) => {
  try {
    const model = makeModel(job.spec);
    const deadline = toPerf(job.deadlineWall);
    const verdicts = checkPartitions(model, job.partitions, {
      deadline, explain: job.explain, minimizeMs: job.minimizeMs, afterFailureMs: job.afterFailureMs, shared: job.shared,
      maxFailures: job.maxFailures, firstSlice: job.firstSlice, stepsBefore: job.stepsBefore,
    });
    parentPort!.postMessage({ verdicts });
  } catch (err) {
    parentPort!.postMessage({ error: errorMessage(err) });
  }
});
