/**
 * #24: lock overlaps, nemesis results and other record lists as tables (not raw JSON), with every
 * history index a link to its row in the report's history table.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLock } from '../../../checkers/lock.js';
import { writeRunReports } from '../../../reports/index.js';
import { recordsTable } from '../../../reports/record-table.js';
import { HistoryBuilder, cleanup, staleReadHistory, tempDir, writeRun } from './fixture-run.js';

afterEach(cleanup);

const link = (i: number): string => `<a class="op-link" href="#op-${i}">${i}</a>`;

describe('record tables in the report', () => {
  it('shows lock overlaps as columns of both holders, their history indices as links; a counter value is not one', async () => {
    // Processes 0 and 1 both hold the lock (indices 1 and 3), and both updates read 0: a lost update.
    const h = new HistoryBuilder()
      .call(0, 'acquire', null).ret(0, 'ok')
      .call(1, 'acquire', null).ret(1, 'ok')
      .call(0, 'update', null).ret(0, 'ok', { read: 0, wrote: 1 })
      .call(1, 'update', null).ret(1, 'ok', { read: 0, wrote: 1 })
      .call(0, 'release', null).ret(0, 'ok')
      .call(1, 'release', null).ret(1, 'ok').ops;
    const lock = checkLock(h);
    expect(lock.overlaps.count).toBe(1);
    const dir = await writeRun(nodePath.join(tempDir('lock'), 't', 'r'), h, { lin: false, extra: { lock } });
    const html = fs.readFileSync((await writeRunReports(dir)).report, 'utf8');
    const section = html.slice(html.indexOf('<h4 class="anomaly">overlaps: 1</h4>'));
    expect(section).toMatch(/^<h4 class="anomaly">overlaps: 1<\/h4><table><thead><tr><th>first process<\/th><th>first acquired<\/th><th>first released<\/th><th>first release invoked<\/th><th>second process<\/th><th>second acquired<\/th>/);
    expect(section).toContain(`<tr><td>0</td><td>${link(1)}</td><td>${link(8)}</td><td>true</td><td>1</td><td>${link(3)}</td><td>${link(10)}</td>`);
    expect(section).not.toMatch(/\{&quot;process&quot;/);
    // Lost updates: the read is a counter value (no link); the updates' indices are links.
    expect(html).toContain(`<h4 class="anomaly">lost updates: 1</h4><table><thead><tr><th>read</th><th>indices</th></tr></thead><tbody><tr><td>0</td><td>${link(5)}, ${link(7)}</td></tr>`);
  });

  it('shows nemesis results as tables and links each nemesis op, counterexample op and history row', async () => {
    const dir = await writeRun(nodePath.join(tempDir('nemesis'), 't', 'r'), staleReadHistory('k1'));
    const html = fs.readFileSync((await writeRunReports(dir)).report, 'utf8');
    const nemesis = html.slice(html.indexOf('<section id="nemesis">'), html.indexOf('<section id="logs">'));
    expect(nemesis).toContain('<th>result</th><th>invoked</th><th>completed</th>');
    expect(nemesis).toContain(`<td><table class="kv-mini"><tbody><tr><th>grudge</th><td><table class="kv-mini"><tbody><tr><th>n0</th><td>n1</td></tr></tbody></table></td></tr></tbody></table></td><td>${link(4)}</td><td>${link(5)}</td>`);
    expect(nemesis).not.toContain('{&quot;grudge&quot;');
    // The counterexample's history indices, and the rows they lead to.
    expect(html).toMatch(new RegExp(`<table class="cx-table">.*?<td>${link(6)}–${link(7)}</td>`));
    expect(html).toContain(`(process 2, index ${link(6)}–${link(7)}) completed`);
    expect(html).toMatch(/<tr id="op-6"[^>]*><td class="num">6( ✗)?<\/td>/);
  });

  it('is generic over record lists: a kind declares which fields are history indices', () => {
    // A watch record, as a later workload may add: its revision is not a history index, its index is.
    const html = recordsTable([{ process: 3, watch: { revision: 5, index: 12 } }], { historyFields: new Set(['index']) });
    expect(html).toBe(`<table><thead><tr><th>process</th><th>watch revision</th><th>watch index</th></tr></thead><tbody><tr><td>3</td><td>5</td><td>${link(12)}</td></tr></tbody></table>`);
  });
});
