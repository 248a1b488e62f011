/**
 * `npm run bench:elle`: the Elle checker's speed on generated histories (bench/elle-history.ts) of
 * 10k, 100k and 1M transactions, list-append then rw-register, for strict-serializable. Prints the
 * in-memory analysis time (pairing included), the JSONL file's parse time separately, cost per
 * transaction, and peak RSS. Figures are printed, not asserted: the machine is shared.
 * The target: 1M list-append transactions analysed in ≤ 5 s, peak RSS ≤ 3 GB. Run with
 * node's default flags (as `faultline check` runs): a figure that needs a V8 flag is not the CLI's.
 * ELLE_SIZES=10000,100000 and ELLE_WORKLOADS=list-append narrow a run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkElle } from '../checkers/elle/index.js';
import { HistoryWriter } from '../harness/ground/history/index.js';
import { readJsonl } from '../harness/ground/history/jsonl-reader.js';
import { generateElleHistory, type ElleBenchParams } from './elle-history.js';

const SIZES = (process.env.ELLE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const rssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function writeJsonl(file: string, ops: readonly import('../harness/ground/history/op.js').Op[]): void {
  const w = HistoryWriter.open(file);
  for (const op of ops) w.append(op);
  w.close();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-elle-'));
  try {
    const workloads = (process.env.ELLE_WORKLOADS ?? 'list-append,rw-register').split(',') as ('list-append' | 'rw-register')[];
    for (const workload of workloads) {
      console.log(`\n${workload}: 1–4 micro-ops, 1,000 active keys retired after 32 writes, 1 % indeterminate, concurrency 20; strict-serializable`);
      console.log('   txns   analysis   per txn   txns/s     parse JSONL   verdict   edges        peak RSS');
      for (const n of SIZES) {
        const p: ElleBenchParams = { txns: n, workload, activeKeys: 1000, writesPerKey: 32, infoRate: 0.01, concurrency: 20, seed: 20261206 };
        let ops = generateElleHistory(p);
        const file = path.join(dir, `${workload}-${n}.jsonl`);
        writeJsonl(file, ops);
        const t0 = performance.now();
        const r = checkElle(ops, { consistencyModels: ['strict-serializable'] });
        const analysis = performance.now() - t0;
        ops = [];
        const t1 = performance.now();
        let read = 0;
        for await (const op of readJsonl(file)) { void op; read++; }
        const parse = performance.now() - t1;
        fs.rmSync(file);
        const per = (analysis * 1000) / n;
        console.log(`${String(n).padStart(8)} ${(analysis / 1000).toFixed(2).padStart(8)} s ${per.toFixed(2).padStart(7)} µs ${Math.round(n / (analysis / 1000)).toString().padStart(8)} ${(parse / 1000).toFixed(2).padStart(9)} s (${read} records)  ${String(r.valid).padEnd(7)} ${String(r.graph.edges).padStart(10)}   ${rssMB()} MB`);
        if (r.valid !== true) console.log(`  unexpected verdict: ${JSON.stringify(r.anomalyTypes)} ${r.reason ?? ''}`);
      }
    }
    console.log(`\npeak RSS of the whole run: ${rssMB()} MB (target ≤ 3,072 MB); the 1M list-append analysis target is ≤ 5 s (Elle's published 100–160k txns/s)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
