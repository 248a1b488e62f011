/**
 * report.html in real headless Chromium, for real Maelstrom runs: a valid run, a non-linearizable
 * one (nodes that never replicate), and one under every fault with every chart. Each page must
 * render every chart, log no console error and request nothing over the network; the invalid
 * run's counterexample must be drawn with one lane per process.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReports } from '../../../reports/index.js';
import { FAKETIME_LIB } from '../../../harness/middle/maelstrom/index.js';
import { CHROMIUM_MISSING, HAVE_CHROMIUM, launch, openReport, screenshotDir, type Browser } from './browser.js';
import { LIN_KV_PROXY, LOCAL_KV, realRun, tempStore } from './real-run.js';

const CI = process.env.CI === 'true';
// Without libfaketime the target cannot skew clocks, so the clock chart cannot appear (CI must have it).
const HAVE_FAKETIME = fs.existsSync(FAKETIME_LIB);
if (!HAVE_CHROMIUM && CI) throw new Error(`${CHROMIUM_MISSING} (CI=true: this test must run)`);

const COMMON = ['--target', 'maelstrom', '--workload', 'lin-kv', '--nodes', '3', '--concurrency', '3', '--quiet', '0.5s', '--request-timeout', '1s'];

describe.skipIf(!HAVE_CHROMIUM)(`report.html in Chromium${HAVE_CHROMIUM ? '' : ` (skipped: ${CHROMIUM_MISSING})`}`, () => {
  let store: string;
  let browser: Browser;
  const reports: Record<'valid' | 'invalid' | 'faults', string> = { valid: '', invalid: '', faults: '' };

  beforeAll(async () => {
    store = tempStore('e2e');
    browser = await launch();
    const runs = {
      valid: ['--name', 'valid', '--bin', LIN_KV_PROXY, '--time-limit', '2s', '--rate', '40', '--seed', '1'],
      invalid: ['--name', 'invalid', '--bin', LOCAL_KV, '--time-limit', '2s', '--rate', '60', '--key-count', '1', '--seed', '2'],
      faults: ['--name', 'faults', '--bin', LIN_KV_PROXY, '--time-limit', '4s', '--rate', '40', '--seed', '3', '--latency', '1-5ms',
        '--nemesis', 'partition,kill,pause,clock', '--nemesis-interval', '0.5s'],
    };
    for (const [name, argv] of Object.entries(runs) as [keyof typeof reports, string[]][]) {
      const { dir } = await realRun(store, [...COMMON, ...argv]);
      reports[name] = (await writeRunReports(dir)).report;
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (store) fs.rmSync(store, { recursive: true, force: true });
  });

  /** Every chart figure has rendered, with marks in its SVG or pixels on its canvas. */
  async function chartsOf(file: string, shot: string): Promise<{ ids: string[]; errors: string[] }> {
    const { page, watch } = await openReport(browser, file);
    const charts = await page.$$eval('figure[data-chart]', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg');
      const canvas = f.querySelector('canvas');
      let painted = false;
      if (canvas) {
        const ctx = canvas.getContext('2d');
        const px = ctx?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (px) for (let i = 3; i < px.length && !painted; i += 4) painted = px[i] !== 0;
      }
      return {
        id: f.getAttribute('data-chart')!, rendered: f.getAttribute('data-rendered'), error: f.getAttribute('data-error'),
        marks: svg ? svg.querySelectorAll('path, line, rect, text').length : 0, painted,
      };
    }));
    for (const c of charts) {
      expect(c.error, `chart ${c.id}`).toBeNull();
      expect(c.rendered, `chart ${c.id}`).toBe('true');
      expect(c.marks > 10 || c.painted, `chart ${c.id} drew something`).toBe(true);
    }
    expect(watch.requests).toEqual([]);
    await page.screenshot({ path: nodePath.join(screenshotDir(), shot), fullPage: true });
    await page.close();
    return { ids: charts.map((c) => c.id), errors: watch.errors };
  }

  it('renders a valid run: verdicts, every op chart, no console error, no request', async () => {
    const { ids, errors } = await chartsOf(reports.valid, 'valid.png');
    expect(errors).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['latency', 'throughput', 'quantiles', 'messages']));
    const { page } = await openReport(browser, reports.valid);
    expect(await page.textContent('header .verdict')).toBe('valid');
    expect(await page.textContent('#verdicts')).toMatch(/linearizable/);
    // Paging and filtering the history table.
    const first = await page.textContent('#history-page');
    expect(first).toMatch(/^page 1 of \d+/);
    await page.click('#history-next');
    // The table's rows are unpacked in the page on first use (a DecompressionStream, asynchronous), so
    // the next page is drawn a moment after the click: wait for it rather than read at once. The page's
    // main thread is drawing every chart meanwhile; under CI's parallel tiers that took over 10 s (2 of 5
    // runs at load 20–27), so the wait bounds a hang, not the speed (bench:report measures that).
    await page.waitForFunction(() => /^page 2 of/.test(document.getElementById('history-page')!.textContent!), undefined, { timeout: 40_000 });
    expect(await page.textContent('#history-page')).toMatch(/^page 2 of/);
    await page.selectOption('#history-filters [name=type]', 'invoke');
    await page.waitForFunction(() => /page 1 of/.test(document.getElementById('history-page')!.textContent!));
    const types = await page.$$eval('#history-table tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
    expect(types).toEqual(['invoke']);
    await page.close();
  }, 120_000);

  it('draws the counterexample of a real non-linearizable run, one lane per process', async () => {
    const { errors } = await chartsOf(reports.invalid, 'invalid.png');
    expect(errors).toEqual([]);
    const { page } = await openReport(browser, reports.invalid);
    expect(await page.textContent('header .verdict')).toBe('INVALID');
    const failure = page.locator('.lin-failure').first();
    const lanes = await failure.locator('svg.lin-timeline .lane').count();
    const processes = await failure.locator('svg.lin-timeline .lin-op').evaluateAll((gs) => {
      const lanesOf = new Set<string>();
      for (const g of gs) lanesOf.add((g.querySelector('title')!.textContent!.match(/process (\d+)/) ?? [])[1]);
      return lanesOf.size;
    });
    expect(lanes).toBeGreaterThanOrEqual(2);
    expect(lanes).toBe(processes);
    expect(await failure.locator('.lin-op.cx, .lin-op.blocking').count()).toBeGreaterThanOrEqual(2);
    expect(await failure.locator('.lin-op.blocking').count()).toBe(1);
    expect(await failure.locator('.cx-table tbody tr').count()).toBeGreaterThanOrEqual(2);
    // Clicking the op that could not be linearized pins its details.
    await failure.locator('.lin-op.blocking rect').click();
    expect(await failure.locator('.lin-detail').textContent()).toMatch(/completed before it could be linearized/);
    await failure.screenshot({ path: nodePath.join(screenshotDir(), 'invalid-counterexample.png') });
    await page.close();
  });

  it('draws every chart for a run under partition, kill, pause and clock faults', async () => {
    const { ids, errors } = await chartsOf(reports.faults, 'faults.png');
    expect(errors).toEqual([]);
    if (!HAVE_FAKETIME && !CI) console.warn(`libfaketime is not installed (${FAKETIME_LIB}): no clock faults, so no clock chart; run scripts/setup-targets.sh`);
    const want = ['clock', 'latency', 'messages', 'nemesis', 'quantiles', 'throughput'].filter((c) => c !== 'clock' || HAVE_FAKETIME || CI);
    expect(ids.sort()).toEqual(want);
    const { page } = await openReport(browser, reports.faults);
    // Fault bands are drawn in the latency chart's legend, one entry per kind that ran.
    const legend = await page.textContent('figure[data-chart="latency"]');
    for (const kind of ['partition', 'kill', 'pause']) expect(legend).toContain(kind);
    expect(await page.locator('#nemesis table.nemesis tbody tr').count()).toBeGreaterThan(4);
    expect(await page.locator('#logs details.log').count()).toBeGreaterThanOrEqual(4);
    await page.close();
  });

  it('degrades to static content without JavaScript', async () => {
    const noJs = await launch({ javaScriptEnabled: false });
    try {
      const { page } = await openReport(noJs, reports.invalid, false);
      expect(await page.textContent('header .verdict')).toBe('INVALID');
      expect(await page.locator('#verdicts table.verdicts tbody tr').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('.cx-table tbody tr').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('svg.lin-timeline .lin-op').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#history-table tbody tr').count()).toBeGreaterThan(10);
      expect(await page.isVisible('#history-filters')).toBe(false);
      expect(await page.textContent('#repro')).toMatch(/^npx faultline run .*--seed 2/);
      await page.screenshot({ path: nodePath.join(screenshotDir(), 'invalid-no-js.png'), fullPage: true });
    } finally {
      await noJs.close();
    }
  });
});
