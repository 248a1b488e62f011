/**
 * Imports porcupine's key-value histories (`test_data/kv/cNN-{ok,bad}.txt` in porcupine's
 * repository): one EDN map per line, `{:process N, :type :invoke|:ok, :f :get|:put|:append, :key "k",
 * :value "v"|nil}`. The key goes to `Op.key` so checkers can partition by it (P-compositionality).
 *
 * The lines are EDN, so this reuses the EDN reader and the Jepsen op conversion and only adds the
 * checks that make a record a kv record. The generic reader parses a 4,000-line c50 file in a few
 * milliseconds, so a dedicated parser would not pay for itself.
 *
 * As with porcupine's etcd logs, an empty file is an empty history (porcupine's parser accepts it).
 */
import fs from 'node:fs';
import type { EdnValue } from './edn.js';
import { HistoryError } from './errors.js';
import { ednRecords, ednRecordToOp, show } from './import-edn.js';
import type { Op } from './op.js';

const KV_FS = new Set(['get', 'put', 'append']);

/** Parses a porcupine kv history; `file` names it in errors. */
export function parsePorcupineKv(text: string, file = '<porcupine-kv>'): Op[] {
  const { records } = ednRecords(text, file);
  const ops = new Array<Op>(records.length);
  for (let i = 0; i < records.length; i++) {
    const { value, line } = records[i];
    const op = ednRecordToOp(value, file, line, i);
    const fail = (what: string): never => {
      throw new HistoryError(file, line, what);
    };
    if (op.process === 'nemesis') fail('the record has :process :nemesis, expected a client number (kv histories have no nemesis)');
    if (!KV_FS.has(op.f)) fail(`:f is ${show(op.f)}, expected :get, :put or :append`);
    if (typeof op.key !== 'string') {
      fail(op.key === undefined ? 'the record has no :key, expected :key "<key>"' : `:key is ${show(op.key)}, expected a string such as "0"`);
    }
    if (op.value !== null && typeof op.value !== 'string') {
      fail(`:value is ${show(op.value as EdnValue)}, expected a string or nil`);
    }
    ops[i] = op;
  }
  return ops;
}

/** Reads a porcupine kv history file. */
export async function readPorcupineKv(path: string): Promise<Op[]> {
  return parsePorcupineKv(await fs.promises.readFile(path, 'utf8'), path);
}
