/**
 * Porcupine (Go), run in the same session as our checker so that a ratio compares like with like on
 * a machine whose speed moves with load. It lives outside the project, beside it:
 * `../shared/anchors/porcupine/run.sh` (builds porcupine once with Debian's Go, see
 * scripts/setup-bench.sh). When it is absent, benchmarks say so and measure our side alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root (dist/bench/ → the repository). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Path of porcupine's run.sh beside the project, or undefined with the reason. */
export function porcupineRunner(): { runSh?: string; why?: string } {
  const runSh = path.resolve(REPO_ROOT, '../shared/anchors/porcupine/run.sh');
  if (!fs.existsSync(runSh)) return { why: `${runSh} is absent: porcupine is not measured (only our side)` };
  return { runSh };
}

export interface PorcupineRun {
  verdict: 'linearizable' | 'not-linearizable' | 'error';
  /** CheckEvents time, median over the run's reps (ms). */
  checkMs: number;
  checkMinMs: number;
  parseMs: number;
  /** Peak RSS of the whole process (kB), from GNU time when present. */
  peakRssKb?: number;
  wallMs: number;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs porcupine once on `file`: `args` are run.sh's (`-format …`, `-model …`), `reps` CheckEvents
 * repetitions inside the process (the median is reported). Killed after `timeoutMs`.
 */
export function runPorcupine(runSh: string, args: string[], file: string, reps = 1, timeoutMs = 300_000): Promise<PorcupineRun> {
  const withTime = fs.existsSync(GNU_TIME);
  const argv = [...args, '-reps', String(reps), file];
  const [cmd, cmdArgs] = withTime ? [GNU_TIME, ['-f', 'peak_rss_kb=%M', 'bash', runSh, ...argv]] : ['bash', [runSh, ...argv]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', () => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const m = /^(linearizable|not-linearizable) .*parse_ms=([\d.]+) check_ms_median=([\d.]+) check_ms_min=([\d.]+)/m.exec(out);
      const rss = /peak_rss_kb=(\d+)/.exec(err);
      if (!m) {
        resolve({ verdict: 'error', checkMs: NaN, checkMinMs: NaN, parseMs: NaN, wallMs });
        return;
      }
      const r: PorcupineRun = {
        verdict: m[1] as PorcupineRun['verdict'], parseMs: Number(m[2]), checkMs: Number(m[3]), checkMinMs: Number(m[4]), wallMs,
      };
      if (rss) r.peakRssKb = Number(rss[1]);
      resolve(r);
    });
  });
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
