/**
 * #24: the store index in Chromium, filtered by verdict and target: an INVALID bug-switch run no
 * longer hides among valid rows of the same target, and a filtered list can be linked to.
 */
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import { writeStoreIndex } from '../../../reports/store-index.js';
import { markStore } from '../../../reports/store-marker.js';
import { HistoryBuilder, cleanup, staleReadHistory, tempDir, writeRun } from '../../unit/reports/fixture-run.js';
import { CHROMIUM_MISSING, HAVE_CHROMIUM, launch, openReport, type Browser } from './browser.js';

if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING} (CI=true: this test must run)`);

const valid = (): Op[] => new HistoryBuilder().call(0, 'write', 1).ret(0, 'ok').call(0, 'read', null).ret(0, 'ok', 1).ops;

describe.skipIf(!HAVE_CHROMIUM)('#24: the store index filters by verdict and target', () => {
  let index: string;
  let browser: Browser;

  beforeAll(async () => {
    const store = tempDir('index-filter');
    const run = (test: string, stamp: string, history: Op[], extra: Record<string, unknown>): Promise<string> =>
      writeRun(nodePath.join(store, test, stamp), history, { test: { name: test, startedAt: `${stamp.slice(0, 10)}T00:00:00Z`, ...extra } });
    await run('raft-lin-kv', '2025-01-01T000000Z', valid(), { target: 'raft' });
    await run('raft-lin-kv-bug-stale-read', '2025-01-02T000000Z', staleReadHistory(), { target: 'raft', targetFlags: { bug: ['stale-read'] } });
    await run('raft-lin-kv', '2025-01-03T000000Z', valid(), { target: 'raft' });
    await run('etcd-register', '2025-01-04T000000Z', valid(), { target: 'etcd', targetFlags: { env: 'docker' } });
    markStore(store);
    index = writeStoreIndex(store).file;
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    cleanup();
  });

  const visible = (page: import('playwright-core').Page): Promise<string[]> =>
    page.$$eval('#runs tbody tr', (trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => tr.querySelector('td')!.textContent!));

  it('shows only the rows that match, and says how many', async () => {
    const { page, watch } = await openReport(browser, index, false);
    expect(await visible(page)).toHaveLength(4);
    await page.selectOption('#run-filters [name=verdict]', 'invalid');
    expect(await visible(page)).toEqual(['raft-lin-kv-bug-stale-read']);
    await page.selectOption('#run-filters [name=verdict]', 'valid');
    await page.selectOption('#run-filters [name=target]', 'raft');
    expect(await visible(page)).toEqual(['raft-lin-kv', 'raft-lin-kv']);
    expect(await page.textContent('#run-count')).toBe('2 of 4 run(s) shown');
    await page.selectOption('#run-filters [name=target]', '');
    await page.selectOption('#run-filters [name=verdict]', '');
    await page.fill('#run-filters [name=q]', 'docker');
    expect(await visible(page)).toEqual(['etcd-register']);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('opens filtered from the URL fragment', async () => {
    const page = await browser.context.newPage();
    await page.goto(`file://${index}#verdict=invalid&target=raft`);
    expect(await visible(page)).toEqual(['raft-lin-kv-bug-stale-read']);
    expect(await page.inputValue('#run-filters [name=verdict]')).toBe('invalid');
    await page.close();
  });
});
