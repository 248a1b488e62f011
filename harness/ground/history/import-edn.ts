/**
 * Imports Jepsen EDN histories with Knossos' conventions (docs/architecture.md, "Imported histories keep their
 * authors' semantics"): `:fail` = did not happen, `:info` = indeterminate, `:process :nemesis` ops are
 * kept but are not client ops, and file order is the real-time order.
 *
 * Two layouts are accepted because Jepsen has written both: one top-level vector (or list) of op
 * maps, and one op map per line (`history.edn`, porcupine's kv logs). Ops get a dense `index` in file
 * order; a `:index` in the file is ignored because filtered Jepsen histories have gaps in theirs.
 */
import fs from 'node:fs';
import { EdnReader, type EdnValue } from './edn.js';
import { HistoryError } from './errors.js';
import { bigintValue, withoutBigints } from './exact-int.js';
import type { Op, OpType, Process } from './op.js';

/** One top-level record of an EDN history and the line it starts on. */
export interface EdnRecord {
  value: EdnValue;
  line: number;
}

const EXAMPLE = '{:process 0, :type :invoke, :f :read, :value nil}';

/**
 * Splits EDN history text into its op records (either layout). `wrapped` says whether the records
 * sat in a top-level vector or list, so callers can tell `[]` (an empty history) from an empty file.
 */
export function ednRecords(text: string, file: string): { records: EdnRecord[]; wrapped: boolean } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const r = new EdnReader(text, file);
  const out: EdnRecord[] = [];
  const first = r.skipSpace();
  if (first === 0x5b /* [ */ || first === 0x28 /* ( */) {
    const close = first === 0x5b ? 0x5d : 0x29;
    const open = r.line;
    r.pos++;
    for (;;) {
      const c = r.skipSpace();
      if (c === close) break;
      if (c === -1) r.fail(`the history opened with "${String.fromCharCode(first)}" on line ${open} is never closed, expected "${String.fromCharCode(close)}" at the end of the file`);
      const line = r.line;
      out.push({ value: r.read(), line });
    }
    r.pos++;
    if (!r.atEnd()) r.fail('more input follows the history, expected the end of the file after its closing bracket');
    return { records: out, wrapped: true };
  }
  while (!r.atEnd()) {
    const line = r.line;
    out.push({ value: r.read(), line });
  }
  return { records: out, wrapped: false };
}

/** Converts one EDN op map to an Op with the given dense `index`; throws HistoryError naming `line`. */
export function ednRecordToOp(value: EdnValue, file: string, line: number, index: number): Op {
  const fail = (what: string): never => {
    throw new HistoryError(file, line, what);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`the record is ${describeValue(value)}, expected an op map like ${EXAMPLE}`);
  }
  const m = value as { [key: string]: EdnValue };

  const type = m.type;
  if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') {
    fail(type === undefined
      ? 'the op map has no :type, expected :type :invoke, :ok, :fail or :info'
      : `:type is ${show(type)}, expected :invoke, :ok, :fail or :info`);
  }
  const f = m.f;
  if (typeof f !== 'string') {
    fail(f === undefined
      ? 'the op map has no :f, expected the operation name such as :f :read'
      : `:f is ${show(f)}, expected the operation name as a keyword such as :read`);
  }
  let process = m.process as Process | EdnValue | undefined;
  if (process === 'nemesis') process = 'nemesis';
  else if (!(typeof process === 'number' && Number.isSafeInteger(process) && process >= 0)) {
    fail(process === undefined
      ? 'the op map has no :process, expected a non-negative integer or :nemesis'
      : `:process is ${show(process)}, expected a non-negative integer or :nemesis`);
  }

  let time: number = index;
  const t = m.time;
  if (typeof t === 'number' && Number.isFinite(t)) time = t;
  else if (typeof t === 'bigint') time = Number(t); // only past 104 days of nanoseconds; rounding is harmless
  else if (t !== undefined && t !== null) fail(`:time is ${show(t)}, expected a number of nanoseconds`);

  const op: Op = {
    index,
    time,
    process: process as Process,
    type: type as OpType,
    f: f as string,
    value: m.value === undefined ? null : normaliseNumbers(m.value),
  };
  const key = m.key;
  if (key !== undefined && key !== null) {
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint') fail(`:key is ${show(key)}, expected a string, keyword or number`);
    op.key = typeof key === 'bigint' ? bigintValue(key) : key as string | number;
  }
  const node = m.node;
  if (node !== undefined && node !== null) {
    if (typeof node === 'object') fail(`:node is ${show(node)}, expected the node's name`);
    op.node = String(node);
  }
  if (m.error !== undefined && m.error !== null) op.error = normaliseNumbers(m.error);
  return op;
}

/**
 * Values as Faultline's own records hold them: plain JSON. The reader already reads `1N` as 1; an
 * integer too large for a number becomes its exact decimal string, so equal values stay equal and
 * nothing downstream (models, explanations, results.json) meets a bigint it cannot serialise.
 */
export function normaliseNumbers(v: EdnValue): EdnValue {
  // One form per integer across readers (exact-int.ts): a number when safe, else its exact digits.
  return withoutBigints(v) as EdnValue;
}

/** Parses a Jepsen EDN history; `file` names it in errors. An empty file is an error, `[]` is not. */
export function parseEdnHistory(text: string, file = '<edn>'): Op[] {
  const { records, wrapped } = ednRecords(text, file);
  if (records.length === 0 && !wrapped) {
    throw new HistoryError(file, 1, 'the history is empty: it holds no op maps, expected a vector of ops or one op map per line');
  }
  const ops = new Array<Op>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    ops[i] = ednRecordToOp(r.value, file, r.line, i);
  }
  return ops;
}

/** Reads a Jepsen EDN history file. */
export async function readEdnHistory(path: string): Promise<Op[]> {
  return parseEdnHistory(await fs.promises.readFile(path, 'utf8'), path);
}

/** Names the kind of a value for an error message. */
export function describeValue(v: EdnValue): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'a vector or list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the word or string ${show(v)}`;
  return `the ${typeof v === 'boolean' ? 'boolean' : 'number'} ${String(v)}`;
}

/** A short rendering of a bad field value for an error message. */
export function show(v: EdnValue): string {
  if (v === null) return 'nil';
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (##Inf, ##NaN, or a number beyond the range of a double, such as 1e400)`;
  const s = typeof v === 'bigint' ? v.toString() : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
