/**
 * #24: the report of a real stale-read run (the bundled Raft with `--bug stale-read`, recorded in
 * test/fixtures/reports/stale-read), rendered by the real CLI (`faultline report`) and opened in
 * Chromium at 1400 px: the timeline opens on the failing op, its whole label and its process label
 * in view without any scrolling of the timeline, with JavaScript and without it; the failing ops are
 * ringed on the latency chart.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_MISSING, HAVE_CHROMIUM, launch, openReport, screenshotDir, type Browser } from './browser.js';

if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING} (CI=true: this test must run)`);

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = nodePath.join(ROOT, 'test/fixtures/reports/stale-read');
const CLI = nodePath.join(ROOT, 'dist/harness/top/cli/main.js');
const VIEW = { width: 1400, height: 900 };

type Box = { x: number; y: number; width: number; height: number };
const inside = (inner: Box, outer: Box): boolean =>
  inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;

describe.skipIf(!HAVE_CHROMIUM)('#24: a real stale-read report at 1400 px opens on the failing op', () => {
  let tmp: string;
  let report: string;
  const browsers: Browser[] = [];

  beforeAll(() => {
    tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-stale-read-view-'));
    const dir = nodePath.join(tmp, 'raft-lin-kv-bug-stale-read', 'run');
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['history.jsonl', 'test.json', 'results.json']) fs.copyFileSync(nodePath.join(FIXTURE, f), nodePath.join(dir, f));
    execFileSync(process.execPath, [CLI, 'report', dir, '--no-index'], { stdio: 'pipe' });
    report = nodePath.join(dir, 'report.html');
  }, 60_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const js of [true, false]) {
    it(`shows the failing op, its whole label and its process label without scrolling the timeline (${js ? 'with' : 'without'} JavaScript)`, async () => {
      const browser = await launch({ javaScriptEnabled: js });
      browsers.push(browser);
      const { page } = await openReport(browser, report, js);
      await page.setViewportSize(VIEW);
      const failure = page.locator('.lin-failure').first();
      // Only the page scrolls (to the timeline); the timeline's own box is left as it opened.
      await failure.locator('.lin-view').scrollIntoViewIfNeeded();
      const blocking = failure.locator('.lin-op.blocking');
      const process = (await blocking.getAttribute('data-detail'))!.match(/process (\d+)/)![1];
      const label = (await blocking.getAttribute('data-detail'))!.split('\n')[0];
      const box = (await failure.locator('.scroll').boundingBox())!;
      const viewport = { x: 0, y: 0, ...VIEW };
      const op = (await blocking.locator('rect').boundingBox())!;
      const text = blocking.locator('text.label');
      expect(await text.textContent()).toBe(label);
      const textBox = (await text.boundingBox())!;
      const mark = (await blocking.locator('text.mark').boundingBox())!;
      const lane = failure.locator(`svg.lin-lanes text[data-process="${process}"]`);
      expect(await lane.textContent()).toBe(`process ${process}`);
      expect(await lane.getAttribute('class')).toContain('failing');
      const laneBox = (await lane.boundingBox())!;
      for (const [what, b] of [['failing op', op], ['its label', textBox], ['its mark', mark]] as const) {
        expect(inside(b, box), `${what} ${JSON.stringify(b)} inside the timeline's box ${JSON.stringify(box)}`).toBe(true);
        expect(inside(b, viewport), `${what} inside the 1400 px viewport`).toBe(true);
      }
      expect(inside(laneBox, viewport), `process label ${JSON.stringify(laneBox)} inside the viewport`).toBe(true);
      // The label names the failing op's lane: on the same row, left of the timeline's box.
      expect(Math.abs(laneBox.y + laneBox.height / 2 - (op.y + op.height / 2))).toBeLessThan(12);
      expect(laneBox.x + laneBox.width).toBeLessThanOrEqual(box.x);
      // The mark does not cover the label.
      expect(mark.x).toBeGreaterThanOrEqual(textBox.x + textBox.width);
      // Kept for a human to look at (test-output/ is git-ignored).
      const shot = nodePath.join(screenshotDir(), `stale-read-timeline-${js ? 'js' : 'no-js'}.png`);
      await page.screenshot({ path: shot });
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      await page.close();
    }, 60_000);
  }

  it('marks the failing ops on the latency chart with red rings, drawn in Chromium at 1400 px', async () => {
    const browser = await launch();
    browsers.push(browser);
    const { page, watch } = await openReport(browser, report);
    await page.setViewportSize(VIEW);
    const fig = page.locator('[data-chart="latency"]');
    expect(await fig.getAttribute('data-rendered')).toBe('true');
    await fig.scrollIntoViewIfNeeded();
    // The ring layer's marks (vega's SVG renderer draws each as a path with the ring's stroke).
    const rings = fig.locator('path[stroke="#c62828"]');
    const failing = JSON.parse(fs.readFileSync(nodePath.join(nodePath.dirname(report), 'results.json'), 'utf8'));
    expect(JSON.stringify(failing)).toMatch(/not linearizable|"valid":false/);
    expect(await rings.count()).toBeGreaterThan(0);
    const chartBox = (await fig.boundingBox())!;
    const ring = (await rings.first().boundingBox())!;
    expect(inside(ring, chartBox), `ring ${JSON.stringify(ring)} inside the chart ${JSON.stringify(chartBox)}`).toBe(true);
    expect(ring.x + ring.width).toBeLessThanOrEqual(VIEW.width);
    const shot = nodePath.join(screenshotDir(), 'stale-read-latency.png');
    await fig.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(5_000);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('takes a history index link to its row, paging the history table there', async () => {
    const browser = await launch();
    browsers.push(browser);
    const { page, watch } = await openReport(browser, report);
    await page.setViewportSize(VIEW);
    // The failing op's invocation, far past the first page of 100 rows.
    const link = page.locator('.lin-failure').first().locator('p a.op-link').first();
    const index = Number(await link.textContent());
    expect(index).toBeGreaterThan(100);
    await link.click();
    const row = page.locator(`#history-table tr#op-${index}`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('marked');
    expect(await row.locator('td').first().textContent()).toMatch(new RegExp(`^${index}( ✗)?$`)); // a failing op's row carries its mark
    expect(page.url()).toMatch(new RegExp(`#op-${index}$`));
    const box = (await row.boundingBox())!;
    expect(box.y >= 0 && box.y + box.height <= VIEW.height).toBe(true);
    expect(await page.textContent('#history-page')).toMatch(new RegExp(`^page ${Math.floor(index / 100) + 1} of`));
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 60_000);
});
