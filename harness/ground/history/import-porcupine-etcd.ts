/**
 * Imports porcupine's Jepsen etcd logs (`test_data/jepsen/etcd_NNN.log` in porcupine's repository;
 * the line shapes are listed below), keeping porcupine's semantics (docs/architecture.md, "Imported histories keep
 * their authors' semantics"):
 *
 * - `:fail :cas` stays `fail`: the compare ran and failed. Whether a checker treats that as "did not
 *   happen" or as a state-constrained step is the model's decision, not the importer's.
 * - `:fail :read :timed-out` becomes `info`: despite the `:fail`, the client learned nothing.
 * - `:info … :timed-out` stays `info`. On both timeouts the value becomes null with `error:
 *   'timed-out'`, so nobody mistakes the keyword for a value that was read or written.
 * - `nil` reads stay null: the key was absent.
 *
 * An empty file is an empty, trivially linearizable history (the corpus holds one, etcd_095), so this
 * importer, unlike the JSONL and EDN readers, does not reject it.
 */
import fs from 'node:fs';
import { HistoryError } from './errors.js';
import { exactInteger } from './exact-int.js';
import type { Op, OpType } from './op.js';

const EXPECTED = 'expected "INFO  jepsen.util - <process> <:invoke|:ok|:fail|:info> <:f> <nil|N|[A B]|:timed-out>"';
const PREFIX = /^INFO[ \t]+jepsen\.util[ \t]+-[ \t]+/;
// One regex per line is fast enough: the largest log has under 200 lines.
const RECORD = /^(\d+)[ \t]+:(invoke|ok|fail|info)[ \t]+:([A-Za-z][\w.*+!?<>=-]*)[ \t]+(nil|-?\d+|\[[ \t]*-?\d+[ \t]+-?\d+[ \t]*\]|:timed-out)[ \t]*$/;
const PAIR = /-?\d+/g;

/** Parses a porcupine etcd log; `file` names it in errors. */
export function parsePorcupineEtcd(text: string, file = '<porcupine-etcd>'): Op[] {
  const ops: Op[] = [];
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    line++;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    const s = text.slice(start, end);
    start = nl + 1;
    if (s.trim() === '') continue;
    ops.push(parseLine(s, file, line, ops.length));
  }
  return ops;
}

/** Reads a porcupine etcd log file. */
export async function readPorcupineEtcd(path: string): Promise<Op[]> {
  return parsePorcupineEtcd(await fs.promises.readFile(path, 'utf8'), path);
}

function parseLine(s: string, file: string, line: number, index: number): Op {
  const prefix = PREFIX.exec(s);
  if (prefix === null) {
    throw new HistoryError(file, line, `the line does not start with "INFO jepsen.util -", so it is not a porcupine etcd log record; ${EXPECTED}`);
  }
  const m = RECORD.exec(s.slice(prefix[0].length));
  if (m === null) throw new HistoryError(file, line, `the line is not a porcupine etcd log record, ${EXPECTED}`);
  const [, proc, rawType, f, rawValue] = m;
  const process = Number(proc);
  if (!Number.isSafeInteger(process)) throw new HistoryError(file, line, `process ${proc} is too large, expected a small non-negative integer`);

  const timedOut = rawValue === ':timed-out';
  let type = rawType as OpType;
  if (timedOut) {
    if (type === 'invoke' || type === 'ok') {
      throw new HistoryError(file, line, `":${type}" with value :timed-out makes no sense, expected :timed-out only on a :fail or :info completion`);
    }
    // Whatever the log says, a timeout tells the client nothing: the op is indeterminate.
    type = 'info';
  }
  const op: Op = { index, time: index, process, type, f, value: timedOut ? null : parseValue(rawValue) };
  if (timedOut) op.error = 'timed-out';
  return op;
}

/** A value as records hold it: integers beyond 2^53 as exact decimal strings (exact-int.ts), never rounded. */
function parseValue(v: string): unknown {
  if (v === 'nil') return null;
  if (v.charCodeAt(0) === 0x5b /* [ */) return v.match(PAIR)!.map(exactInteger);
  return exactInteger(v);
}
