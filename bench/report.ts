/**
 * `npm run bench:report`: how report.html scales. Builds a run directory with a 100,000-operation
 * history (bench/report-fixture.ts: 200,000 records with nemesis ops for four fault kinds, a
 * 200,000-message journal and 3 × 2 MB node logs), checks it with the real checkers, then prints the
 * time writeRunReports takes (median of 3), the page's size, and the time Chromium takes to open it
 * until every chart and the message diagram's first window are drawn (median of 3). Prints figures;
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

async function main(): Promise<void> {
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
    const profile = fs.mkdtempSync(nodePath.join(tmp, 'profile-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const open: number[] = [];
      const errors: string[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await ctx.newPage();
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('pageerror', (e) => errors.push(e.message));
        const t0 = performance.now();
        await page.goto(`file://${nodePath.join(dir, 'report.html')}`, { waitUntil: 'load', timeout: 120_000 });
        await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
        await page.waitForSelector('#diagram[data-rendered="true"] g.msg', { timeout: 120_000 });
        open.push(performance.now() - t0);
        if (i === 2) {
          const t1 = performance.now();
          await page.fill('#history-filters [name=q]', 'nemesis');
          await page.waitForFunction(() => /\(\d+ of/.test(document.getElementById('history-page')?.textContent ?? '') && !/\((\d+) of \1 /.test(document.getElementById('history-page')?.textContent ?? ''));
          console.log(`history search over every op (incl. 120 ms debounce): ${(performance.now() - t1).toFixed(0)} ms`);
        }
        await page.close();
      }
      console.log(`open in Chromium (load + every chart and the diagram's first window drawn): median ${median(open).toFixed(0)} ms (runs ${open.map((x) => x.toFixed(0)).join(', ')} ms; target ≤ 1500 ms)`);
      if (errors.length > 0) console.log(`console errors: ${errors.join(' | ')}`);
    } finally {
      await ctx.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
