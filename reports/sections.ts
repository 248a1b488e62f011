/**
 * The static (server-rendered) sections of the report: everything here reads without JavaScript.
 */
import { diskOutcomeLines, type DiskFaultOutcome } from '../harness/middle/faults/disk/disk-outcome.js';
import type { CheckResult } from '../checkers/contract.js';
import type { Analysis } from './analysis.js';
import { latencyTable } from './analysis.js';
import { esc, show, bytes } from './escape.js';
import type { EmbeddedLog, RunData } from './run-data.js';
import { summarizeChecker, verdictClass, verdictWord } from './summary.js';
import { historyFieldsOf, opLink, recordsTable } from './record-table.js';

/** Rows of the history table rendered server-side (the first page, for readers without JavaScript). */
export const STATIC_HISTORY_ROWS = 100;

/** A verdict badge. */
export const badge = (v: unknown): string => `<span class="verdict ${verdictClass(v)}">${esc(verdictWord(v))}</span>`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checker results by name; a composed result is opened up into `name/sub` entries. */
export function flatCheckers(checkers: unknown): [string, CheckResult][] {
  if (!isRecord(checkers)) return [];
  const out: [string, CheckResult][] = [];
  for (const [name, r] of Object.entries(checkers)) {
    if (!isRecord(r)) continue;
    if (r.checker === 'compose' && isRecord(r.results)) {
      for (const [sub, s] of flatCheckers(r.results)) out.push([`${name}/${sub}`, s]);
    } else out.push([name, r as CheckResult]);
  }
  return out;
}

