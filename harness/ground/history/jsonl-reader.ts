/**
 * Reads Faultline's own `history.jsonl` (docs/architecture.md, "Core records"): one JSON op per line.
 *
 * The streaming reader works on raw byte chunks and splits on `\n` itself instead of using
 * `readline`: readline pays for an EventEmitter round-trip and a string concat per line, which is
 * several times slower on million-line histories. Splitting bytes on 0x0A is safe for UTF-8 because
 * that byte never occurs inside a multi-byte sequence.
 */
import fs from 'node:fs';
import { MAX_NESTING, TOO_DEEP, tooDeep } from './depth.js';
import { HistoryError } from './errors.js';
import { mayHaveRounded, parseJsonExact } from './exact-int.js';
import { OP_TYPES, type Op, type OpType, type Process } from './op.js';

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions {
  /** Bytes read per system call. Default 1 MiB; tests use tiny values to exercise line splitting. */
  chunkSize?: number;
  /**
   * A last line cut off mid-record (no newline, not JSON: the writer crashed) is dropped and this gets
   * the note saying so. Without it, such a line is an error. `faultline check` and the report both
   * drop it with this note: one rule for a crashed run's history.
   */
  onTornLastLine?: (note: string) => void;
}

/** The note for a dropped torn last line (the same words in `check` and in the report). */
export function tornLastLineNote(file: string, line: number): string {
  return `${file}:${line}: the last line is cut off (the writer stopped mid-record, as when a run crashes) and was left out`;
}

const DEFAULT_CHUNK = 1 << 20;
const EXAMPLE = '{"index":0,"time":0,"process":0,"type":"invoke","f":"read","value":null}';

/** Streams the ops of a JSONL history, validating each record; throws HistoryError on the first bad one. */
export async function* readJsonl(path: string, options: ReadJsonlOptions = {}): AsyncGenerator<Op> {
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK);
  const handle = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkSize);
    // The unfinished line, as the pieces read so far: joined once when its newline arrives, so a
    // line spanning n chunks costs O(n) and not O(n²) (re-joining it on every chunk was quadratic).
    let pieces: Buffer[] = [];
    let carry: Buffer | null = null;
    let line = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      let start = 0;
      let nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        // Copy: `buf` is reused by the next read, and a view into it would be overwritten.
        pieces.push(Buffer.from(chunk));
        continue;
      }
      if (pieces.length > 0) {
        pieces.push(chunk.subarray(0, nl));
        const whole = Buffer.concat(pieces);
        pieces = [];
        line++;
        const op = parseLine(path, line, lineText(whole, 0, whole.length, line), position, false);
        start = nl + 1;
        if (op !== null) {
          position++;
          yield op;
        }
        nl = chunk.indexOf(0x0a, start);
      }
      for (; nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        line++;
        const op = parseLine(path, line, lineText(chunk, start, nl, line), position, false);
        start = nl + 1;
        if (op !== null) {
          position++;
          yield op;
        }
      }
      if (start < chunk.length) pieces.push(Buffer.from(chunk.subarray(start)));
    }
    if (pieces.length > 0) carry = Buffer.concat(pieces);
    if (carry !== null) {
      line++;
      const op = parseLine(path, line, lineText(carry, 0, carry.length, line), position, true, options.onTornLastLine);
      if (op !== null) {
        position++;
        yield op;
      }
    }
    if (position === 0) throw emptyHistory(path);
  } finally {
    await handle.close();
  }
}

/** Reads a whole JSONL history at once; simpler and faster for small files, holds the file in memory. */
export function readJsonlSync(path: string): Op[] {
  return parseJsonl(fs.readFileSync(path, 'utf8'), path);
}

/** Parses JSONL text already in memory; `file` names it in errors. */
export function parseJsonl(text: string, file: string): Op[] {
  const ops: Op[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    const last = nl === -1;
    if (last) nl = text.length;
    line++;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    const op = parseLine(file, line, text.slice(start, end), ops.length, last);
    if (op !== null) ops.push(op);
    start = nl + 1;
  }
  if (ops.length === 0) throw emptyHistory(file);
  return ops;
}

/** Decodes one line, dropping a CR (files edited on Windows) and a BOM on line 1. */
function lineText(data: Buffer, start: number, end: number, line: number): string {
  if (end > start && data[end - 1] === 0x0d) end--;
  if (line === 1 && end - start >= 3 && data[start] === 0xef && data[start + 1] === 0xbb && data[start + 2] === 0xbf) {
    start += 3;
  }
  return data.toString('utf8', start, end);
}

