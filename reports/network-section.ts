/**
 * The report's Network section: Maelstrom's net statistics (results.json `net`, checkers/net-stats.ts),
 * broadcast's stable latency, and the message diagram (drawn by reports/diagram-script.ts from the
 * journal's lines, embedded in a block of their own that the page never parses whole).
 */
import { isNetStats, type NetStats } from '../checkers/net-stats.js';
import { STABLE_QUANTILES, type StableLatency } from '../checkers/stable-latency.js';
import type { Anomaly } from './anomalies.js';
import { esc, jsonForScript } from './escape.js';
import type { DiagramMeta } from './messages.js';
import type { RunData } from './run-data.js';

const fmt = (x: number | null): string => (x === null ? '–' : x.toFixed(2));

function netTable(net: NetStats): string {
  const row = (name: string, c: NetStats['all']): string =>
    `<tr><th>${name}</th><td class="num">${c.sent}</td><td class="num">${c.delivered}</td><td class="num">${c.dropped}</td><td class="num">${fmt(c.msgsPerOp)}</td></tr>`;
  const types = Object.entries(net.byType).map(([type, t]) =>
    `<tr><td>${esc(type)}</td><td class="num">${t.sent}</td><td class="num">${t.clients}</td><td class="num">${t.servers}</td><td class="num">${t.dropped}</td></tr>`).join('');
  return `<table id="net-stats"><thead><tr><th>traffic</th><th class="num">sent</th><th class="num">delivered</th><th class="num">dropped</th><th class="num">msgs per op</th></tr></thead><tbody>
${row('all', net.all)}${row('clients', net.clients)}${row('servers', net.servers)}</tbody></table>
<p class="muted">Per op: over ${net.ops} client operations (invocations). Client traffic is every message to or from a client; server traffic every other (node to node, node to service).${net.badLines > 0 ? ` ${net.badLines} line(s) of messages.jsonl could not be read.` : ''}</p>
<details><summary>Per message type</summary><table id="net-types"><thead><tr><th>type</th><th class="num">sent</th><th class="num">client</th><th class="num">server</th><th class="num">dropped</th></tr></thead><tbody>${types}</tbody></table></details>`;
}

function stableTable(s: StableLatency): string {
  if (s.count === 0) return `<p>Broadcast stable latency: no acknowledged message became stable${s.neverStable > 0 ? ` (${s.neverStable} never did)` : ''}.</p>`;
  return `<h3>Broadcast stable latency</h3><table id="stable-latency"><thead><tr>${STABLE_QUANTILES.map((q) => `<th class="num">${q === 0 ? 'min' : q === 1 ? 'max' : `p${q * 100}`}</th>`).join('')}</tr></thead>
<tbody><tr>${STABLE_QUANTILES.map((q) => `<td class="num">${s.quantilesMs[String(q)].toFixed(0)} ms</td>`).join('')}</tr></tbody></table>
<p class="muted">From each broadcast's acknowledgement until it was last missing from a read on any node, over ${s.count} messages${s.neverStable > 0 ? `; ${s.neverStable} never became stable` : ''}.</p>`;
}

/** The diagram's controls and its meta; the journal's chunks follow at the page's end (reports/html-report.ts). */
function diagramHtml(d: DiagramMeta, anomalies: readonly Anomaly[]): string {
  const failing = anomalies.slice(0, 100).map((x) => ({ index: x.index, us: Math.round(x.start * 1e6), what: x.description }));
  const meta = { count: d.count, chunkLines: d.chunkLines, chunkSentUs: d.chunkSentUs, endpoints: d.endpoints, lateDrops: d.lateDrops, maxTravelUs: d.maxTravelUs, failing };
  return `<h3>Message diagram</h3>
<p class="muted">Time runs down, one column per node, service and client, an arrow per message (red and crossed: dropped). ${d.count} lines of messages.jsonl, 100 per window; click an arrow for its body.</p>
<noscript><p class="muted">The diagram needs JavaScript; every message is in messages.jsonl.</p></noscript>
<div class="pager js-only"><button type="button" id="diagram-first">⏮ first</button><button type="button" id="diagram-prev">◀ prev</button><span id="diagram-page"></span><button type="button" id="diagram-next">next ▶</button><button type="button" id="diagram-last">last ⏭</button>
<label>at time (s) <input id="diagram-time" size="8" inputmode="decimal"></label>${failing.length > 0 ? '<button type="button" id="diagram-failing">jump to the failing op</button>' : ''}</div>
<div id="diagram" class="scroll"></div><pre id="diagram-body" class="muted">Click an arrow for its message.</pre>
<script type="text/plain" id="faultline-messages" data-meta="${esc(jsonForScript(meta))}"></script>`;
}

/** The section, or '' for a run with neither net figures nor a journal. */
export function networkSection(run: RunData, diagram: DiagramMeta | undefined, anomalies: readonly Anomaly[]): string {
  const net = run.results?.net;
  const stable = (run.results?.checkers?.broadcast as { stableLatency?: StableLatency } | undefined)?.stableLatency;
  if (!isNetStats(net) && !diagram && !stable) return '';
  const parts = ['<section id="network"><h2>Network</h2>'];
  if (isNetStats(net)) parts.push(netTable(net));
  if (stable && typeof stable.count === 'number') parts.push(stableTable(stable));
  if (diagram) parts.push(diagramHtml(diagram, anomalies));
  parts.push('</section>');
  return parts.join('');
}
