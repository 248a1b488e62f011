/**
 * Details of the non-linearizability checkers (set, broadcast, counter, unique-ids, stats, lock, and
 * whatever comes later), rendered from the shape of their results rather than from a list of known
 * checkers: scalars as a table, anomalies (`{count, examples}`) and lists of records as tables of
 * their examples, maps of records (per node, per f) as tables keyed by name (reports/record-table.ts:
 * history indices there are links to the history table's rows).
 */
import type { CheckResult } from '../checkers/contract.js';
import { elleDetails, isElleResult } from './elle-details.js';
import { esc, show } from './escape.js';
import { historyFieldsOf, recordsTable, words } from './record-table.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAnomaly = (v: unknown): v is { count: number; examples: unknown[] } =>
  isRecord(v) && typeof v.count === 'number' && Array.isArray(v.examples);

/** The details of one checker result. */
export function checkerDetails(name: string, r: CheckResult): string {
  // Elle's result has its own view: cycles drawn, ops and steps beside them, the model table.
  if (isElleResult(r)) return elleDetails(name, r);
  const historyFields = historyFieldsOf(typeof r.checker === 'string' ? r.checker : name.split('/').pop());
  const scalars: [string, unknown][] = [];
  const blocks: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k === 'valid' || k === 'checker') continue;
    if (isAnomaly(v)) {
      if (v.count === 0) { scalars.push([k, 0]); continue; }
      const note = v.examples.length < v.count ? ` (first ${v.examples.length} shown)` : '';
      blocks.push(`<h4 class="anomaly">${esc(words(k))}: ${v.count}${esc(note)}</h4>${recordsTable(v.examples, { historyFields })}`);
    } else if (Array.isArray(v) && v.some(isRecord)) {
      blocks.push(`<h4>${esc(words(k))}: ${v.length}</h4>${recordsTable(v, { historyFields })}`);
    } else if (isRecord(v) && Object.keys(v).length > 0 && Object.values(v).every(isRecord)) {
      const keys = Object.keys(v);
      blocks.push(`<h4>${esc(words(k))}</h4>${recordsTable(keys.map((x) => v[x]), { historyFields, keyColumn: { title: k === 'byF' ? 'f' : 'name', keys } })}`);
    } else {
      scalars.push([k, v]);
    }
  }
  const table = scalars.length === 0 ? '' :
    `<table class="kv"><tbody>${scalars.map(([k, v]) => `<tr><th>${esc(words(k))}</th><td>${esc(show(v, 500))}</td></tr>`).join('')}</tbody></table>`;
  return `<div class="checker-details" data-checker="${esc(name)}">${table}${blocks.join('')}</div>`;
}