function emptyHistory(file: string): HistoryError {
  return new HistoryError(
    file,
    1,
    'the history is empty: it holds no records, expected one JSON op per line (did the run record anything?)',
  );
}

/**
 * Parses and validates one line. `position` is the record's 0-based position, used when the record
 * has no `index`. `unterminated` marks a last line without `\n`, which is how a crash mid-write looks.
 * Returns null for a blank line.
 */
function parseLine(file: string, line: number, text: string, position: number, unterminated: boolean, onTorn?: (note: string) => void): Op | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    if (text.trim() === '') return null;
    if (unterminated && onTorn) {
      onTorn(tornLastLineNote(file, line));
      return null;
    }
    if (unterminated) {
      throw new HistoryError(
        file,
        line,
        'the last line is cut off (the file ends in the middle of a record, as when the writer crashed), ' +
          'expected a complete JSON object: delete the partial line to read the rest',
      );
    }
    const why = (err as Error).message;
    throw new HistoryError(file, line, `the line is not valid JSON (${why}), expected one JSON object per line like ${EXAMPLE}`);
  }
  // Nesting d needs at least 2d characters, so only a long line can be too deep: the walk stays off the hot path.
  if (text.length > 2 * MAX_NESTING && tooDeep(raw)) throw new HistoryError(file, line, TOO_DEEP);
  // JSON.parse rounds integers beyond 2^53; the rare record that may hold one is parsed again exactly
  // (exact-int.ts), so a stale read of 2^53 after a write of 2^53+1 is not read as a match.
  if (mayRound(raw)) {
    const time = (raw as Record<string, unknown>).time;
    raw = parseJsonExact(text);
    // A time is a double by contract (rounding one past 104 days of ns is harmless): keep JSON.parse's.
    (raw as Record<string, unknown>).time = time;
  }
  return toOp(raw, file, line, position);
}

/** True when a field an Op keeps may hold an integer JSON.parse rounded; checks only those fields, so it stays cheap per line. */
function mayRound(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object') return false;
  const r = raw as Record<string, unknown>;
  return mayHaveRounded(r.value) || mayHaveRounded(r.key) || mayHaveRounded(r.error);
}

/** Validates a parsed JSON record as an Op; copies only known fields so every Op has one shape. */
function toOp(raw: unknown, file: string, line: number, position: number): Op {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const what = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`;
    throw new HistoryError(file, line, `the record is ${what}, expected a JSON object like ${EXAMPLE}`);
  }
  const r = raw as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new HistoryError(file, line, what);
  };

  const type = r.type;
  if (!(OP_TYPES as readonly unknown[]).includes(type)) {
    fail(`field "type" is ${show(type)}, expected one of ${OP_TYPES.map((t) => `"${t}"`).join(', ')}`);
  }
  const f = r.f;
  if (typeof f !== 'string') fail(`field "f" is ${show(f)}, expected the operation name as a string such as "read"`);
  const process = r.process;
  if (!(process === 'nemesis' || (Number.isSafeInteger(process) && (process as number) >= 0))) {
    fail(`field "process" is ${show(process)}, expected a non-negative integer or "nemesis"`);
  }
  let index = r.index;
  if (index === undefined) index = position;
  else if (!(Number.isSafeInteger(index) && (index as number) >= 0)) {
    fail(`field "index" is ${show(index)}, expected a non-negative integer (or no index, to use the record's position)`);
  }
  let time = r.time;
  if (time === undefined) time = index;
  else if (typeof time !== 'number' || !Number.isFinite(time)) {
    fail(`field "time" is ${show(time)}, expected a number of nanoseconds (or no time, to use the index)`);
  }

  const op: Op = {
    index: index as number,
    time: time as number,
    process: process as Process,
    type: type as OpType,
    f: f as string,
    // A record without a value (JSON.stringify drops `undefined`) reads back as null.
    value: r.value === undefined ? null : r.value,
  };
  // Optional fields: null is accepted as "absent" because writers in other languages emit it.
  const key = r.key;
  if (key !== undefined && key !== null) {
    if (typeof key !== 'string' && typeof key !== 'number') {
      fail(`field "key" is ${show(key)}, expected a string or a number`);
    }
    op.key = key as string | number;
  }
  const node = r.node;
  if (node !== undefined && node !== null) {
    if (typeof node !== 'string') fail(`field "node" is ${show(node)}, expected the node's name as a string`);
    op.node = node as string;
  }
  if (r.error !== undefined && r.error !== null) op.error = r.error;
  return op;
}

/** A short rendering of a bad field value for an error message. */
function show(v: unknown): string {
  if (v === undefined) return 'missing';
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would print as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (a number beyond the range of a double, such as 1e400)`;
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