/** Verdict per checker, where the first anomaly falls against the faults, unsupported faults, and op counts per f. */
export function verdictSection(run: RunData, a: Analysis, firstAnomaly?: string): string {
  const r = run.results;
  const out: string[] = ['<section id="verdicts"><h2>Verdicts</h2>'];
  const checkers = flatCheckers(r?.checkers);
  if (checkers.length === 0) out.push(`<p class="warn">${r ? 'No checker ran (the run ended before its history could be checked).' : 'No verdicts: results.json is missing.'}</p>`);
  else {
    out.push('<table class="verdicts"><thead><tr><th>checker</th><th>verdict</th><th>summary</th></tr></thead><tbody>');
    for (const [name, c] of checkers) {
      out.push(`<tr class="${c.valid === false ? 'bad' : ''}" data-checker="${esc(name)}"><td><a href="#checker-${esc(encodeURIComponent(name))}">${esc(name)}</a></td><td>${badge(c.valid)}</td><td>${esc(summarizeChecker(name, c))}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  if (firstAnomaly) out.push(`<p id="first-anomaly" class="bad-note">${esc(firstAnomaly)}</p>`);
  if (r?.interrupted) out.push(`<p class="warn">The run was interrupted by ${esc(r.interrupted)}; the history up to then was checked.</p>`);
  if (r?.error) out.push(`<p class="error">The run failed: ${esc(r.error)}</p>`);
  const unsupported = Array.isArray(r?.unsupportedFaults) ? r!.unsupportedFaults! : [];
  if (unsupported.length > 0) {
    out.push(`<h3>Faults the target could not take</h3><ul>${unsupported.map((u) => `<li><b>${esc(u.fault)}</b>: ${esc(String(u.reason).startsWith(`${u.fault}:`) ? String(u.reason).slice(u.fault.length + 1).trim() : u.reason)}</li>`).join('')}</ul>`);
  }
  // Per disk fault, what the store did with the damage (harness/middle/faults/disk/disk-outcome.ts).
  if (r?.disk && typeof r.disk === 'object') {
    const lines = diskOutcomeLines(r.disk as Record<string, DiskFaultOutcome>);
    out.push(`<h3>Disk faults: what the nodes did</h3><ul id="disk-outcome">${lines.map((l) => `<li${l.includes('served wrong data') ? ' class="bad"' : ''}>${esc(l)}</li>`).join('')}</ul>`);
  }
  out.push(coverageOverTime(r));
  out.push('<h3>Client ops per f</h3><table class="counts"><thead><tr><th>f</th><th class="num">invoked</th><th class="num">ok</th><th class="num">fail</th><th class="num">info</th><th class="num">never completed</th></tr></thead><tbody>');
  const total = { invoke: 0, ok: 0, fail: 0, info: 0, pending: 0 };
  for (const c of a.counts) {
    for (const k of ['invoke', 'ok', 'fail', 'info', 'pending'] as const) total[k] += c[k];
    out.push(`<tr data-f="${esc(c.f)}"><td>${esc(c.f)}</td><td class="num">${c.invoke}</td><td class="num">${c.ok}</td><td class="num">${c.fail}</td><td class="num">${c.info}</td><td class="num">${c.pending}</td></tr>`);
  }
  out.push(`<tr><th>all</th><th class="num">${total.invoke}</th><th class="num">${total.ok}</th><th class="num">${total.fail}</th><th class="num">${total.info}</th><th class="num">${total.pending}</th></tr></tbody></table>`);
  out.push(`<p class="muted">${a.nemesis.length} nemesis op(s).</p>`);
  // What the target added to results.json (message stats, crashes, clock offsets): shown as is.
  const known = new Set(['valid', 'checkers', 'unsupportedFaults', 'disk', 'interrupted', 'error', 'ops', 'durationS', 'stateCoverage', 'auto']);
  const extra = Object.entries(r ?? {}).filter(([k, v]) => !known.has(k) && v !== undefined);
  if (extra.length > 0) {
    out.push(`<details id="results-extra"><summary>More from results.json: ${esc(extra.map(([k]) => k).join(', '))}</summary><table class="kv"><tbody>${extra.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(show(v, 3000))}</code></td></tr>`).join('')}</tbody></table></details>`);
  }
  out.push('</section>');
  return out.join('');
}

/** A coverage record as results.json holds it (harness/top/run/state-coverage.ts, auto-coverage.ts). */
interface CoverageView { states?: number; triples?: number; newStatesPerMinute?: number[]; starts?: number; decisions?: number }

/**
 * New states per minute of the run (issue 33): the fault-start states every nemesis has, and the
 * adaptive nemesis's own abstract states beside them when it ran. Empty without a fault that took effect.
 */
export function coverageOverTime(r: Record<string, unknown> | undefined): string {
  const sc = r?.stateCoverage as CoverageView | undefined;
  const auto = r?.auto as CoverageView | undefined;
  if (!sc?.newStatesPerMinute && !auto?.newStatesPerMinute) return '';
  const minutes = Math.max(sc?.newStatesPerMinute?.length ?? 0, auto?.newStatesPerMinute?.length ?? 0);
  const cell = (c: CoverageView | undefined, m: number): string => (c?.newStatesPerMinute ? String(c.newStatesPerMinute[m] ?? 0) : '');
  const rows = Array.from({ length: minutes }, (_, m) => `<tr><td>${m + 1}</td><td class="num">${cell(sc, m)}</td>${auto ? `<td class="num">${cell(auto, m)}</td>` : ''}</tr>`);
  const totals = [
    sc ? `${sc.starts ?? 0} fault starts began in ${sc.states ?? 0} distinct states and tried ${sc.triples ?? 0} (state × fault × role)` : '',
    auto ? `the adaptive nemesis made ${auto.decisions ?? 0} decisions and reached ${auto.states ?? 0} distinct abstract states` : '',
  ].filter(Boolean).join('; ');
  return `<h3>Coverage over time</h3><p class="muted">${esc(totals)}.</p><table class="counts" id="coverage"><thead><tr><th>minute</th><th class="num">new fault-start states</th>${auto ? '<th class="num">new abstract states (auto)</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const FLAG_OF: [string, string][] = [
  ['name', '--name'], ['target', '--target'], ['workload', '--workload'], ['nodes', '--nodes'], ['nodeCount', '--nodes'],
  ['bin', '--bin'], ['seed', '--seed'], ['timeLimitS', '--time-limit'], ['rate', '--rate'], ['concurrency', '--concurrency'],
  ['faults', '--nemesis'], ['faultIntervalS', '--nemesis-interval'], ['quietS', '--quiet'], ['store', '--store'],
];

/** The command that reproduces the run: test.json's own `command`/`argv` when recorded, else rebuilt from its fields. */
export function reproCommand(test: Record<string, unknown> | undefined): { command: string; exact: boolean } {
  if (!test) return { command: '', exact: false };
  // After `npm ci` the CLI is `npx faultline` (it is on PATH only when installed globally).
  if (typeof test.command === 'string' && test.command !== '') return { command: test.command.replace(/^faultline /, 'npx faultline '), exact: true };
  if (Array.isArray(test.argv) && test.argv.every((a) => typeof a === 'string')) {
    return { command: (test.argv as string[]).map(shellQuote).join(' ').replace(/^faultline /, 'npx faultline '), exact: true };
  }
  const parts = ['npx', 'faultline', 'run'];
  const seen = new Set<string>();
  for (const [key, flag] of FLAG_OF) {
    let v = test[key];
    if (v === undefined || v === null || seen.has(flag)) continue;
    if (isRecord(v) && typeof v.name === 'string') v = v.name;
    if (Array.isArray(v)) v = v.join(',');
    if (Array.isArray(test[key]) && (test[key] as unknown[]).length === 0) continue;
    if (typeof v === 'object') continue;
    seen.add(flag);
    parts.push(flag, shellQuote(String(v)));
  }
  return { command: parts.join(' '), exact: false };
}

/** A word for a POSIX shell, quoted only when it needs to be. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The config, the seed and the command that reproduces the run. */
export function configSection(run: RunData): string {
  const t = run.test;
  if (!t) return '<section id="config"><h2>Configuration</h2><p class="warn">test.json is missing: the configuration and seed are unknown.</p></section>';
  const { command, exact } = reproCommand(t);
  const rows = Object.entries(t).map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(show(v, 2000))}</code></td></tr>`);
  return `<section id="config"><h2>Configuration</h2>
<p>Seed <code id="seed">${esc(show(t.seed))}</code>. Reproduce this run with${exact ? '' : ' (rebuilt from test.json)'}:</p>
<pre class="cmd" id="repro">${esc(command)}</pre>
<p class="muted">Re-check the stored history with today's checkers: <code>faultline check ${esc(shellQuote(run.dir))}</code></p>
<details><summary>test.json (${rows.length} fields)</summary><table class="kv"><tbody>${rows.join('')}</tbody></table></details></section>`;
}

