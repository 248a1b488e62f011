/**
 * The child process of the big-history benchmark, so that its peak RSS (VmHWM, which covers the
 * worker threads too: they live in this process) is measured alone.
 *
 *   node dist/bench/big-child.js run <file> <workers|default> [model]
 *     streams the file readJsonl → Pairer (the raw Op records are dropped as they are paired),
 *     checks it with checkLinearizable({ name: model }) (default cas-register) and prints one JSON line.
 *   node dist/bench/big-child.js breakdown <file>
 *     a diagnostic: where the time goes (parse, pair, prepare, structured clone, search), in-thread.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import { checkLinearizable, checkLinearizableSync, makeModel, prepare } from '../checkers/linearizable/index.js';
import { Pairer, readJsonl } from '../harness/ground/history/index.js';
import type { Op, Operation } from '../harness/ground/history/index.js';

const SPEC = { name: 'cas-register' };

/** A field of /proc/self/status in kB (VmHWM: peak RSS; VmRSS: current RSS). */
function statusKb(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

export interface RunReport {
  workers: string;
  records: number;
  ops: number;
  readPairMs: number;
  checkMs: number;
  totalMs: number;
  valid: boolean | 'unknown';
  searchedOps: number;
  partitions: number;
  rssAfterPairKb: number;
  heapAfterPairMb: number;
  peakRssKb: number;
}

async function readAndPair(file: string): Promise<{ ops: Operation[]; records: number }> {
  const pairer = new Pairer(file);
  let records = 0;
  for await (const op of readJsonl(file)) {
    pairer.add(op);
    records++;
  }
  return { ops: pairer.finish(), records };
}

async function run(file: string, workersArg: string, model = SPEC.name): Promise<RunReport> {
  const t0 = performance.now();
  const { ops, records } = await readAndPair(file);
  const t1 = performance.now();
  const rssAfterPairKb = statusKb('VmRSS');
  const heapAfterPairMb = process.memoryUsage().heapUsed / 2 ** 20;
  const spec = { name: model };
  const opts = workersArg === 'default' ? { model: spec } : { model: spec, workers: Number(workersArg) };
  const res = await checkLinearizable(ops, opts);
  const t2 = performance.now();
  return {
    workers: workersArg, records, ops: ops.length, readPairMs: t1 - t0, checkMs: t2 - t1, totalMs: t2 - t0,
    valid: res.valid, searchedOps: res.ops, partitions: res.partitions,
    rssAfterPairKb, heapAfterPairMb, peakRssKb: statusKb('VmHWM'),
  };
}

export interface Breakdown {
  parseMs: number;
  pairMs: number;
  prepareMs: number;
  partitions: number;
  serializeMs: number;
  deserializeMs: number;
  serializedMb: number;
  syncVerdictOnlyMs: number;
  syncExplainMs: number;
  valid: boolean | 'unknown';
}

async function breakdown(file: string): Promise<Breakdown> {
  // Here (not in the measured child) the raw records are kept, so pairing can be timed on its own.
  let t = performance.now();
  let n = 0;
  for await (const op of readJsonl(file)) if (op.index >= 0) n++;
  const parseMs = performance.now() - t;
  let raw: Op[] = [];
  for await (const op of readJsonl(file)) raw.push(op);
  if (raw.length !== n) throw new Error('the file changed while it was read');

  t = performance.now();
  const pairer = new Pairer(file);
  for (const op of raw) pairer.add(op);
  const ops = pairer.finish();
  const pairMs = performance.now() - t;
  raw = [];

  t = performance.now();
  const partitions = prepare(makeModel(SPEC), ops, file);
  const prepareMs = performance.now() - t;

  // postMessage uses V8's ValueSerializer, as v8.serialize does: the main thread serializes every
  // partition, each worker deserializes its share.
  t = performance.now();
  const buf = v8.serialize(partitions);
  const serializeMs = performance.now() - t;
  t = performance.now();
  v8.deserialize(buf);
  const deserializeMs = performance.now() - t;

  t = performance.now();
  const r1 = checkLinearizableSync(ops, { model: SPEC, explain: false });
  const syncVerdictOnlyMs = performance.now() - t;
  t = performance.now();
  checkLinearizableSync(ops, { model: SPEC, explain: true });
  const syncExplainMs = performance.now() - t;
  return {
    parseMs, pairMs, prepareMs, partitions: partitions.length, serializeMs, deserializeMs,
    serializedMb: buf.length / 2 ** 20, syncVerdictOnlyMs, syncExplainMs, valid: r1.valid,
  };
}

const [mode, file, workers, model] = process.argv.slice(2);
if (mode === 'run') {
  process.stdout.write(`${JSON.stringify(await run(file, workers ?? 'default', model))}\n`);
} else if (mode === 'breakdown') {
  process.stdout.write(`${JSON.stringify(await breakdown(file))}\n`);
} else {
  process.stderr.write('usage: big-child.js run <file> <workers|default> [model] | breakdown <file>\n');
  process.exitCode = 2;
}
