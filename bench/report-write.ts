/**
 * One report write in a process of its own, as `faultline report` and the end of a run do it:
 * `node dist/bench/report-write.js <run-dir>` writes report.html and junit.xml into the run directory
 * and prints the wall and CPU time (every thread's, process.cpuUsage) writeRunReports took, and the
 * load average. `node dist/bench/report-write.js --make <tmp>` first builds bench:report's fixture
 * (bench/report-fixture.ts) under <tmp> and prints its run directory. Whole-process timers (time -v,
 * a benchmark harness) time it from outside, JIT warm-up included.
 */
import os from 'node:os';
import { writeRunReports } from '../reports/write-run.js';
import { writeBigRun } from './report-fixture.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--make') {
    const { dir } = await writeBigRun(args[1], Number(process.env.REPORT_BENCH_OPS ?? 100_000));
    console.log(dir);
    return;
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const w = await writeRunReports(args[0]);
  const c = process.cpuUsage(c0);
  console.log(`write: wall ${(performance.now() - t0).toFixed(0)} ms, CPU ${((c.user + c.system) / 1e3).toFixed(0)} ms, ${(w.bytes / 1024 / 1024).toFixed(2)} MB; load average ${os.loadavg()[0].toFixed(1)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