/** Latency quantiles per f as a table: the charts' numbers for readers without JavaScript. */
export function latencyTableHtml(a: Analysis): string {
  const rows = latencyTable(a.pairs);
  if (rows.length === 0) return '';
  const f = (n: number): string => n.toFixed(2);
  return `<table class="latency"><thead><tr><th>f</th><th class="num">ops</th><th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p99 ms</th><th class="num">max ms</th></tr></thead><tbody>${rows.map((r) =>
    `<tr><td>${esc(r.f)}</td><td class="num">${r.n}</td><td class="num">${f(r.p50)}</td><td class="num">${f(r.p90)}</td><td class="num">${f(r.p99)}</td><td class="num">${f(r.max)}</td></tr>`).join('')}</tbody></table>`;
}

/** Every nemesis op: when, what was asked, what it did (a table of its fields), and links to its history rows. */
export function nemesisSection(a: Analysis): string {
  if (a.nemesis.length === 0) return '<section id="nemesis"><h2>Nemesis</h2><p class="muted">No faults were injected.</p></section>';
  const records = a.nemesis.map((e) => ({
    start: e.start.toFixed(3), end: e.end === undefined ? '—' : e.end.toFixed(3), f: e.f, value: e.value, result: e.result,
    invoked: e.index, ...(e.endIndex === undefined ? {} : { completed: e.endIndex }),
  }));
  const table = recordsTable(records, { historyFields: historyFieldsOf('nemesis'), className: 'nemesis', flatten: false })
    .replace('<th>start</th><th>end</th>', '<th class="num">start (s)</th><th class="num">end (s)</th>');
  return `<section id="nemesis"><h2>Nemesis</h2>
${a.bands.length > 0 ? '<figure data-chart="nemesis"><figcaption>Faults over time</figcaption><div class="chart-canvas"></div></figure>' : ''}
${table}</section>`;
}

