/**
 * Public API of harness/ground/history: the Op record, its errors, the JSONL writer and reader, the
 * importers of Jepsen and porcupine histories, and the EDN exporter. Explicit names, no `export *`,
 * so that what is public is a decision made here.
 */
export { OP_TYPES, isClientOp, isCompletion, isEvent, withoutEvents } from './op.js';
export type { Op, OpType, Process } from './op.js';
export { HistoryError, InputError } from './errors.js';

export { HistoryWriter } from './jsonl-writer.js';
export type { HistoryWriterOptions } from './jsonl-writer.js';
export { parseJsonl, readJsonl, readJsonlSync } from './jsonl-reader.js';
export type { ReadJsonlOptions } from './jsonl-reader.js';

export { EdnReader, parseEdn, parseEdnAll } from './edn.js';
export type { EdnValue } from './edn.js';
export { parseEdnHistory, readEdnHistory } from './import-edn.js';
export { parsePorcupineEtcd, readPorcupineEtcd } from './import-porcupine-etcd.js';
export { parsePorcupineKv, readPorcupineKv } from './import-porcupine-kv.js';
export { ednExport, opToEdn, toEdn, toEdnValue } from './export-edn.js';

export { HISTORY_FORMATS, detectFormat, readHistory, resolveHistory, resolveHistoryPath, streamHistory } from './formats.js';
export { Pairer, pairOps } from './pair.js';
export type { Operation, Outcome } from './pair.js';
export type { HistoryFormat } from './formats.js';
