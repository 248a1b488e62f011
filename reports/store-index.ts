/**
 * `store/index.html`: every run in the store, newest first, with its verdict, what sets it apart
 * (bug switch, environment, read mode, faults) and a link to its report, filterable by verdict,
 * target and text. Rewritten after each run; reads only test.json and results.json of each run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { runSettings, settingsText } from '../harness/ground/contracts/run-name.js';
import { tooDeep } from '../harness/ground/history/depth.js';
import nodePath from 'node:path';
import { esc } from './escape.js';
import { REPORT_CSS } from './styles.js';
import { verdictClass, verdictWord } from './summary.js';
import { writeAtomic } from './write-run.js';
import { unmarkedNote, unmarkedReason } from './store-marker.js';

/** One row of the index. */
export interface RunEntry {
  test: string;
  run: string;
  /** Path relative to the store. */
  path: string;
  started: string;
  target: string;
  workload: string;
  faults: string;
  /** What sets the run apart beyond target and workload: `bug stale-read, env docker` (harness/ground/contracts/run-name.ts). */
  settings: string;
  verdict: true | false | 'unknown' | 'incomplete';
  durationS?: number;
  ops?: number;
  hasReport: boolean;
}

function readObject(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !tooDeep(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const nameOf = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : '';

/** Directory stamps look like 20240102T030405Z (store.ts); shown as ISO when test.json has no startedAt. */
function stampToIso(stamp: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(stamp);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : '';
}

const isRunDir = (dir: string): boolean => ['test.json', 'results.json', 'history.jsonl'].some((f) => fs.existsSync(nodePath.join(dir, f)));

/** Every run in the store, newest first. Symlinks (`latest`) are skipped so no run is listed twice. */
export function listRuns(storeDir: string): RunEntry[] {
  const store = nodePath.resolve(storeDir);
  if (!fs.existsSync(store)) return [];
  const out: RunEntry[] = [];
  for (const t of fs.readdirSync(store, { withFileTypes: true })) {
    if (!t.isDirectory()) continue;
    const testDir = nodePath.join(store, t.name);
    for (const r of fs.readdirSync(testDir, { withFileTypes: true })) {
      if (!r.isDirectory()) continue;
      const dir = nodePath.join(testDir, r.name);
      if (!isRunDir(dir)) continue;
      const test = readObject(nodePath.join(dir, 'test.json')) ?? {};
      const results = readObject(nodePath.join(dir, 'results.json'));
      const v = results?.valid;
      const faults = Array.isArray(test.faults) ? (test.faults as unknown[]).map(String).join(', ') : typeof test.faults === 'string' ? test.faults : '';
      const entry: RunEntry = {
        test: t.name, run: r.name, path: `${t.name}/${r.name}`,
        started: typeof test.startedAt === 'string' ? test.startedAt : stampToIso(r.name),
        target: nameOf(test.target), workload: nameOf(test.workload), faults,
        settings: settingsText(runSettings(nameOf(test.target), isObject(test.targetFlags) ? test.targetFlags : undefined)),
        verdict: v === true || v === false || v === 'unknown' ? v : 'incomplete',
        hasReport: fs.existsSync(nodePath.join(dir, 'report.html')),
      };
      if (typeof results?.durationS === 'number') entry.durationS = results.durationS;
      if (typeof results?.ops === 'number') entry.ops = results.ops;
      out.push(entry);
    }
  }
  return out.sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : a.path < b.path ? 1 : -1));
}

const href = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** The word a row's verdict is filtered by. */
const verdictKey = (v: RunEntry['verdict']): string => (v === true ? 'valid' : v === false ? 'invalid' : v);

/**
 * The index's filter: hides the rows whose verdict, target or text do not match; the choice is kept
 * in the URL's fragment (`#verdict=invalid&target=raft`), so a filtered list can be linked to.
 */
