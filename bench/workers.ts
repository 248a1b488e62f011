/**
 * The measurement behind WORKER_THRESHOLD_STEPS (checkers/linearizable/check.ts): what a worker
 * thread costs to start, what sending ops to it costs, how fast this thread searches, and the
 * default against in-thread on a history of easy partitions and one of hard partitions.
 */
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { checkLinearizable, makeModel, prepare } from '../checkers/linearizable/index.js';
import { WORKER_THRESHOLD_STEPS } from '../checkers/linearizable/check.js';
import { Pairer, readJsonl, type Op, type Operation } from '../harness/ground/history/index.js';
import { pairOps } from '../harness/ground/history/pair.js';
import { BIG_DIR } from './big-history.js';
import { DEFAULT_PARAMS, ensureBigHistory } from './generate-history.js';
import { median } from './porcupine.js';

/** Per key: `writers` concurrent writes then two reads of different values: costly, not linearizable. */
function hardHistory(keys: number, writers: number): Operation[] {
  const h: Op[] = [];
  let proc = 0;
  for (let k = 0; k < keys; k++) {
    const key = `k${k}`;
    for (let i = 0; i < writers; i++) h.push({ index: h.length, time: h.length, process: proc + i, type: 'invoke', f: 'write', value: i, key });
    for (let i = 0; i < writers; i++) h.push({ index: h.length, time: h.length, process: proc + i, type: 'ok', f: 'write', value: i, key });
    proc += writers;
    // Reads of values written: linearizable, but only after trying orders of the writes.
    for (const v of [writers - 1, writers - 1]) {
      h.push({ index: h.length, time: h.length, process: proc, type: 'invoke', f: 'read', value: null, key });
      h.push({ index: h.length, time: h.length, process: proc, type: 'ok', f: 'read', value: v, key });
    }
    proc++;
  }
  return pairOps(h);
}

async function workerStartMs(): Promise<number> {
  const url = new URL('../checkers/linearizable/worker.js', import.meta.url);
  const t = performance.now();
  await new Promise<void>((resolve) => {
    const w = new Worker(url);
    w.once('message', () => { void w.terminate(); resolve(); });
    w.postMessage({ spec: { name: 'cas-register' }, partitions: [], deadlineWall: Date.now() + 10_000, minimizeMs: 1000, afterFailureMs: 1000, explain: false, shared: new Int32Array(new SharedArrayBuffer(4)), maxFailures: 10 });
  });
  return performance.now() - t;
}

async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

export async function runWorkers(): Promise<void> {
  console.log(`\n== Worker threads: where they pay (${availableParallelism()} cores) ==`);
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push(await workerStartMs());
  console.log(`a worker's start and first answer: median ${median(starts).toFixed(0)} ms (min ${Math.min(...starts).toFixed(0)})`);

  const { file } = ensureBigHistory(BIG_DIR, { ...DEFAULT_PARAMS, ops: 100_000 });
  const pairer = new Pairer(file);
  for await (const op of readJsonl(file)) pairer.add(op);
  const ops = pairer.finish();
  const parts = prepare(makeModel({ name: 'cas-register' }), ops);
  let t = performance.now();
  const buf = v8.serialize(parts);
  const ser = performance.now() - t;
  t = performance.now();
  v8.deserialize(buf);
  const de = performance.now() - t;
  const spec = { name: 'cas-register' };
  const inThread = await time(() => checkLinearizable(ops, { model: spec, workers: 0, explain: false }));
  console.log(`sending 100k ops (structured clone, as postMessage): ${(ser + de).toFixed(0)} ms ` +
    `(${((ser + de) * 10).toFixed(0)} ns/op); checking them all in this thread: ${inThread.toFixed(0)} ms ` +
    `→ an easy partition never pays its way to a worker`);

  const hard = hardHistory(8, 8);
  const r = await checkLinearizable(hard, { model: { name: 'register' }, workers: 0, explain: false });
  const hardMs = await time(() => checkLinearizable(hard, { model: { name: 'register' }, workers: 0, explain: false }));
  const stepMs = hardMs / Math.max(1, r.steps);
  console.log(`search speed here: ${(1 / stepMs / 1000).toFixed(1)}M steps/s; a partition goes to a worker only after its ` +
    `in-thread rounds of 100k and ${WORKER_THRESHOLD_STEPS.toLocaleString('en')} steps (~${(500_000 * stepMs).toFixed(0)} ms of search), ` +
    `when its next round alone (${(4 * WORKER_THRESHOLD_STEPS).toLocaleString('en')} steps, ~${(4 * WORKER_THRESHOLD_STEPS * stepMs).toFixed(0)} ms) ` +
    `outweighs a worker's start, and only with at least two such partitions`);

  const rows: [string, Operation[], string][] = [
    ['100k ops, 1,000 easy keys (cas-register)', ops, 'cas-register'],
    ['8 hard keys (8 concurrent writes each)', hard, 'register'],
  ];
  for (const [name, h, model] of rows) {
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 3; i++) {
      a.push(await time(() => checkLinearizable(h, { model: { name: model }, explain: false })));
      b.push(await time(() => checkLinearizable(h, { model: { name: model }, workers: 0, explain: false })));
    }
    const ratios = a.map((x, i) => x / b[i]);
    console.log(`${name}: default ${median(a).toFixed(0)} ms, in-thread ${median(b).toFixed(0)} ms, ` +
      `default/in-thread min ${Math.min(...ratios).toFixed(2)} median ${median(ratios).toFixed(2)}`);
  }
}
