/**
 * Assembles `report.html`: one file with the run's data embedded as escaped JSON, the compiled vega
 * charts, vega's runtime and the viewer script inlined, and every verdict, count, config value and
 * counterexample rendered server-side so the page reads without JavaScript. A strict CSP forbids
 * any network request; our scripts carry a nonce, so markup injected through data could not run
 * even if escaping failed (it does not: see the escaping test).
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import nodePath from 'node:path';
import type { PartitionFailure } from '../checkers/linearizable/explain.js';
import { keysWord, opsInKeys } from '../checkers/linearizable/result.js';
import { OP_TYPES, type Op } from '../harness/ground/history/op.js';
import { analyze, type Analysis } from './analysis.js';
import { anomaliesOf, firstAnomalySentence, type Anomaly } from './anomalies.js';
import { declaredBands } from './run-story.js';
import { buildCharts, type Chart } from './charts.js';
import { checkerDetails } from './checker-details.js';
import { watchSection } from './watch-lanes.js';
import { esc, jsonForScript, jsonWithVisibleBidi } from './escape.js';
import { failureHtml } from './lin-timeline.js';
import type { DiagramMeta, Journal, MessageCounts } from './messages.js';
import { networkSection } from './network-section.js';
import { DIAGRAM_JS } from './diagram-script.js';
import type { RunData } from './run-data.js';
import { badge, configSection, flatCheckers, historySection, latencyTableHtml, logsSection, nemesisSection, shellQuote, verdictSection } from './sections.js';
import { REPORT_CSS } from './styles.js';
import { runSummary, verdictClass } from './summary.js';
import { VIEWER_JS } from './viewer-script.js';
import type { FaultBand } from '../harness/ground/contracts/roles.js';

/** Ops embedded for the history table at most (about 60 bytes each). */
export const MAX_EMBEDDED_OPS = 250_000;

let vegaSource: string | undefined;

