import { parentPort } from 'node:worker_threads';
import { makeModel } from './models/index.js';
import { checkPartition, type PartitionVerdict } from './partition-check.js';
import type { ModelSpec } from './model.js';
import type { Partition } from './prepare.js';

/** A batch of partitions for one worker thread. Deadlines are wall-clock: clocks differ per thread. */
export interface WorkerJob {
  spec: ModelSpec;
  partitions: Partition[];
  deadlineWall: number;
  minimizeDeadlineWall: number;
  explain: boolean;
}

const toPerf = (wall: number): number => performance.now() + (wall - Date.now());

parentPort?.on('message', (job: WorkerJob) => {
  try {
    const model = makeModel(job.spec);
    const deadline = toPerf(job.deadlineWall);
    const minimizeDeadline = toPerf(job.minimizeDeadlineWall);
    const verdicts: PartitionVerdict[] = job.partitions.map((p) =>
      checkPartition(model, p, { deadline, minimizeDeadline, explain: job.explain }));
    parentPort!.postMessage({ verdicts });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
