/**
 * The message diagram (issue 32) in Chromium: a 100,000-message run's report draws its first window,
 * pages to its last, shows a message's body on click and a dropped message as dropped; and a small
 * invalid run's report jumps to the window of its failing op and marks the op's time.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReports } from '../../../reports/index.js';
import { writeBigRun } from '../../../bench/report-fixture.js';
import { staleReadHistory, tempDir, writeRun, cleanup } from '../../unit/reports/fixture-run.js';
import { CHROMIUM_MISSING, HAVE_CHROMIUM, launch, openReport, type Browser } from './browser.js';

if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING} (CI=true: this test must run)`);

let browser: Browser;
beforeAll(async () => { if (HAVE_CHROMIUM) browser = await launch(); });
afterAll(async () => { await browser?.close(); cleanup(); });

describe.skipIf(!HAVE_CHROMIUM)('the message diagram in Chromium', () => {
  it('draws a 100,000-message run window by window, to its last, with bodies on click', async () => {
    const tmp = tempDir('diagram-big');
    const run = await writeBigRun(tmp, 20_000, 100_000);
    const { report } = await writeRunReports(run.dir);
    const { page, watch } = await openReport(browser, report);
    const label = page.locator('#diagram-page');
    expect(await label.textContent()).toMatch(/^window 1 of 1000: lines 1–100 of 100000, /);
    expect(await page.locator('#diagram g.msg').count()).toBe(100);
    // Every node, the lin-kv service and the 10 clients that send (c0, c2, … c18) have a column.
    expect(await page.locator('#diagram text.endpoint').count()).toBe(3 + 1 + 10);

    await page.click('#diagram-last');
    await page.waitForSelector('#diagram[data-window="1000"]');
    expect(await label.textContent()).toMatch(/^window 1000 of 1000: lines 99901–100000 of 100000, /);
    const last = page.locator('#diagram g.msg[data-i="99999"]');
    expect(await last.count()).toBe(1);
    await last.locator('line.hit').click({ force: true });
    const body = await page.locator('#diagram-body').textContent();
    expect(body).toMatch(/^message 99999 \(line 100000\): n0 → lin-kv, sent [\d.]+ s, delivered [\d.]+ s\n/);
    expect(JSON.parse(body!.slice(body!.indexOf('\n') + 1))).toEqual({ type: 'write', key: 1, value: 2, msg_id: 99999 });
    // Message 99813 (odd, 97 × 1029) was dropped by a partition: drawn as dropped, said so.
    await page.click('#diagram-prev');
    await page.waitForSelector('#diagram[data-window="999"]');
    const dropped = page.locator('#diagram g.msg[data-i="99813"]');
    expect(await dropped.getAttribute('class')).toContain('dropped');
    await dropped.locator('line.hit').click({ force: true });
    expect(await page.locator('#diagram-body').textContent()).toMatch(/^message 99813 \(line 99814\): n0 → lin-kv, sent [\d.]+ s, dropped \(partition\)/);
    // A jump to a time in the middle lands in a chunk the page has not unpacked yet (the journal is
    // embedded in chunks of 10,000 lines): its window is the one this test finds in messages.jsonl.
    const times = fs.readFileSync(nodePath.join(run.dir, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { time: number }).time);
    const s = (times[54_320] + times[54_321]) / 2 / 1e9;
    const first = times.findIndex((t) => t / 1e3 >= s * 1e6);
    expect(first).toBe(54_321);
    await page.fill('#diagram-time', String(s));
    await page.dispatchEvent('#diagram-time', 'change');
    await page.waitForSelector(`#diagram[data-window="${Math.floor(first / 100) + 1}"]`);
    expect(await label.textContent()).toMatch(/^window 544 of 1000: lines 54301–54400 of 100000, /);
    expect(await page.locator(`#diagram g.msg[data-i="${first}"]`).count()).toBe(1);
    expect(watch.errors).toEqual([]);
    expect(watch.requests).toEqual([]);
    await page.close();
  }, 180_000);

  it('jumps to the window of the failing op and marks its time', async () => {
    const dir = await writeRun(nodePath.join(tempDir('diagram-fail'), 't', 'r1'), staleReadHistory('k1'));
    // 1,000 messages 10 µs apart over the history's 10 ms; the stale read is invoked at 6 ms.
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = i * 10_000;
      lines.push(JSON.stringify({ id: i, time: t, src: `c${i % 3}`, dest: `n${i % 3}`, type: 'read', body: { type: 'read', key: 'k1', msg_id: i }, deliverAt: t + 5_000 }));
    }
    fs.writeFileSync(nodePath.join(dir, 'messages.jsonl'), lines.join('\n') + '\n');
    const { report } = await writeRunReports(dir);
    const { page, watch } = await openReport(browser, report);
    expect(await page.locator('#diagram-page').textContent()).toMatch(/^window 1 of 10: /);
    await page.click('#diagram-failing');
    await page.waitForSelector('#diagram[data-window="7"]');
    expect(await page.locator('#diagram line.op-mark').count()).toBe(1);
    expect(await page.locator('#diagram text.op-mark-label').textContent()).toMatch(/^op 6: /);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 60_000);
});