/** vega's browser build, read once from node_modules. */
export function vegaRuntime(): string {
  if (vegaSource === undefined) {
    // vega's exports map hides the browser build; its schema sits in the same build/ folder.
    const require = createRequire(import.meta.url);
    const file = nodePath.join(nodePath.dirname(require.resolve('vega/vega-schema.json')), 'vega.min.js');
    // A defensive cut: the build holds no `</script`, but a future one must not end our block early.
    vegaSource = fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return vegaSource;
}

/** A section built by `build`, or a note saying why it could not be: one broken part never loses the page. */
function guarded(id: string, title: string, build: () => string): string {
  try {
    return build();
  } catch (err) {
    return `<section id="${esc(id)}"><h2>${esc(title)}</h2><p class="error">This section could not be rendered: ${esc((err as Error).message)}</p></section>`;
  }
}

const isLinFailure = (r: Record<string, unknown>): boolean => Array.isArray(r.failures) && typeof r.failedPartitions === 'number';

function chartsSection(charts: Chart[], a: Analysis): string {
  const main = charts.filter((c) => c.id !== 'nemesis');
  if (main.length === 0) return '<section id="charts"><h2>Charts</h2><p class="muted">No completed client ops to chart.</p></section>';
  const figs = main.map((c) => `<figure data-chart="${esc(c.id)}"><figcaption>${esc(c.title)}</figcaption>${c.note ? `<p class="muted">${esc(c.note)}</p>` : ''}<div class="chart-canvas"></div></figure>`);
  return `<section id="charts"><h2>Charts</h2><noscript><p class="muted">The charts need JavaScript; the numbers behind them follow.</p></noscript>${figs.join('')}<h3>Latency per f</h3>${latencyTableHtml(a)}</section>`;
}

function linSection(run: RunData, a: Analysis): string {
  const lin = flatCheckers(run.results?.checkers).filter(([, r]) => isLinFailure(r));
  if (lin.length === 0) return '';
  // Only a failure is drawn from the ops by index; a valid run's result must not cost a map of them all.
  const anyFailure = lin.some(([, r]) => (r.failures as unknown[]).length > 0);
  const byIndex = anyFailure ? new Map<number, Op>(run.history.map((op) => [op.index, op])) : new Map<number, Op>();
  const parts = ['<section id="linearizability"><h2>Linearizability</h2>'];
  for (const [name, r] of lin) {
    const failures = r.failures as PartitionFailure[];
    parts.push(`<h3 id="checker-${esc(encodeURIComponent(name))}">${esc(name)} ${badge(r.valid)}</h3>`);
    parts.push(`<p>Model <code>${esc(r.model)}</code>; ${esc(opsInKeys(Number(r.ops), Number(r.partitions)))}; ${esc(r.failedPartitions)} of ${esc(r.partitions)} ${keysWord(Number(r.partitions))} failed${(r.failedPartitions as number) > failures.length ? (failures.length === 0 ? ', none explained' : `, the earliest ${failures.length} explained`) : ''}.${r.reason ? ` ${esc(r.reason)}` : ''}</p>`);
    for (const f of failures) parts.push(failureHtml(f, byIndex, a.pairs));
  }
  parts.push('</section>');
  return parts.join('');
}

/** In place of a run's configuration: where an imported history came from and how to re-check it. */
function importedSection(i: NonNullable<RunData['imported']>): string {
  return `<section id="config"><h2>History</h2><p>An imported ${esc(i.format)} history, checked by the ${esc(i.checker)} checker, not a Faultline run: there is no configuration or seed.</p><p class="muted">Re-check it: <code>faultline check ${esc(shellQuote(i.file))}</code></p></section>`;
}

function checkersSection(run: RunData): string {
  const others = flatCheckers(run.results?.checkers).filter(([, r]) => !isLinFailure(r));
  if (others.length === 0) return '';
  return `<section id="checkers"><h2>Checker details</h2>${others.map(([name, r]) =>
    `<h3 id="checker-${esc(encodeURIComponent(name))}">${esc(name)} ${badge(r.valid)}</h3>${checkerDetails(name, r)}`).join('')}</section>`;
}

/**
 * Compact history rows for the embedded table: [index, time µs, process, type code, f code, value,
 * key, node, error] with trailing nulls dropped, f and type as indexes into `fs` and `types`. At
 * 100,000 ops this halves the page against plain op objects (bench/report.ts).
 */
function compactHistory(history: readonly Op[]): { fs: string[]; types: readonly string[]; ops: unknown[][] } {
  const fs: string[] = [];
  const fIndex = new Map<string, number>();
  const ops = history.slice(0, MAX_EMBEDDED_OPS).map((o) => {
    let f = fIndex.get(o.f);
    if (f === undefined) { fIndex.set(o.f, (f = fs.length)); fs.push(o.f); }
    const t = OP_TYPES.indexOf(o.type); // every record type, event records (watch deliveries) too
    const row: unknown[] = [o.index, Math.round(o.time / 1e3), o.process, t < 0 ? String(o.type) : t, f, o.value ?? null, o.key ?? null, o.node ?? null, o.error ?? null];
    while (row.length > 6 && row[row.length - 1] === null) row.pop();
    return row;
  });
  return { fs, types: OP_TYPES, ops };
}

/** History index → why the row is marked, for the failing ops' invocations and completions. */
function anomalyMarks(anomalies: readonly Anomaly[]): Record<number, string> {
  const marks: Record<number, string> = {};
  for (const x of anomalies) {
    const why = `${x.checker}: ${x.description} could not be linearized`;
    marks[x.index] = why;
    if (x.completionIndex !== undefined) marks[x.completionIndex] = why;
  }
  return marks;
}

const gzip = promisify(zlib.gzip);

/**
 * zlib's level for the history's rows: level 4 packs 100,000 ops' rows 12 % smaller (0.4 MB less
 * page) but costs half as much time again as level 1, and the write is already over its budget on a
 * loaded machine (bench/report.ts); level 1 it is.
 */
const HISTORY_GZIP_LEVEL = 1;

/** The history table's rows as the page embeds them: JSON, gzipped, base64. */
function historyJson(run: RunData, anomalies: readonly Anomaly[]): string {
  return jsonWithVisibleBidi({ total: run.history.length, ...compactHistory(run.history), anomalies: anomalyMarks(anomalies) });
}

/**
 * The history block packed on libuv's thread pool, for `renderReport`: started as soon as the run is
 * loaded, it is gzipped while this thread analyses the run and builds the rest of the page.
 */
export async function packHistory(run: RunData): Promise<string> {
  return (await gzip(historyJson(run, anomaliesOf(run.results?.checkers, run.history)), { level: HISTORY_GZIP_LEVEL })).toString('base64');
}

/** The whole page for one run. */
export function renderReport(run: RunData, journal?: Journal): string {
  return prepareReport(run, journal)({ chunks: journal?.diagram.chunks ?? [] });
}

/** The page's packed blocks: the history's rows (packHistory; packed here when not given) and the journal's chunks. */
export interface PackedBlocks {
  history?: string;
  chunks: string[];
}

/**
 * The page for one run, all but its packed blocks, which the returned function adds: writeRunReports
 * renders while they are packed on libuv's thread pool.
 */
export function prepareReport(run: RunData, journal?: { counts: MessageCounts; diagram: DiagramMeta }): (packed: PackedBlocks) => string {
  const messages = journal?.counts;
  // analyze() skips event records itself (they pair with nothing), as for run-story.ts's call.
  const a = analyze(run.history, declaredBands(run.test));
  const anomalies = anomaliesOf(run.results?.checkers, run.history);
  let charts: Chart[] = [];
  const warnings = [...run.warnings];
  try {
    charts = buildCharts(a, messages, anomalies);
  } catch (err) {
    warnings.push(`the charts could not be built: ${(err as Error).message}`);
  }
  if (messages && messages.bad > 0) warnings.push(`${messages.bad} line(s) of messages.jsonl could not be read`);
  const nonce = randomBytes(16).toString('base64');
  const test = run.test ?? {};
  const name = run.imported ? nodePath.basename(run.imported.file) : typeof test.name === 'string' ? test.name : run.dir.split('/').slice(-2, -1)[0] ?? 'run';
  const started = typeof test.startedAt === 'string' ? test.startedAt : '';
  const valid = run.results?.valid;
  const embedded = Math.min(run.history.length, MAX_EMBEDDED_OPS);
  // The history table's rows in a block of their own, gzipped, unpacked and parsed when the table is
  // first paged or filtered: at 100,000 ops their 7 MB of JSON were most of the page's opening time
  // (bench/report.ts); gzipped they are a sixth of that.
  const data = {
    test: run.test ?? null,
    results: run.results ?? null,
    charts: Object.fromEntries(charts.map((c) => [c.id, { spec: c.spec, renderer: c.renderer }])),
    warnings,
  };
  const csp = `default-src 'none'; script-src 'nonce-${nonce}' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:`;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="faultline">
<title>${esc(name)} — ${esc(runSummary(run.results))}</title>
<style>${REPORT_CSS}</style></head>
<body class="v-${verdictClass(valid)}">
<header><h1>${esc(name)} ${badge(valid)}</h1>
<div id="run-summary">${esc(runSummary(run.results))}${started ? ` — started ${esc(started)}` : ''}</div>
<div class="muted">${esc(run.dir)}</div></header>
<nav><a href="#verdicts">verdicts</a><a href="#config">config</a><a href="#charts">charts</a>${flatCheckers(run.results?.checkers).some(([, r]) => isLinFailure(r)) ? '<a href="#linearizability">linearizability</a>' : ''}<a href="#checkers">checkers</a>${journal || run.results?.net ? '<a href="#network">network</a>' : ''}<a href="#nemesis">nemesis</a><a href="#logs">logs</a><a href="#history">history</a></nav>
<main>
${warnings.length > 0 ? `<div class="warn" id="warnings"><b>This run's record is incomplete:</b><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>` : ''}
${guarded('verdicts', 'Verdicts', () => verdictSection(run, a, firstAnomalySentence(anomalies, a.bands)))}
${guarded('config', 'Configuration', () => run.imported ? importedSection(run.imported) : configSection(run))}
${guarded('charts', 'Charts', () => chartsSection(charts, a))}
${guarded('linearizability', 'Linearizability', () => linSection(run, a))}
${guarded('checkers', 'Checker details', () => checkersSection(run))}
${guarded('network', 'Network', () => networkSection(run, journal?.diagram, anomalies))}
${guarded('watch', 'Watches', () => watchSection(run.history, a.bands, flatCheckers(run.results?.checkers).find(([n]) => n === 'watch' || n.endsWith('/watch'))?.[1]))}
${guarded('nemesis', 'Nemesis', () => nemesisSection(a))}
${guarded('logs', 'Logs', () => logsSection(run))}
${guarded('history', 'History', () => historySection(run, embedded, anomalyMarks(anomalies)))}
</main>
<script type="application/json" id="faultline-data">${jsonForScript(data)}</script>
`;
  const tail = `
<script nonce="${nonce}">${vegaRuntime()}</script>
<script nonce="${nonce}">${DIAGRAM_JS}</script>
<script nonce="${nonce}">${VIEWER_JS}</script>
</body></html>
`;
  // The journal's chunks (reports/diagram-script.ts finds them by id) and the history's rows, last.
  return (packed) => [
    page,
    ...packed.chunks.map((c, k) => `<script type="text/plain" id="faultline-messages-${k}">${c}</script>\n`),
    `<script type="text/plain" id="faultline-history">${packed.history ?? zlib.gzipSync(historyJson(run, anomalies), { level: HISTORY_GZIP_LEVEL }).toString('base64')}</script>`,
    tail,
  ].join('');
}
