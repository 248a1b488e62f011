/**
 * Writes a history as Jepsen-readable EDN: a vector with one op map per line, so that line N holds
 * op N-1 (as in history.jsonl) and Knossos, Elle or a human can read it.
 *
 * A keyed op gets an explicit `:key` entry rather than Jepsen's independent tuple `[key value]` in
 * `:value`. The tuple is ambiguous on the way back: a cas value `[1 2]` and key 1 / value 2 print
 * the same, so a reader would have to guess from the workload. `:key` is unambiguous, round-trips
 * through import-edn, and Jepsen's checkers ignore map entries they do not know; a Jepsen user who
 * needs tuples can rewrite `{:key k :value v}` to `[k v]` with one `map`.
 *
 * Event records (`type: 'event'`, a watch's deliveries) are left out: Jepsen's op types are
 * invoke/ok/fail/info, and its history (jepsen.history), Knossos and Elle pair every op of a process
 * with the next one of that process — an event between a watch's invoke and its completion would be
 * taken for the completion. No Jepsen checker reads watch events, so nothing is lost to them; when
 * any are left out the ops are renumbered densely (Jepsen requires dense indices) and a `;` comment
 * after the vector says how many, so a reader of the file knows it is not the whole history.
 */
import { withoutEvents, type Op } from './op.js';

// Keywords only where the reader reads them back as the same string; everything else is a string.
const KEYWORD = /^[A-Za-z*!_?$%&=<>][A-Za-z0-9*!_?$%&=<>.+-]*$/;
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** Renders ops as an EDN vector of op maps, one per line, ending with a newline; events left out. */
export function toEdn(ops: readonly Op[]): string {
  return ednExport(ops).edn;
}

/** {@link toEdn}, with the number of event records it left out. */
export function ednExport(ops: readonly Op[]): { edn: string; droppedEvents: number } {
  const kept = withoutEvents(ops);
  const dropped = ops.length - kept.length;
  const note = dropped > 0 ? `; ${dropped} event record${dropped === 1 ? '' : 's'} (watch deliveries) left out: Jepsen's op types are invoke, ok, fail and info; indices renumbered densely\n` : '';
  if (kept.length === 0) return { edn: `[]\n${note}`, droppedEvents: dropped };
  const lines = new Array<string>(kept.length);
  for (let i = 0; i < kept.length; i++) lines[i] = opToEdn(dropped > 0 ? { ...kept[i], index: i } : kept[i]);
  return { edn: `[${lines.join('\n ')}]\n${note}`, droppedEvents: dropped };
}

/** Renders one op as an EDN map with Jepsen's keys. */
export function opToEdn(op: Op): string {
  let s = `{:index ${ednNumber(op.index)}, :time ${ednNumber(op.time)}, :type :${op.type}, ` +
    `:process ${op.process === 'nemesis' ? ':nemesis' : ednNumber(op.process)}, :f ${ednName(op.f)}`;
  if (op.key !== undefined) s += `, :key ${toEdnValue(op.key)}`;
  s += `, :value ${toEdnValue(op.value)}`;
  if (op.node !== undefined) s += `, :node ${ednString(op.node)}`;
  if (op.error !== undefined) s += `, :error ${toEdnValue(op.error)}`;
  return s + '}';
}

/** Renders a JSON-like value as EDN: arrays → vectors, objects → maps, null → nil. */
export function toEdnValue(v: unknown): string {
  switch (typeof v) {
    case 'string': return ednString(v);
    case 'number': return ednNumber(v);
    case 'bigint': return `${v}N`; // the N keeps it a bigint when read back, even if small
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return 'nil';
    case 'object': {
      if (v === null) return 'nil';
      if (Array.isArray(v)) return `[${v.map(toEdnValue).join(' ')}]`;
      if (v instanceof Set) return `#{${[...v].map(toEdnValue).join(' ')}}`;
      if (v instanceof Date) return `#inst ${ednString(v.toISOString())}`;
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
      return `{${entries.map(([k, x]) => `${mapKey(k)} ${toEdnValue(x)}`).join(', ')}}`;
    }
    default:
      throw new TypeError(`cannot write a ${typeof v} as EDN`);
  }
}

function mapKey(k: unknown): string {
  return typeof k === 'string' && KEYWORD.test(k) ? `:${k}` : toEdnValue(k);
}

/** A name such as `:f`: a keyword when it reads back unchanged, else a string. */
function ednName(s: string): string {
  return KEYWORD.test(s) ? `:${s}` : ednString(s);
}

function ednNumber(n: number): string {
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? '-0.0' : String(n);
  if (Number.isNaN(n)) return '##NaN';
  if (!Number.isFinite(n)) return n > 0 ? '##Inf' : '##-Inf';
  const s = String(n);
  // An integral double beyond 2^53 prints without a point; the reader would make it a bigint.
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Quotes a string; escapes control characters and lone surrogates (which UTF-8 cannot carry). */
function ednString(s: string): string {
  if (PLAIN_STRING.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20) out += unicodeEscape(c);
    else if (c >= 0xd800 && c <= 0xdbff && isLow(s.charCodeAt(i + 1))) {
      out += s[i] + s[i + 1]; // a well-formed pair is written as is
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += unicodeEscape(c);
    else out += s[i];
  }
  return out + '"';
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function unicodeEscape(c: number): string {
  return '\\u' + c.toString(16).padStart(4, '0');
}