function logBlock(log: EmbeddedLog, open: boolean): string {
  const note = log.omitted > 0 ? ` — ${bytes(log.omitted)} from the middle left out; the whole log is in the run directory` : '';
  return `<details${open ? ' open' : ''} class="log"><summary>${esc(log.name)} (${esc(bytes(log.size))}${esc(note)})</summary><pre>${esc(log.text)}</pre></details>`;
}

/** harness.log and the nodes' logs, each cut to its head and tail when huge. */
export function logsSection(run: RunData): string {
  const parts: string[] = ['<section id="logs"><h2>Logs</h2>'];
  if (run.harnessLog) parts.push(logBlock(run.harnessLog, false));
  for (const log of run.nodeLogs) parts.push(logBlock(log, false));
  if (!run.harnessLog && run.nodeLogs.length === 0) parts.push('<p class="muted">No logs in the run directory.</p>');
  parts.push('</section>');
  return parts.join('');
}

/** The history table: its first rows server-side; the script pages and filters all of them. */
/** The fs of the embedded ops, sorted, for the table's filter (the rows themselves are parsed on first use). */
function fsOf(h: RunData['history'], embedded: number): string[] {
  const fs = new Set<string>();
  for (let i = 0; i < embedded && i < h.length; i++) fs.add(h[i].f);
  return [...fs].sort();
}

export function historySection(run: RunData, embedded: number, marks: Readonly<Record<number, string>> = {}): string {
  const h = run.history;
  const rowAttrs = (op: (typeof h)[number]): string => {
    const why = marks[op.index];
    if (why !== undefined) return ` class="anomaly" title="${esc(why)}"`;
    return op.process === 'nemesis' ? ' class="nemesis"' : '';
  };
  const rows = h.slice(0, STATIC_HISTORY_ROWS).map((op) =>
    `<tr id="op-${esc(op.index)}"${rowAttrs(op)}><td class="num">${op.index}${marks[op.index] !== undefined ? ' ✗' : ''}</td><td class="num">${(op.time / 1e9).toFixed(6)}</td><td>${esc(op.process)}</td><td class="type-${esc(op.type)}">${esc(op.type)}</td><td>${esc(op.f)}</td><td>${esc(show(op.key))}</td><td>${esc(show(op.value, 300))}</td><td>${esc(show(op.node))}</td><td>${esc(show(op.error, 300))}</td></tr>`);
  const cut = embedded < h.length ? `<p class="warn">Only the first ${embedded} of ${h.length} ops are embedded; the whole history is history.jsonl.</p>` : '';
  return `<section id="history"><h2>History (${h.length} ops)</h2>${cut}
<form id="history-filters" class="filters js-only"><label>f <select name="f"><option value="">all</option></select></label>
<label>type <select name="type"><option value="">all</option><option>invoke</option><option>ok</option><option>fail</option><option>info</option><option>event</option></select></label>
<label>process <input name="process" size="8" placeholder="e.g. 3"></label><label>search <input name="q" size="24" placeholder="value, key, node, error"></label></form>
<div class="pager js-only"><button type="button" id="history-prev">◀ prev</button><span id="history-page"></span><button type="button" id="history-next">next ▶</button></div>
<p class="no-js muted">The first ${Math.min(STATIC_HISTORY_ROWS, h.length)} ops; with JavaScript the table pages and filters all of them.</p>
<table id="history-table" data-total="${Math.min(embedded, h.length)}" data-fs="${esc(JSON.stringify(fsOf(h, embedded)))}"><thead><tr><th class="num">index</th><th class="num">time (s)</th><th>process</th><th>type</th><th>f</th><th>key</th><th>value</th><th>node</th><th>error</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}
