/**
 * The scaling table: generated histories of 10k, 100k, 300k and 1M ops (1,000 keys, 100 clients),
 * cas-register and kv, with and without 1 % `info`, checked by us and by porcupine in the same
 * session, A B A B: check time (parse excluded on both sides) and peak RSS of each whole process.
 * Ours: `faultline`'s default checkLinearizable in a child process (big-child.ts). Porcupine: its
 * run.sh beside the project (`-format jsonl`), with GNU time for peak RSS.
 *
 *   --quick          one run each, up to 300k ops
 *   --reps N         runs per side and row (default 3)
 *   --budget 40m     stop starting rows after this long (the rest are listed as skipped)
 *   --only 1000000   only rows of these sizes (comma-separated)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunReport } from './big-child.js';
import { BIG_DIR } from './big-history.js';
import { DEFAULT_PARAMS, ensureBigHistory } from './generate-history.js';
import { median, porcupineRunner, runPorcupine, type PorcupineRun } from './porcupine.js';

const CHILD = fileURLToPath(new URL('./big-child.js', import.meta.url));
const CHILD_TIMEOUT_MS = 300_000;

/** Our side: one child process, default options; its own report (check time, VmHWM). */
function ours(file: string, model: string): Promise<RunReport | undefined> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CHILD, 'run', file, 'default', model], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    p.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      resolve(code === 0 && line ? JSON.parse(line) as RunReport : undefined);
    });
  });
}

export interface ScalingOptions {
  quick?: boolean;
  reps?: number;
  budgetMs?: number;
  only?: number[];
}

const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${x.toFixed(0)}`);
const mb = (kb: number | undefined): string => (kb === undefined || Number.isNaN(kb) ? '-' : (kb / 1024).toFixed(0));

export async function runScaling(o: ScalingOptions = {}): Promise<void> {
  const sizes = (o.only ?? (o.quick ? [10_000, 100_000, 300_000] : [10_000, 100_000, 300_000, 1_000_000]));
  const reps = o.reps ?? (o.quick ? 1 : 3);
  const budgetMs = o.budgetMs ?? (o.quick ? 10 * 60_000 : 60 * 60_000);
  const { runSh, why } = porcupineRunner();
  console.log(`\n== Scaling: ${sizes.map((n) => n.toLocaleString('en')).join(', ')} ops; 1,000 keys, 100 clients; ` +
    `${reps} run(s) per side, alternating ==`);
  console.log(`ours: checkLinearizable with default options (in a child process; check time after read+pair, peak RSS VmHWM)`);
  console.log(runSh ? `porcupine: ${runSh} -format jsonl (CheckEvents time after parse; peak RSS from GNU time)` : `porcupine: ${why}`);
  console.log(`\n${'ops'.padStart(9)} ${'model'.padEnd(12)}${'info'.padStart(5)}${'ours ms min/med'.padStart(17)}` +
    `${'porc. ms min/med'.padStart(18)}${'ratio min/med'.padStart(15)}${'ours MB'.padStart(9)}${'porc. MB'.padStart(10)}  verdicts`);
  const t0 = performance.now();
  const over: string[] = [];
  for (const n of sizes) {
    for (const model of ['cas-register', 'kv'] as const) {
      for (const infoRate of [0, 0.01]) {
        const label = `${n.toLocaleString('en').padStart(9)} ${model.padEnd(12)}${`${infoRate * 100}%`.padStart(5)}`;
        if (performance.now() - t0 > budgetMs) { console.log(`${label}  skipped: the time budget is spent`); continue; }
        const { file } = ensureBigHistory(BIG_DIR, { ...DEFAULT_PARAMS, ops: n, infoRate, model });
        const a: RunReport[] = [];
        const b: PorcupineRun[] = [];
        let failures = 0;
        for (let r = 0; r < reps; r++) {
          const mine = await ours(file, model);
          if (mine) a.push(mine); else failures++;
          if (runSh) b.push(await runPorcupine(runSh, ['-format', 'jsonl', '-model', model === 'kv' ? 'kv' : 'cas'], file, 1, CHILD_TIMEOUT_MS));
        }
        const oc = a.map((r) => r.checkMs);
        const pc = b.map((r) => r.checkMs).filter((x) => !Number.isNaN(x));
        const ratios = runSh ? a.map((r, i) => r.checkMs / (b[i]?.checkMs ?? NaN)).filter((x) => !Number.isNaN(x)) : [];
        const oRss = Math.max(...a.map((r) => r.peakRssKb));
        const pRss = b.length ? Math.max(...b.map((r) => r.peakRssKb ?? NaN)) : undefined;
        const verdicts = `${[...new Set(a.map((r) => String(r.valid)))].join('/')}${failures ? ` (${failures} failed)` : ''} / ` +
          `${runSh ? [...new Set(b.map((r) => r.verdict))].join('/') : '-'}`;
        console.log(`${label}${`${ms(Math.min(...oc))}/${ms(median(oc))}`.padStart(17)}` +
          `${pc.length ? `${ms(Math.min(...pc))}/${ms(median(pc))}` : '-'}`.padStart(18) +
          `${ratios.length ? `${Math.min(...ratios).toFixed(2)}/${median(ratios).toFixed(2)}` : '-'}`.padStart(15) +
          `${mb(oRss).padStart(9)}${mb(pRss).padStart(10)}  ${verdicts}`);
        if (n >= 100_000 && ratios.length && median(ratios) > 0.5) over.push(`${n} ${model} ${infoRate * 100}%: ${median(ratios).toFixed(2)}×`);
        if (n >= 100_000 && pRss !== undefined && oRss > pRss) over.push(`${n} ${model} ${infoRate * 100}%: RSS ${mb(oRss)} > ${mb(pRss)} MB`);
        if (a.some((r) => r.valid === 'unknown')) over.push(`${n} ${model} ${infoRate * 100}%: unknown`);
      }
    }
  }
  console.log(`\nfloors at ≥ 100k ops (median check-time ratio ≤ 0.5×, peak RSS ≤ porcupine's, no unknown): ` +
    `${!runSh ? 'not judged (no porcupine)' : over.length === 0 ? 'all rows within' : `OVER: ${over.join('; ')}`}`);
  console.log(`scaling table took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
