/**
 * Details of the non-linearizability checkers (set, broadcast, counter, unique-ids, stats, lock, and
 * whatever comes later), rendered from the shape of their results rather than from a list of known
 * checkers: scalars as a table, anomalies (`{count, examples}`) and lists of records as tables of
 * their examples, maps of records (per node, per f) as tables keyed by name.
 */
import type { CheckResult } from '../checkers/contract.js';
import { elleDetails, isElleResult } from './elle-details.js';
import { esc, show } from './escape.js';

const MAX_ROWS = 50;
const MAX_COLUMNS = 10;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAnomaly = (v: unknown): v is { count: number; examples: unknown[] } =>
  isRecord(v) && typeof v.count === 'number' && Array.isArray(v.examples);

/** Words of a camelCase field name: `neverRead` → `never read`. */
export function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A table of records (or plain values), columns from the union of their keys. */
export function recordsTable(rows: readonly unknown[], keyColumn?: { title: string; keys: readonly string[] }): string {
  const shown = rows.slice(0, MAX_ROWS);
  const cols: string[] = [];
  for (const r of shown) {
    if (!isRecord(r)) continue;
    for (const k of Object.keys(r)) if (!cols.includes(k) && cols.length < MAX_COLUMNS) cols.push(k);
  }
  const head = [...(keyColumn ? [keyColumn.title] : []), ...(cols.length > 0 ? cols.map(words) : ['value'])];
  const body = shown.map((r, i) => {
    const cells = cols.length > 0 && isRecord(r) ? cols.map((c) => show(r[c], 300)) : [show(r, 300)];
    return `<tr>${keyColumn ? `<td>${esc(keyColumn.keys[i])}</td>` : ''}${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  });
  const more = rows.length > shown.length ? `<p class="muted">${rows.length - shown.length} more not shown (all are in results.json).</p>` : '';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>${more}`;
}

/** The details of one checker result. */
export function checkerDetails(name: string, r: CheckResult): string {
  // Elle's result has its own view: cycles drawn, ops and steps beside them, the model table.
  if (isElleResult(r)) return elleDetails(name, r);
  const scalars: [string, unknown][] = [];
  const blocks: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k === 'valid' || k === 'checker') continue;
    if (isAnomaly(v)) {
      if (v.count === 0) { scalars.push([k, 0]); continue; }
      const note = v.examples.length < v.count ? ` (first ${v.examples.length} shown)` : '';
      blocks.push(`<h4 class="anomaly">${esc(words(k))}: ${v.count}${esc(note)}</h4>${recordsTable(v.examples)}`);
    } else if (Array.isArray(v) && v.some(isRecord)) {
      blocks.push(`<h4>${esc(words(k))}: ${v.length}</h4>${recordsTable(v)}`);
    } else if (isRecord(v) && Object.keys(v).length > 0 && Object.values(v).every(isRecord)) {
      const keys = Object.keys(v);
      blocks.push(`<h4>${esc(words(k))}</h4>${recordsTable(keys.map((x) => v[x]), { title: k === 'byF' ? 'f' : 'name', keys })}`);
    } else {
      scalars.push([k, v]);
    }
  }
  const table = scalars.length === 0 ? '' :
    `<table class="kv"><tbody>${scalars.map(([k, v]) => `<tr><th>${esc(words(k))}</th><td>${esc(show(v, 500))}</td></tr>`).join('')}</tbody></table>`;
  return `<div class="checker-details" data-checker="${esc(name)}">${table}${blocks.join('')}</div>`;
}
