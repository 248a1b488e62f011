/**
 * Tables of records — a checker's anomalies (lock overlaps, lost elements), nemesis ops, and whatever
 * record lists later workloads add (watch events, elections) — instead of raw JSON: a nested record
 * is opened into columns (`first process`, `first acquired`), deeper ones into small key/value
 * tables, and every field that holds a history index becomes a link to that op's row in the
 * report's history table (`#op-<index>`, which the viewer script pages to).
 *
 * Which fields are history indices cannot be told from their names (`read` is a history index in
 * the set checker's records and a counter value in the lock checker's; raft-safety's `index` is a
 * Raft log index), so each kind of record declares them here.
 */
import { esc, show } from './escape.js';

/**
 * Fields that hold history indices, per kind of record: the `checker` field of a checker's result,
 * or `nemesis` for the nemesis table. A new checker or workload adds its kind here.
 */
export const HISTORY_INDEX_FIELDS: Readonly<Record<string, readonly string[]>> = {
  lock: ['acquired', 'released', 'indices'],
  'fenced-lock': ['index', 'indices'],
  set: ['addIndex', 'okIndex', 'added', 'read'],
  counter: ['read'],
  broadcast: ['finalRead'],
  'unique-ids': ['index'],
  echo: ['index'],
  protocol: ['index'],
  nemesis: ['invoked', 'completed'],
};

/** The history-index fields of a kind of record (none for a kind not declared). */
export function historyFieldsOf(kind: string | undefined): ReadonlySet<string> {
  return new Set(kind === undefined ? [] : HISTORY_INDEX_FIELDS[kind] ?? []);
}

const MAX_ROWS = 50;
const MAX_COLUMNS = 14;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Words of a camelCase field name: `neverRead` → `never read`. */
export function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A link to the history row of op `index`. */
export const opLink = (index: number): string => `<a class="op-link" href="#op-${index}">${index}</a>`;

/** A value as HTML: history indices as links, records as a small key/value table, lists of scalars comma-separated. */
export function valueHtml(v: unknown, historyField = false, fields: ReadonlySet<string> = new Set(), depth = 0): string {
  if (historyField && typeof v === 'number' && Number.isInteger(v) && v >= 0) return opLink(v);
  if (historyField && Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) return (v as number[]).map(opLink).join(', ');
  if (Array.isArray(v) && v.length > 0 && v.length <= 20 && v.every(isRecord)) {
    return v.map((r) => Object.entries(r).map(([k, x]) => `${esc(words(k))} ${valueHtml(x, fields.has(k), fields)}`).join(', ')).join('; ');
  }
  if (Array.isArray(v) && v.length <= 20 && v.every((x) => x === null || typeof x !== 'object')) return esc(v.map((x) => show(x, 80)).join(', '));
  // Two levels of small tables at most (a partition's grudge: node → the nodes it cannot reach); deeper is JSON.
  if (isRecord(v) && Object.keys(v).length > 0 && Object.keys(v).length <= 12 && depth < 2) {
    return `<table class="kv-mini"><tbody>${Object.entries(v).map(([k, x]) =>
      `<tr><th>${esc(depth === 0 ? words(k) : k)}</th><td>${valueHtml(x, fields.has(k), fields, depth + 1)}</td></tr>`).join('')}</tbody></table>`;
  }
  return esc(show(v, 300));
}

/** A record with its nested records opened one level: `{first: {process: 1}}` → `[['first', 'process'], 1]`. */
function flatten(r: Record<string, unknown>): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const [k, v] of Object.entries(r)) {
    if (isRecord(v) && Object.keys(v).length > 0 && Object.keys(v).length <= 8) for (const [k2, v2] of Object.entries(v)) out.push([[k, k2], v2]);
    else out.push([[k], v]);
  }
  return out;
}

/** Options of a record table. */
export interface RecordTableOptions {
  /** Fields holding history indices (HISTORY_INDEX_FIELDS). */
  historyFields?: ReadonlySet<string>;
  /** A first column naming each row (the keys of a map of records). */
  keyColumn?: { title: string; keys: readonly string[] };
  /** Class of the table element. */
  className?: string;
  /** Open nested records into columns (default true); false keeps each in one cell as a small table. */
  flatten?: boolean;
}

/** A table of records (or plain values), columns from the union of their (opened) fields. */
export function recordsTable(rows: readonly unknown[], opts: RecordTableOptions = {}): string {
  const fields = opts.historyFields ?? new Set<string>();
  const shown = rows.slice(0, MAX_ROWS);
  const open = opts.flatten ?? true;
  const flat = shown.map((r) => (isRecord(r) ? new Map((open ? flatten(r) : Object.entries(r).map(([k, v]): [string[], unknown] => [[k], v])).map(([path, v]) => [path.join('.'), v])) : undefined));
  const cols: string[] = [];
  for (const m of flat) for (const c of m?.keys() ?? []) if (!cols.includes(c) && cols.length < MAX_COLUMNS) cols.push(c);
  const keyColumn = opts.keyColumn;
  const head = [...(keyColumn ? [keyColumn.title] : []), ...(cols.length > 0 ? cols.map((c) => c.split('.').map(words).join(' ')) : ['value'])];
  const body = shown.map((r, i) => {
    const m = flat[i];
    const cells = cols.length > 0 && m ? cols.map((c) => (m.has(c) ? valueHtml(m.get(c), fields.has(c.split('.').pop()!), fields) : '')) : [valueHtml(r, false, fields)];
    return `<tr>${keyColumn ? `<td>${esc(keyColumn.keys[i])}</td>` : ''}${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  const more = rows.length > shown.length ? `<p class="muted">${rows.length - shown.length} more not shown (all are in results.json).</p>` : '';
  return `<table${opts.className ? ` class="${esc(opts.className)}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>${more}`;
}
