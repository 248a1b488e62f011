/**
 * Markup in a run's data stays text. A history whose values, keys, node names, test name, checker
 * results and logs hold `<script>`, quotes and `</script>` is rendered, opened in Chromium, and no
 * injected script or handler runs — also with the page's CSP removed, so escaping alone is proven.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSet } from '../../../checkers/set.js';
import { writeRunReports } from '../../../reports/index.js';
import { HistoryBuilder, cleanup, tempDir, writeRun } from '../../unit/reports/fixture-run.js';
import { CHROMIUM_MISSING, HAVE_CHROMIUM, launch, openReport, screenshotDir, type Browser } from './browser.js';

if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING} (CI=true: this test must run)`);

const P = [
  '<script>window.__pwned = 1</script>',
  '</script><script>window.__pwned = 2</script>',
  '"><img src=x onerror="window.__pwned = 3">',
  "'><svg onload='window.__pwned = 4'></svg>",
  '<!--<script>window.__pwned = 5</script>-->',
  '</textarea></title></style><script>window.__pwned = 6</script>',
];

describe.skipIf(!HAVE_CHROMIUM)(`hostile data in report.html${HAVE_CHROMIUM ? '' : ` (skipped: ${CHROMIUM_MISSING})`}`, () => {
  let browser: Browser;
  let report: string;

  beforeAll(async () => {
    const b = new HistoryBuilder();
    // A register per hostile key: write one payload, read another that was never written (invalid).
    P.forEach((p, i) => {
      b.call(0, 'write', p, { key: p, node: P[(i + 1) % P.length] }).ret(0, 'ok', p, { node: P[(i + 1) % P.length] });
      b.call(1, 'read', null, { key: p }).ret(1, 'ok', P[(i + 2) % P.length], { error: P[(i + 3) % P.length] });
    });
    b.call('nemesis', 'start-partition', P[0]).ret('nemesis', 'info', { grudge: { [P[1]]: [P[2]] } });
    const sets = new HistoryBuilder().call(2, 'add', P[1]).ret(2, 'ok').call(3, 'read', { final: true }).ret(3, 'ok', [P[2]]).ops;
    const dir = await writeRun(nodePath.join(tempDir('xss'), 't', 'r'), b.ops, {
      test: { name: P[1], workload: P[0], seed: P[2], command: `faultline run --name '${P[1]}'` },
      extra: { [P[5]]: { ...checkSet(sets), reason: P[3] } },
    });
    fs.writeFileSync(nodePath.join(dir, 'harness.log'), P.join('\n'));
    fs.writeFileSync(nodePath.join(dir, 'nodes', `${P[2]}.log`), P.join('\n'));
    // A journal whose endpoints, types and bodies are the payloads, for the message diagram.
    fs.writeFileSync(nodePath.join(dir, 'messages.jsonl'), P.map((p, i) => JSON.stringify({
      id: i, time: i * 1e6, src: p, dest: P[(i + 1) % P.length], type: P[(i + 2) % P.length], body: { type: p, text: P[(i + 3) % P.length] }, deliverAt: i * 1e6 + 5e5,
    })).join('\n') + '\n');
    report = (await writeRunReports(dir)).report;
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    cleanup();
  });

  async function check(file: string, shot: string): Promise<void> {
    const { page, watch } = await openReport(browser, file);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(watch.errors).toEqual([]);
    expect(watch.requests).toEqual([]);
    // Exactly our scripts (data, packed history, the journal's meta and its one packed chunk, vega,
    // diagram, viewer); no element carries a handler; no image was made.
    expect(await page.locator('script').count()).toBe(7);
    expect(await page.locator('script#faultline-messages-0').count()).toBe(1);
    expect(await page.locator('[onerror], [onload], img').count()).toBe(0);
    // The payloads are on the page as text: in the title, the verdict table, the counterexample, logs.
    expect(await page.title()).toContain(P[1]);
    const text = await page.evaluate(() => document.body.innerText);
    for (const p of P) expect(text).toContain(p);
    await page.fill('#history-filters [name=q]', 'onerror');
    await page.waitForFunction(() => /of \d+ ops/.test(document.getElementById('history-page')!.textContent!) && !/\((\d+) of \1 ops/.test(document.getElementById('history-page')!.textContent!));
    expect(await page.locator('#history-table tbody').innerText()).toContain(P[2]);
    // The diagram drew every payload as text, and a message's body shows as text.
    expect(await page.locator('#diagram g.msg').count()).toBe(P.length);
    const diagram = await page.locator('#diagram').innerHTML();
    expect(diagram).not.toContain('<script');
    await page.locator('#diagram g.msg[data-i="1"] line.hit').click({ force: true });
    expect(await page.locator('#diagram-body').textContent()).toContain(P[4].replace(/"/g, '\\"'));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: nodePath.join(screenshotDir(), shot), fullPage: true });
    await page.close();
  }

  it('shows every payload as text and runs none of them', async () => {
    await check(report, 'escaping.png');
  });

  it('runs none of them even without the CSP (escaping alone holds)', async () => {
    const html = fs.readFileSync(report, 'utf8');
    const noCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(noCsp).not.toContain('Content-Security-Policy');
    const file = nodePath.join(nodePath.dirname(report), 'report-no-csp.html');
    fs.writeFileSync(file, noCsp);
    await check(file, 'escaping-no-csp.png');
  });
});
