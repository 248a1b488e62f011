/**
 * The Elle result in the report (a txn-list-append run, or any checker result of Elle's shape):
 * per anomaly its cycle drawn as a small graph (transactions as nodes, edges labelled ww, wr, rw,
 * rt, process), the transactions' ops beside it (their history indices linking to the history's
 * rows) and the step-by-step explanation; then the
 * consistency models as a table, the ruled-out ones marked. Inline SVG: the page stays one file.
 */
import type { CheckResult } from '../checkers/contract.js';
import { MODEL_NAMES } from '../checkers/elle/models.js';
import { esc } from './escape.js';
import { opLink } from './record-table.js';

interface TxnView { id: number; process: number; status: string; index: number; completionIndex?: number; ops: string }
interface AnomalyView { type: string; txns: TxnView[]; cycle?: { from: number; to: number; kind: string }[]; steps: string[]; not: string[] }

/** True for a result of Elle's shape (checkers/elle/index.ts ElleResult). */
export function isElleResult(r: CheckResult): boolean {
  return typeof r.anomalyTypes === 'object' && r.anomalyTypes !== null && Array.isArray(r.anomalies) && Array.isArray(r.not) && Array.isArray(r.strongestConsistent);
}

const COLOURS: Record<string, string> = { ww: '#b00020', wr: '#1a6fd1', rw: '#c77700', rt: '#555', process: '#2e7d32' };

/** A cycle as an SVG: nodes on a circle, one arrow per edge, two-way pairs drawn apart. */
export function cycleSvg(cycle: readonly { from: number; to: number; kind: string }[]): string {
  const ids = [...new Set(cycle.map((e) => e.from))];
  const n = ids.length;
  const r = n <= 2 ? 55 : 40 + 14 * n;
  const size = 2 * r + 80;
  const c = size / 2;
  const pos = new Map(ids.map((id, i) => [id, { x: c + r * Math.cos(-Math.PI / 2 + (2 * Math.PI * i) / n), y: c + r * Math.sin(-Math.PI / 2 + (2 * Math.PI * i) / n) }]));
  const parts = [`<svg class="elle-cycle" xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img" aria-label="dependency cycle">`,
    '<defs><marker id="elle-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>'];
  for (const e of cycle) {
    const a = pos.get(e.from)!, b = pos.get(e.to)!;
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len;
    // Offset sideways so a → b and b → a do not overlap; stop short of the node circles (radius 18).
    const ox = -uy * 7, oy = ux * 7;
    const x1 = a.x + ux * 20 + ox, y1 = a.y + uy * 20 + oy, x2 = b.x - ux * 20 + ox, y2 = b.y - uy * 20 + oy;
    const colour = COLOURS[e.kind] ?? '#000';
    parts.push(`<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${colour}" stroke-width="2" marker-end="url(#elle-arrow)"/>`);
    parts.push(`<text x="${((x1 + x2) / 2 + ox * 1.8).toFixed(1)}" y="${((y1 + y2) / 2 + oy * 1.8 + 4).toFixed(1)}" font-size="12" text-anchor="middle" fill="${colour}">${esc(e.kind)}</text>`);
  }
  for (const id of ids) {
    const p = pos.get(id)!;
    parts.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="18" fill="#fff" stroke="#333" stroke-width="1.5"/><text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" font-size="12" text-anchor="middle">T${esc(id)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** "history index N" in an explanation step (already escaped) as a link to the history's row N. */
function linkIndices(html: string): string {
  return html.replace(/history index (\d+)/g, (_, n: string) => `history index ${opLink(Number(n))}`);
}

/** The transactions of an anomaly; each history index links to its row of the report's history (`#op-N`). */
function txnTable(txns: readonly TxnView[]): string {
  const rows = txns.map((t) => `<tr><td>T${esc(t.id)}</td><td>${esc(t.process)}</td><td>${esc(t.status)}</td><td>${opLink(t.index)}${t.completionIndex !== undefined ? `–${opLink(t.completionIndex)}` : ''}</td><td><code>${esc(t.ops)}</code></td></tr>`);
  return `<table class="elle-txns"><thead><tr><th>txn</th><th>process</th><th>outcome</th><th>history index</th><th>ops</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The models table: each model, whether it was checked, ruled out or still consistent. */
function modelsTable(r: CheckResult): string {
  const not = new Set(r.not as string[]);
  const strongest = new Set(r.strongestConsistent as string[]);
  const asked = new Set((r.consistencyModels as string[] | undefined) ?? []);
  const rows = MODEL_NAMES.map((m) => `<tr class="${not.has(m) ? 'ruled-out' : 'consistent'}"><td>${esc(m)}${asked.has(m) ? ' (checked)' : ''}</td><td>${not.has(m) ? '✗ ruled out' : strongest.has(m) ? '✓ consistent (strongest)' : '✓ consistent'}</td></tr>`);
  return `<table class="elle-models"><thead><tr><th>consistency model</th><th>this history</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The HTML of an Elle result. */
export function elleDetails(name: string, r: CheckResult): string {
  const types = Object.entries(r.anomalyTypes as Record<string, number>);
  const parts = [`<div class="checker-details elle" data-checker="${esc(name)}">`];
  parts.push(`<p>${esc(r.workload)}; checked for ${esc(((r.consistencyModels as string[]) ?? []).join(', '))}${r.reason ? `; ${esc(r.reason)}` : ''}.</p>`);
  parts.push(types.length === 0 ? '<p>No anomalies found.</p>' : `<p>Anomalies: ${types.map(([t, n]) => `${esc(t)} ×${esc(n)}`).join(', ')}${(r.anomalies as unknown[]).length < types.reduce((s, [, n]) => s + n, 0) ? ' (the first of each shown; all counted)' : ''}.</p>`);
  // A weaker read mode's model allows what it found (checkers/txn.ts `allowed`): say so, not just "valid".
  if (Array.isArray(r.allowed) && r.allowed.length > 0) parts.push(`<p class="elle-allowed">Allowed by ${esc(((r.consistencyModels as string[]) ?? []).join(', '))}: ${esc((r.allowed as string[]).join(', '))}; the history is still valid for the models checked.</p>`);
  for (const a of r.anomalies as AnomalyView[]) {
    parts.push(`<div class="elle-anomaly"><h4 class="anomaly">${esc(a.type)}</h4><div class="elle-row">`);
    if (a.cycle && a.cycle.length > 0) parts.push(cycleSvg(a.cycle));
    parts.push(`<div>${txnTable(a.txns)}<ol class="elle-steps">${a.steps.map((s) => `<li>${linkIndices(esc(s))}</li>`).join('')}</ol><p class="muted">Rules out: ${esc(a.not.join(', ') || 'nothing')}</p></div></div></div>`);
  }
  parts.push(modelsTable(r));
  parts.push('</div>');
  return parts.join('');
}
