/**
 * One entry point for every history format Faultline reads, so `faultline check` takes a run
 * directory, Faultline's JSONL, a Jepsen EDN history or a porcupine log without a flag.
 *
 * Detection trusts the content before the extension: porcupine's kv logs are `.txt`, Jepsen's
 * history is sometimes saved as `.txt` or `.log`, and a JSONL line is unmistakable. The extension
 * only decides when the content cannot (an empty file, say).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from './errors.js';
import { checkInputFile } from './input-file.js';
import { readEdnHistory } from './import-edn.js';
import { readPorcupineEtcd } from './import-porcupine-etcd.js';
import { readPorcupineKv } from './import-porcupine-kv.js';
import { readJsonl } from './jsonl-reader.js';
import type { Op } from './op.js';

/** The history formats Faultline reads. */
export type HistoryFormat = 'jsonl' | 'edn' | 'porcupine-etcd' | 'porcupine-kv';

/** Every HistoryFormat, e.g. for a CLI flag's choices. */
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['jsonl', 'edn', 'porcupine-etcd', 'porcupine-kv'];

/** How much of a file detection looks at. */
const HEAD_BYTES = 64 * 1024;
const RUN_DIR_HISTORY = 'history.jsonl';

const BY_EXTENSION: Record<string, HistoryFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.edn': 'edn',
  '.log': 'porcupine-etcd',
};

/** Guesses the format of `path` from its first lines `head`, falling back to its extension. */
export function detectFormat(path: string, head: string): HistoryFormat {
  const line = firstMeaningfulLine(head);
  if (line !== null) {
    if (/^\{\s*"/.test(line)) return 'jsonl';
    if (line.startsWith('INFO') && line.includes('jepsen.util')) return 'porcupine-etcd';
    if (/^\{:process\s+\d+,?\s+:type\s/.test(line) && line.includes(':key ') && line.trimEnd().endsWith('}')) return 'porcupine-kv';
    if (/^(\[|\(|\{:|#)/.test(line)) return 'edn';
  }
  const byExt = BY_EXTENSION[nodePath.extname(path).toLowerCase()];
  if (byExt !== undefined) return byExt;
  // Nothing to go by (typically an empty file): the JSONL reader then says precisely what is wrong.
  if (line === null) return 'jsonl';
  throw new InputError(
    `cannot tell the history format of ${path} from its first line, pass --format ${HISTORY_FORMATS.join('|')}`,
  );
}

/** The first line that is neither blank nor an EDN `;` comment, or null. */
function firstMeaningfulLine(head: string): string | null {
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  for (const raw of head.split('\n')) {
    const line = raw.trim();
    if (line !== '' && !line.startsWith(';')) return line;
  }
  return null;
}

/**
 * Resolves what the user named to a history file: a Faultline run directory means its
 * `history.jsonl`. Throws InputError with the fix when there is nothing to read.
 */
export async function resolveHistoryPath(path: string): Promise<string> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(path);
  } catch (err) {
    throw fileError(path, err);
  }
  if (!stat.isDirectory()) {
    // A FIFO blocked `check` forever and /dev/zero streams without end: only a regular file is a history.
    checkInputFile(path, path, Infinity);
    return path;
  }
  const file = nodePath.join(path, RUN_DIR_HISTORY);
  try {
    await fs.promises.access(file, fs.constants.R_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(
        `${path} is a directory without a ${RUN_DIR_HISTORY}, pass a Faultline run directory (store/<test>/<timestamp>) or a history file`,
      );
    }
    throw fileError(file, err);
  }
  checkInputFile(file, file, Infinity);
  return file;
}

function fileError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new InputError(`${path} does not exist, pass an existing history file (.jsonl, .edn, porcupine log) or a Faultline run directory`);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError(`${path} cannot be read (permission denied), make it readable or copy it somewhere readable`);
  }
  return new InputError(`${path} cannot be read (${code ?? (err as Error).message}), check the path`);
}

/** Resolves the path (a run directory → its history) and the format ('auto' sniffs the first 64 KiB). */
export async function resolveHistory(path: string, format: HistoryFormat | 'auto'): Promise<{ file: string; format: HistoryFormat }> {
  const file = await resolveHistoryPath(path);
  if (format !== 'auto') return { file, format };
  let head: string;
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
      head = buf.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileError(file, err);
  }
  return { file, format: detectFormat(file, head) };
}

/** Reads a whole history (file or run directory) in the given or detected format. */
export async function readHistory(
  path: string,
  format: HistoryFormat | 'auto' = 'auto',
): Promise<{ ops: Op[]; format: HistoryFormat }> {
  const r = await resolveHistory(path, format);
  return { ops: await readResolved(r.file, r.format), format: r.format };
}

/** The largest history read whole (EDN, porcupine logs): V8 caps a string near 512 MiB. */
const WHOLE_READ_CAP = 256 * 1024 * 1024;

async function readResolved(file: string, format: HistoryFormat): Promise<Op[]> {
  switch (format) {
    case 'jsonl': {
      // Streaming also here: a history too large for one string (V8 caps them near 512 MiB) still reads.
      const ops: Op[] = [];
      for await (const op of readJsonl(file)) ops.push(op);
      return ops;
    }
    case 'edn':
    case 'porcupine-etcd':
    case 'porcupine-kv':
      // These formats are read whole, as one string: past V8's string cap the read would throw a RangeError.
      checkInputFile(file, file, WHOLE_READ_CAP);
  }
  switch (format) {
    case 'edn': return readEdnHistory(file);
    case 'porcupine-etcd': return readPorcupineEtcd(file);
    case 'porcupine-kv': return readPorcupineKv(file);
  }
}

/** Streams a history's ops (JSONL from disk, other formats load fully); errors surface on iteration. */
export function streamHistory(path: string, format: HistoryFormat | 'auto' = 'auto'): AsyncIterable<Op> {
  return {
    async *[Symbol.asyncIterator]() {
      const r = await resolveHistory(path, format);
      if (r.format === 'jsonl') yield* readJsonl(r.file);
      else yield* await readResolved(r.file, r.format);
    },
  };
}
