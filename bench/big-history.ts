/**
 * The 1M-op benchmark: generates (or reuses) the big history, then checks it in child processes,
 * one per configuration, so each child's peak RSS is its own.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Breakdown, RunReport } from './big-child.js';
import { DEFAULT_PARAMS, ensureBigHistory, type BigParams } from './generate-history.js';

const CHILD = fileURLToPath(new URL('./big-child.js', import.meta.url));
export const BIG_DIR = '/tmp/faultline-bench';
const FLOOR_MS = 20_000;
const FLOOR_RSS_BYTES = 1.5e9;

/** Runs the child with `args`; resolves its JSON report and the wall time seen from here. */
function child<T>(args: string[]): Promise<{ report: T; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => { out += d; });
    p.on('error', reject);
    p.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`child ${args.join(' ')} exited with ${code}; stdout: ${out.slice(-500)}`));
        return;
      }
      resolve({ report: JSON.parse(line) as T, wallMs });
    });
  });
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
const within = (ok: boolean): string => (ok ? 'within' : 'OVER');

export async function runBigHistory(params: BigParams = DEFAULT_PARAMS): Promise<void> {
  console.log(`\n== Big history: ${params.ops.toLocaleString('en')} ops (${(2 * params.ops).toLocaleString('en')} records), ` +
    `${params.keys} keys, ${params.processes} client processes, ${params.infoRate * 100} % info, seed ${params.seed} ==`);
  const { file, generatedMs, stats } = ensureBigHistory(BIG_DIR, params);
  if (generatedMs !== undefined && stats) {
    console.log(`generated ${file} in ${s(generatedMs)}: ${stats.records} records, ${stats.info} info, ` +
      `${stats.failedCas} failed cas, ${stats.processIds} process ids`);
  } else {
    console.log(`reusing ${file}`);
  }
  console.log(`checker: readJsonl → Pairer → checkLinearizable({ name: 'cas-register' }), in a child process each; ` +
    `${availableParallelism()} cores`);

  const rows: [string, string][] = [['default workers', 'default'], ['in-thread (workers: 0)', '0']];
  console.log('');
  console.log(`${'configuration'.padEnd(24)}${'read+pair'.padStart(11)}${'check'.padStart(10)}${'read+pair+check'.padStart(17)}` +
    `${'child wall'.padStart(12)}${'peak RSS'.padStart(10)}${'RSS after pair'.padStart(16)}  verdict`);
  const results: { name: string; r: RunReport; wallMs: number }[] = [];
  for (const [name, workers] of rows) {
    const { report: r, wallMs } = await child<RunReport>(['run', file, workers]);
    results.push({ name, r, wallMs });
    console.log(`${name.padEnd(24)}${s(r.readPairMs).padStart(11)}${s(r.checkMs).padStart(10)}${s(r.totalMs).padStart(17)}` +
      `${s(wallMs).padStart(12)}${mb(r.peakRssKb).padStart(10)}${mb(r.rssAfterPairKb).padStart(16)}  ` +
      `${r.valid} (${r.ops} ops paired, ${r.searchedOps} searched, ${r.partitions} partitions)`);
  }
  for (const { name, r, wallMs } of results) {
    console.log(`floors, ${name}: ≤ 20 s → ${s(wallMs)} child wall (${s(r.totalMs)} read+pair+check) ${within(wallMs <= FLOOR_MS)}; ` +
      `≤ 1.5 GB peak RSS → ${(r.peakRssKb * 1024 / 1e9).toFixed(2)} GB ${within(r.peakRssKb * 1024 <= FLOOR_RSS_BYTES)}`);
  }

  const { report: b } = await child<Breakdown>(['breakdown', file]);
  console.log('\nwhere the time goes (diagnostic child, in-thread, one run each):');
  console.log(`  readJsonl streamed, records dropped             ${s(b.parseMs)}`);
  console.log(`  Pairer alone, 2M records already in memory      ${s(b.pairMs)}`);
  console.log(`  prepare (validate, drop fail/info reads, split) ${s(b.prepareMs)}  → ${b.partitions} partitions`);
  console.log(`  v8.serialize of all partitions (≈ postMessage)  ${s(b.serializeMs)}  (${b.serializedMb.toFixed(0)} MB); ` +
    `deserialize ${s(b.deserializeMs)}`);
  console.log(`  checkLinearizableSync, explain: false           ${s(b.syncVerdictOnlyMs)}  (search ≈ ${s(b.syncVerdictOnlyMs - b.prepareMs)})`);
  console.log(`  checkLinearizableSync, explain: true (default)  ${s(b.syncExplainMs)}  verdict ${b.valid}`);
}
