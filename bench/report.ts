/**
 * `npm run bench:report`: how report.html scales. Builds a run directory with a 100,000-operation
 * history (bench/report-fixture.ts: 200,000 records with nemesis ops for four fault kinds, a
 * 200,000-message journal and 3 × 2 MB node logs), checks it with the real checkers, then prints the
 * time writeRunReports takes (median of 3; wall and CPU of every thread), the page's size, and the
 * time Chromium takes to open it until every chart and the message diagram's first window are drawn
 * (median of 3; wall, and the page's own main-thread time: all its tasks' and its script's, from the
 * DevTools protocol's Performance metrics). Every figure comes with the load average: the machine is
 * shared, and wall time under load measures the neighbours as much as the report, CPU time much
 * less. `node dist/bench/report-write.js` times one write in a process of its own. Prints figures;
 * asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { chromium } from 'playwright-core';
import { writeRunReports } from '../reports/write-run.js';
import { writeBigRun } from './report-fixture.js';

const OPS = Number(process.env.REPORT_BENCH_OPS ?? 100_000);
const CHROMIUM = '/usr/bin/chromium';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * CPU ticks (user + system, 1/100 s) of every process of the Chromium started with `profile`: its
 * browser process (found by its --user-data-dir) and all its descendants (zygotes, renderers, GPU,
 * utilities), from /proc, by pid.
 */
function chromiumTicks(profile: string): Map<number, number> {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  const roots = new Set<number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      cpu.set(Number(name), Number(f[11]) + Number(f[12]));
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`)) roots.add(Number(name));
    } catch {
      // A process that ended while the list was read.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (roots.has(p)) return true;
    return false;
  };
  return new Map([...cpu].filter(([pid]) => inTree(pid)));
}

/**
 * The CPU time (ms) Chromium's processes used since `before` (chromiumTicks): the open's CPU time,
 * which unlike the page's task durations (wall time on its main thread) does not grow while the
 * neighbours run. Processes that ended meanwhile (the previous page's renderer) are left out.
 */
function chromiumCpuMsSince(profile: string, before: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of chromiumTicks(profile)) ticks += t - (before.get(pid) ?? 0);
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** One open: until every chart and the diagram's first window are drawn. */
interface Open { wall: number; cpu: number; tasks: number; script: number; load: number }

/**
 * Opens each of `files` `runs` times, in turn (A B A B …: a comparison holds while the machine's
 * load drifts), in one Chromium; a line of figures per file. `search` also times a history search.
 */
async function openInChromium(files: string[], runs: number, tmp: string, search = false): Promise<string[]> {
  const profile = fs.mkdtempSync(nodePath.join(tmp, 'profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const opens: Open[][] = files.map(() => []);
  const errors: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const [k, file] of files.entries()) {
        const page = await ctx.newPage();
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('pageerror', (e) => errors.push(e.message));
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Performance.enable');
        const cpu0 = chromiumTicks(profile);
        const t0 = performance.now();
        await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 120_000 });
        await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
        await page.waitForSelector('#diagram[data-rendered="true"] g.msg', { timeout: 120_000 });
        const wall = performance.now() - t0;
        const cpu = chromiumCpuMsSince(profile, cpu0);
        const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
        opens[k].push({ wall, cpu, tasks: metrics.TaskDuration * 1e3, script: metrics.ScriptDuration * 1e3, load: os.loadavg()[0] });
        if (search && i === runs - 1) {
          const t1 = performance.now();
          await page.fill('#history-filters [name=q]', 'nemesis');
          await page.waitForFunction(() => /\(\d+ of/.test(document.getElementById('history-page')?.textContent ?? '') && !/\((\d+) of \1 /.test(document.getElementById('history-page')?.textContent ?? ''));
          console.log(`history search over every op (incl. 120 ms debounce): ${(performance.now() - t1).toFixed(0)} ms`);
        }
        await page.close();
      }
    }
  } finally {
    await ctx.close();
  }
  if (errors.length > 0) console.log(`console errors: ${errors.join(' | ')}`);
  const fig = (xs: Open[], key: keyof Open): string => `median ${median(xs.map((x) => x[key])).toFixed(0)} ms (runs ${xs.map((x) => x[key].toFixed(0)).join(', ')})`;
  return opens.map((xs) => `wall ${fig(xs, 'wall')}, target ≤ 1500 ms; Chromium's CPU (every process) ${fig(xs, 'cpu')}; ` +
    `the page's main-thread tasks ${fig(xs, 'tasks')}, of which script ${median(xs.map((x) => x.script)).toFixed(0)} ms; load average ${xs.map((x) => x.load.toFixed(1)).join(', ')}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--open') {
    // `--open A.html B.html`: the open of two reports of the same run, alternately (before / after a change).
    const tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-report-'));
    try {
      const lines = await openInChromium(args.slice(1).map((f) => nodePath.resolve(f)), Number(process.env.REPORT_BENCH_RUNS ?? 5), tmp);
      lines.forEach((l, k) => console.log(`${args[k + 1]}: ${l}`));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  const tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-report-'));
  try {
    const { dir, history, messages: msgCount, endS, checkMs, valid } = await writeBigRun(tmp, OPS);
    console.log(`run: ${history.length} history records (${OPS} client ops, ${history.filter((o) => o.process === 'nemesis').length} nemesis records), ` +
      `${msgCount} messages, ${(endS).toFixed(1)} s of history; linearizability check ${checkMs.toFixed(0)} ms (${String(valid)})`);

    const gen: number[] = [];
    const cpu: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const w = await writeRunReports(dir);
      gen.push(performance.now() - t0);
      // CPU time of every thread (the packing runs on libuv's pool): on a loaded machine the wall
      // time measures the neighbours as much as the report.
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e3);
      bytes = w.bytes;
    }
    const heapMb = process.memoryUsage().rss / 1024 / 1024;
    console.log(`generation: median ${median(gen).toFixed(0)} ms (runs ${gen.map((x) => x.toFixed(0)).join(', ')} ms; target ≤ 1000 ms), CPU median ${median(cpu).toFixed(0)} ms; RSS ${heapMb.toFixed(0)} MB; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
    console.log(`report.html: ${(bytes / 1024 / 1024).toFixed(2)} MB (the history's rows and the whole journal embedded gzipped)`);

    if (!fs.existsSync(CHROMIUM)) {
      console.log(`open in Chromium: skipped, ${CHROMIUM} is missing (run scripts/setup-browser.sh)`);
      return;
    }
    const [o] = await openInChromium([nodePath.join(dir, 'report.html')], 3, tmp, true);
    console.log(`open in Chromium (load + every chart and the diagram's first window drawn): ${o}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
