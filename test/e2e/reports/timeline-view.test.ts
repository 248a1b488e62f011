/**
 * #17: in Chromium at 1400 px, the counterexample timeline of a wide failure opens with the op that
 * cannot be linearized in view, with JavaScript and without it.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunReports } from '../../../reports/index.js';
import { HistoryBuilder, tempDir, writeRun } from '../../unit/reports/fixture-run.js';
import { CHROMIUM_MISSING, HAVE_CHROMIUM, launch, openReport, type Browser } from './browser.js';

if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING} (CI=true: this test must run)`);

const browsers: Browser[] = [];
afterAll(async () => { for (const b of browsers) await b.close(); });

async function wideReport(): Promise<string> {
  const b = new HistoryBuilder();
  for (let i = 0; i < 30; i++) b.call(i % 4, 'write', i).call((i % 4) + 4, 'write', 100 + i).ret(i % 4, 'ok').ret((i % 4) + 4, 'ok');
  b.call(9, 'read', null).ret(9, 'ok', 0);
  const dir = await writeRun(nodePath.join(tempDir('wide-e2e'), 't', 'r1'), b.ops);
  return (await writeRunReports(dir)).report;
}

describe.skipIf(!HAVE_CHROMIUM)('the counterexample timeline in Chromium at 1400 px', () => {
  for (const js of [true, false]) {
    it(`shows the failing op when the section opens (${js ? 'with' : 'without'} JavaScript)`, async () => {
      const file = await wideReport();
      const browser = await launch({ javaScriptEnabled: js });
      browsers.push(browser);
      const { page } = await openReport(browser, file, js);
      await page.setViewportSize({ width: 1400, height: 900 });
      const section = page.locator('.lin-failure').first();
      await section.scrollIntoViewIfNeeded();
      const box = await page.locator('.lin-failure .scroll').first().boundingBox();
      const op = await page.locator('.lin-op.blocking rect').first().boundingBox();
      expect(box && op).toBeTruthy();
      expect(op!.x).toBeGreaterThanOrEqual(box!.x);
      expect(op!.x + op!.width).toBeLessThanOrEqual(box!.x + box!.width);
      expect(op!.x + op!.width).toBeLessThanOrEqual(1400);
      fs.rmSync(nodePath.dirname(file), { recursive: true, force: true });
    }, 60_000);
  }
});
