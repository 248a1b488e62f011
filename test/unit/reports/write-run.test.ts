/**
 * writeRunReports on the run directories a run can leave: complete, invalid, without results
 * (crashed), with a torn history line, empty; plus JUnit, the reporters and the store index.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSet } from '../../../checkers/set.js';
import type { RunResults } from '../../../harness/ground/contracts/run-contract.js';
import { REPORTERS, listRuns, writeRunReports, writeStoreIndex } from '../../../reports/index.js';
import { markStore } from '../../../reports/store-marker.js';
import { embedLog } from '../../../reports/run-data.js';
import { HistoryBuilder, cleanup, staleReadHistory, tempDir, writeRun } from './fixture-run.js';

afterEach(cleanup);

const read = (f: string): string => fs.readFileSync(f, 'utf8');
const dataOf = (html: string): { results: RunResults | null; history: { total: number; ops: unknown[][] }; warnings: string[] } => {
  const m = /<script type="application\/json" id="faultline-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(m![1]);
};

describe('writeRunReports', () => {
  it('renders an invalid run: verdicts, the counterexample server-side, embedded data, JUnit failure', async () => {
    const dir = await writeRun(nodePath.join(tempDir('invalid'), 't', 'r1'), staleReadHistory('k1'));
    const w = await writeRunReports(dir);
    const html = read(w.report);
    expect(w.warnings).toEqual([]);
    expect(html).toContain('<span class="verdict bad">INVALID</span>');
    expect(html).toMatch(/<svg class="lin-timeline"/);
    expect(html.match(/class="lin-op cx"/g)?.length).toBeGreaterThanOrEqual(1);
    expect(html.match(/class="lin-op blocking"/g)).toHaveLength(1);
    expect(html.match(/<g class="lane"/g)).toHaveLength(3);
    expect(html).toContain('<table class="cx-table">');
    // Self-contained: no src/href to anything but in-page anchors, vega inlined, strict CSP.
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).toContain("default-src 'none'");
    expect(html.length).toBeGreaterThan(300_000);
    const data = dataOf(html);
    expect(data.results?.valid).toBe(false);
    expect(data.history.total).toBe(10);
    const junit = read(w.junit);
    expect(junit).toMatch(/<testsuite name="fixture" tests="2" failures="1" errors="0"/);
    expect(junit).toMatch(/<testcase classname="faultline.fixture" name="linearizable"><failure message="not linearizable: 1 of 1 key failed \(key k1: read\[&quot;k1&quot;\]\(\) → 1 by process 2 could not be linearized\)" type="invalid">linearizable \(model cas-register\): NOT linearizable/);
    expect(junit).toMatch(/<testcase classname="faultline.fixture" name="stats"><\/testcase>/);
  });

  it('renders a crashed run (no results.json, a torn last history line) with warnings and a JUnit error', async () => {
    const dir = await writeRun(nodePath.join(tempDir('crashed'), 't', 'r1'), staleReadHistory(), { results: false });
    fs.appendFileSync(nodePath.join(dir, 'history.jsonl'), '{"index":10,"time":1');
    fs.writeFileSync(nodePath.join(dir, 'harness.log'), 'setting up\n');
    const w = await writeRunReports(dir);
    expect(w.warnings).toEqual(expect.arrayContaining([
      'results.json is missing', expect.stringMatching(/did not finish/), expect.stringMatching(/^history.jsonl:\d+: the last line is cut off .* and was left out$/),
    ]));
    const html = read(w.report);
    expect(html).toContain('id="warnings"');
    expect(html).toMatch(/<tr data-f="write"><td>write<\/td><td class="num">2<\/td><td class="num">2<\/td>/);
    expect(read(w.junit)).toMatch(/<testcase classname="faultline.fixture" name="run"><error message="results.json is missing: the run did not finish" type="run"\/>/);
  });

  it('renders an empty directory and an interrupted run without throwing', async () => {
    const empty = tempDir('empty');
    const w = await writeRunReports(empty);
    expect(read(w.report)).toContain('history.jsonl is missing');
    const dir = await writeRun(nodePath.join(tempDir('int'), 't', 'r'), new HistoryBuilder().call(0, 'write', 1).ret(0, 'ok').ops);
    const res = JSON.parse(read(nodePath.join(dir, 'results.json')));
    fs.writeFileSync(nodePath.join(dir, 'results.json'), JSON.stringify({ ...res, valid: 'unknown', interrupted: 'SIGINT' }));
    const w2 = await writeRunReports(dir);
    expect(read(w2.report)).toContain('interrupted by SIGINT');
    expect(read(w2.junit)).toMatch(/name="run"><error message="the run was interrupted by SIGINT"/);
  });

  it('renders set anomalies as tables of their examples', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).ret(0, 'ok').call(1, 'add', 2).ret(1, 'ok')
      .call(2, 'read', { final: true }).ret(2, 'ok', [1, 9]).ops;
    const dir = await writeRun(nodePath.join(tempDir('set'), 't', 'r'), h, { lin: false, extra: { set: checkSet(h) } });
    const html = read((await writeRunReports(dir)).report);
    expect(html).toMatch(/<h4 class="anomaly">lost: 1<\/h4><table><thead><tr><th>element<\/th><th>added<\/th><th>missing from<\/th>/);
    expect(html).toMatch(/<h4 class="anomaly">unexpected: 1<\/h4>/);
  });

  it('cuts a huge log to its head and tail with a note', () => {
    const file = nodePath.join(tempDir('log'), 'n0.log');
    fs.writeFileSync(file, `${'a'.repeat(5000)}MIDDLE${'z'.repeat(5000)}`);
    const log = embedLog(file, 'n0.log', 1000);
    expect(log.text.startsWith('a'.repeat(500))).toBe(true);
    expect(log.text.endsWith('z'.repeat(500))).toBe(true);
    expect(log.text).not.toContain('MIDDLE');
    expect(log.omitted).toBe(10006 - 1000);
  });
});

describe('reporters and the store index', () => {
  it('json, junit and text reporters render the same results', async () => {
    const dir = await writeRun(nodePath.join(tempDir('rep'), 't', 'r'), staleReadHistory());
    const results = JSON.parse(read(nodePath.join(dir, 'results.json'))) as RunResults;
    expect(Object.keys(REPORTERS).sort()).toEqual(['json', 'junit', 'text']);
    expect(JSON.parse(REPORTERS.json(dir, results))).toEqual(results);
    expect(REPORTERS.junit(dir, results)).toMatch(/failures="1"/);
    const text = REPORTERS.text(dir, results);
    expect(text).toMatch(/^fixture: INVALID, 10 ops, 1.5 s/);
    expect(text).toMatch(/linearizable: INVALID — not linearizable/);
    expect(text).toMatch(/minimal counterexample, 3 ops/);
  });

  it('lists runs newest first, once each (the latest symlinks are skipped), linking their reports', async () => {
    const store = tempDir('store');
    const older = await writeRun(nodePath.join(store, 'a', '2025-01-01T000000Z'), staleReadHistory(), { test: { name: 'a', startedAt: '2025-01-01T00:00:00Z' } });
    const newer = await writeRun(nodePath.join(store, 'b', '2025-02-01T000000Z'), new HistoryBuilder().call(0, 'write', 1).ret(0, 'ok').call(0, 'read', null).ret(0, 'ok', 1).ops,
      { test: { name: 'b', startedAt: '2025-02-01T00:00:00Z', faults: ['kill', 'pause'] } });
    fs.mkdirSync(nodePath.join(store, 'c', 'crashed'), { recursive: true });
    fs.writeFileSync(nodePath.join(store, 'c', 'crashed', 'history.jsonl'), '');
    fs.symlinkSync(newer, nodePath.join(store, 'latest'));
    fs.symlinkSync(older, nodePath.join(store, 'a', 'latest'));
    await writeRunReports(older);
    markStore(store);
    const { file, runs } = writeStoreIndex(store);
    expect(runs.map((r) => [r.path, r.verdict])).toEqual([['b/2025-02-01T000000Z', true], ['a/2025-01-01T000000Z', false], ['c/crashed', 'incomplete']]);
    expect(listRuns(store)[0].faults).toBe('kill, pause');
    const html = read(file);
    expect(html).toContain('<a href="a/2025-01-01T000000Z/report.html">2025-01-01T000000Z</a>');
    expect(html).toContain('2025-02-01T000000Z <span class="muted">(no report)</span>');
  });
});

describe('#18: the replay command', () => {
  it('is runnable after npm ci: npx faultline run …', async () => {
    const { reproCommand } = await import('../../../reports/sections.js');
    expect(reproCommand({ command: 'faultline run --seed 2' }).command).toBe('npx faultline run --seed 2');
    expect(reproCommand({ argv: ['faultline', 'run', '--seed', '2'] }).command).toBe('npx faultline run --seed 2');
    expect(reproCommand({ name: 't', seed: 2 }).command).toMatch(/^npx faultline run /);
  });
});

describe('#17: the counterexample timeline opens with the failing op in view', () => {
  it('a wide timeline opens at its end, where the failing op is, and its label is whole', async () => {
    // Many overlapping writes, then a read of a value overwritten long ago: a wide timeline.
    const b = new HistoryBuilder();
    for (let i = 0; i < 30; i++) b.call(i % 4, 'write', i).call((i % 4) + 4, 'write', 100 + i).ret(i % 4, 'ok').ret((i % 4) + 4, 'ok');
    b.call(9, 'read', null).ret(9, 'ok', 0);
    const dir = await writeRun(nodePath.join(tempDir('wide'), 't', 'r1'), b.ops);
    const w = await writeRunReports(dir);
    const html = read(w.report);
    const m = /<div class="scroll( scroll-end)?"(?: data-blocking-right="(\d+)")?><svg class="lin-timeline"[^>]* width="(\d+)"/.exec(html);
    expect(m).not.toBeNull();
    const width = Number(m![3]);
    expect(width).toBeGreaterThan(1400);
    // Opened at the end (CSS: direction rtl), the view shows the last ~1,100 px, which hold the failing op.
    expect(m![1]).toBe(' scroll-end');
    expect(html).toMatch(/\.scroll-end \{ direction: rtl; \}/);
    expect(width - Number(m![2])).toBeLessThan(1100);
    // Its label is drawn whole.
    const blocking = /<g class="lin-op blocking[^"]*"[^>]*>[\s\S]*?<rect x="([\d.]+)"[^>]*\/><text class="label" x="[\d.]+" y="[\d.]+">([^<]*)<\/text>(?:<text class="state"[^>]*>[^<]*<\/text>)?<text class="mark" x="([\d.]+)"/.exec(html);
    expect(blocking?.[2]).toBe('read() → 0');
    // #24: its ✗ comes after the whole label (6.2 px a character at most), not over its end.
    expect(Number(blocking![3])).toBeGreaterThanOrEqual(Number(blocking![1]) + 3 + 'read() → 0'.length * 6.2);
    // #24: the lane labels are a column of their own beside the scrolling box, so they stay in view.
    expect(html).toMatch(/<div class="lin-view"><svg class="lin-lanes"[^>]*>(<text class="lane-label[^"]*" data-process="\d+"[^>]*>process \d+<\/text>)+<\/svg><div class="scroll scroll-end"/);
    expect(html).toMatch(/<text class="lane-label failing" data-process="9"/);
  });
});