const FILTER_JS = String.raw`
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var form = document.getElementById('run-filters');
  var rows = document.querySelectorAll('#runs tbody tr');
  var count = document.getElementById('run-count');
  var field = function (n) { return form.querySelector('[name=' + n + ']'); };
  function apply() {
    var verdict = field('verdict').value, target = field('target').value, q = field('q').value.trim().toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(rows, function (tr) {
      var ok = (!verdict || tr.getAttribute('data-verdict') === verdict) && (!target || tr.getAttribute('data-target') === target) &&
        (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' run(s) shown';
    var h = ['verdict', 'target', 'q'].filter(function (n) { return field(n).value; }).map(function (n) { return n + '=' + encodeURIComponent(field(n).value); }).join('&');
    if (('#' + h) !== location.hash && !(h === '' && location.hash === '')) history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }
  location.hash.slice(1).split('&').forEach(function (kv) {
    var i = kv.indexOf('='); if (i < 0) return;
    var el = field(kv.slice(0, i)); if (el) el.value = decodeURIComponent(kv.slice(i + 1));
  });
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  apply();
})();
`;

/** The index page's HTML. */
export function storeIndexHtml(runs: readonly RunEntry[]): string {
  const rows = runs.map((r) => {
    const verdict = r.verdict === 'incomplete' ? '<span class="verdict">incomplete</span>' : `<span class="verdict ${verdictClass(r.verdict)}">${esc(verdictWord(r.verdict))}</span>`;
    const link = r.hasReport ? `<a href="${esc(href(`${r.path}/report.html`))}">${esc(r.run)}</a>` : `${esc(r.run)} <span class="muted">(no report)</span>`;
    return `<tr class="${r.verdict === false ? 'bad' : ''}" data-verdict="${esc(verdictKey(r.verdict))}" data-target="${esc(r.target)}"><td>${esc(r.test)}</td><td>${link}</td><td>${esc(r.started)}</td><td>${esc(r.target)}</td><td>${esc(r.workload)}</td><td>${esc(r.settings)}</td><td>${esc(r.faults)}</td><td>${verdict}</td><td class="num">${r.durationS === undefined ? '' : r.durationS.toFixed(1)}</td><td class="num">${r.ops ?? ''}</td></tr>`;
  });
  const counts = { valid: runs.filter((r) => r.verdict === true).length, invalid: runs.filter((r) => r.verdict === false).length };
  const targets = [...new Set(runs.map((r) => r.target).filter((t) => t !== ''))].sort();
  const option = (v: string, label = v): string => `<option value="${esc(v)}">${esc(label)}</option>`;
  const filters = `<form id="run-filters" class="filters js-only"><label>verdict <select name="verdict">${option('', 'all')}${['valid', 'invalid', 'unknown', 'incomplete'].map((v) => option(v)).join('')}</select></label>
<label>target <select name="target">${option('', 'all')}${targets.map((t) => option(t)).join('')}</select></label>
<label>search <input name="q" size="24" placeholder="test, bug, env, faults…"></label><span id="run-count" class="muted"></span></form>`;
  const nonce = randomBytes(16).toString('base64');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'">
<title>faultline store — ${runs.length} runs</title><style>${REPORT_CSS}</style></head>
<body><header><h1>Faultline runs</h1><div>${runs.length} run(s): ${counts.valid} valid, ${counts.invalid} invalid, ${runs.length - counts.valid - counts.invalid} unknown or incomplete. Newest first.</div></header>
<main>${runs.length === 0 ? '<p class="muted">No runs in this store yet.</p>' : `${filters}<table id="runs"><thead><tr><th>test</th><th>run</th><th>started</th><th>target</th><th>workload</th><th>settings</th><th>faults</th><th>verdict</th><th class="num">duration (s)</th><th class="num">ops</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}</main>
${runs.length === 0 ? '' : `<script nonce="${nonce}">${FILTER_JS}</script>`}
</body></html>
`;
}

/**
 * Rewrites `<store>/index.html`; returns its path and the runs listed. Only into a marked store
 * (reports/store-marker.ts): anything else throws, and callers check `unmarkedReason` first.
 */
export function writeStoreIndex(storeDir: string): { file: string; runs: RunEntry[] } {
  const store = nodePath.resolve(storeDir);
  const why = unmarkedReason(store);
  if (why) throw new Error(unmarkedNote(store, why));
  const runs = listRuns(store);
  const file = nodePath.join(store, 'index.html');
  writeAtomic(file, storeIndexHtml(runs));
  return { file, runs };
}
