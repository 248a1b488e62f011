/**
 * `npm run bench:report`: how report.html scales. Builds a run directory with a 100,000-operation
 * history (200,000 records, from the checker benchmark's generator, with nemesis ops for four fault
 * kinds, a 200,000-message journal and 3 × 2 MB node logs), checks it with the real checkers, then
 * prints the time writeRunReports takes (median of 3), the page's size, and the time Chromium takes
 * to open it until every chart has rendered (median of 3). Prints figures; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { chromium } from 'playwright-core';
import { linearizableChecker } from '../checkers/linearizability.js';
import { checkStats } from '../checkers/stats.js';
import type { Op } from '../harness/ground/history/op.js';
import { readHistoryLenient } from '../reports/run-data.js';
import { writeRunReports } from '../reports/write-run.js';
import { generateBigHistory } from './generate-history.js';

const OPS = Number(process.env.REPORT_BENCH_OPS ?? 100_000);
const CHROMIUM = '/usr/bin/chromium';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Interleaves nemesis ops (start/stop of partition, kill, pause, clock) every 0.5 s, re-indexing. */
function withNemesis(ops: Op[]): Op[] {
  const cycle: [string, unknown, unknown][] = [
    ['start-partition', 'majority', { grudge: { n0: ['n1', 'n2'] } }], ['stop-partition', null, { grudge: {} }],
    ['kill', 'one', ['n1']], ['start', 'all', ['n1']], ['pause', 'one', ['n2']], ['resume', 'all', ['n2']],
    ['bump-clock', 'all', { offsets: { n0: 120, n1: -4000, n2: 33 } }], ['reset-clock', 'all', { offsets: { n0: 0, n1: 0, n2: 0 } }],
  ];
  const out: Op[] = [];
  let next = 0.25e9;
  let k = 0;
  for (const op of ops) {
    while (op.time >= next) {
      const [f, value, result] = cycle[k++ % cycle.length];
      out.push({ index: 0, time: next, process: 'nemesis', type: 'invoke', f, value });
      out.push({ index: 0, time: next + 1e5, process: 'nemesis', type: 'info', f, value: result });
      next += 0.5e9;
    }
    out.push({ ...op, node: `n${Number(op.process) % 3}` });
  }
  out.forEach((op, i) => { op.index = i; });
  return out;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-report-'));
  try {
    const dir = nodePath.join(tmp, 'store', 'bench', '2025-01-01T000000Z');
    fs.mkdirSync(nodePath.join(dir, 'nodes'), { recursive: true });
    const raw = nodePath.join(tmp, 'raw.jsonl');
    generateBigHistory(raw, { ops: OPS, keys: 100, processes: 20, infoRate: 0.01, seed: 7 });
    const history = withNemesis(readHistoryLenient(raw).ops);
    fs.writeFileSync(nodePath.join(dir, 'history.jsonl'), history.map((o) => JSON.stringify(o)).join('\n') + '\n');
    const c0 = performance.now();
    const lin = await linearizableChecker({ name: 'cas-register' }).check(history, {});
    const checkMs = performance.now() - c0;
    const endS = history[history.length - 1].time / 1e9;
    fs.writeFileSync(nodePath.join(dir, 'results.json'), JSON.stringify({
      valid: lin.valid, checkers: { linearizable: lin, stats: checkStats(history) }, unsupportedFaults: [], ops: history.length, durationS: endS,
    }));
    fs.writeFileSync(nodePath.join(dir, 'test.json'), JSON.stringify({ name: 'bench', seed: 7, target: 'maelstrom', workload: 'lin-kv', faults: ['partition', 'kill', 'pause', 'clock'], startedAt: '2025-01-01T00:00:00Z' }));
    const msgs: string[] = [];
    for (let i = 0; i < 2 * OPS; i++) {
      const n = `n${i % 3}`;
      msgs.push(i % 2 === 0
        ? `{"id":${i},"time":${i * 1000},"src":"c${i % 20}","dest":"${n}","type":"write","body":{"type":"write","key":1,"value":2,"msg_id":${i}},"deliverAt":${i * 1000 + 50}}`
        : `{"id":${i},"time":${i * 1000},"src":"${n}","dest":"lin-kv","type":"write","body":{"type":"write","key":1,"value":2,"msg_id":${i}}${i % 97 === 0 ? ',"dropped":"partition"}' : `,"deliverAt":${i * 1000 + 50}}`}`);
    }
    fs.writeFileSync(nodePath.join(dir, 'messages.jsonl'), msgs.join('\n') + '\n');
    for (const n of ['n0', 'n1', 'n2']) fs.writeFileSync(nodePath.join(dir, 'nodes', `${n}.log`), `${n} some log line with a little text in it\n`.repeat(50_000));
    console.log(`run: ${history.length} history records (${OPS} client ops, ${history.filter((o) => o.process === 'nemesis').length} nemesis records), ` +
      `${msgs.length} messages, ${(endS).toFixed(1)} s of history; linearizability check ${checkMs.toFixed(0)} ms (${String(lin.valid)})`);

    const gen: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const w = await writeRunReports(dir);
      gen.push(performance.now() - t0);
      bytes = w.bytes;
    }
    const heapMb = process.memoryUsage().rss / 1024 / 1024;
    console.log(`generation: median ${median(gen).toFixed(0)} ms (runs ${gen.map((x) => x.toFixed(0)).join(', ')} ms; floor ≤ 5000 ms); RSS ${heapMb.toFixed(0)} MB`);
    console.log(`report.html: ${(bytes / 1024 / 1024).toFixed(2)} MB (limit 15 MB)`);

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
        open.push(performance.now() - t0);
        if (i === 2) {
          const t1 = performance.now();
          await page.fill('#history-filters [name=q]', 'nemesis');
          await page.waitForFunction(() => /\(\d+ of/.test(document.getElementById('history-page')?.textContent ?? '') && !/\((\d+) of \1 /.test(document.getElementById('history-page')?.textContent ?? ''));
          console.log(`history search over every op (incl. 120 ms debounce): ${(performance.now() - t1).toFixed(0)} ms`);
        }
        await page.close();
      }
      console.log(`open in Chromium (load + every chart rendered): median ${median(open).toFixed(0)} ms (runs ${open.map((x) => x.toFixed(0)).join(', ')} ms; limit 3000 ms)`);
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
