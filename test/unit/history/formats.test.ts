import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type HistoryFormat,
  HistoryError,
  InputError,
  type Op,
  detectFormat,
  readHistory,
  streamHistory,
} from '../../../harness/ground/history/index.js';

const FIX = fileURLToPath(new URL('../../fixtures/history/', import.meta.url));
const fixture = (name: string) => path.join(FIX, name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-formats-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('detectFormat', () => {
  const CASES: [string, string, string, HistoryFormat][] = [
    ['JSONL', 'h.jsonl', '{"index":0,"process":0}\n', 'jsonl'],
    ['JSONL whatever the extension', 'h.txt', '\n{ "type":"ok"}', 'jsonl'],
    ['porcupine etcd, tabs', 'etcd_000.log', 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\n', 'porcupine-etcd'],
    ['porcupine etcd, spaces, .txt', 'e.txt', 'INFO  jepsen.util - 1   :invoke :write  3', 'porcupine-etcd'],
    ['porcupine kv', 'c01-ok.txt', '{:process 0, :type :invoke, :f :get, :key "0", :value nil}\n', 'porcupine-kv'],
    ['EDN op map per line without :key', 'h.txt', '{:process 0, :type :invoke, :f :read, :value nil}', 'edn'],
    ['EDN vector', 'history.edn', '[{:index 0, :type :invoke}', 'edn'],
    ['EDN vector in a .jsonl (content wins)', 'h.jsonl', '[\n', 'edn'],
    ['EDN list after a comment', 'h', '; Jepsen\n\n({:process 0', 'edn'],
    ['EDN tagged record', 'h', '#jepsen.history.Op{:index 0}', 'edn'],
    ['EDN map not starting with :process', 'h', '{:type :invoke, :process 0, :key 1}', 'edn'],
    ['empty .log', 'etcd_095.log', '', 'porcupine-etcd'],
    ['empty .edn', 'h.edn', '  \n', 'edn'],
    ['empty .jsonl', 'h.jsonl', '', 'jsonl'],
    ['empty, no extension', 'history', '', 'jsonl'],
    ['unknown content, known extension', 'h.edn', 'hello', 'edn'],
  ];
  it.each(CASES)('%s', (_name, file, head, format) => {
    expect(detectFormat(file, head)).toBe(format);
  });

  it('asks for --format when neither content nor extension decides', () => {
    expect(() => detectFormat('notes.txt', 'hello world')).toThrow(InputError);
    expect(() => detectFormat('notes.txt', 'hello world')).toThrow(/notes\.txt.*--format jsonl\|edn\|porcupine-etcd\|porcupine-kv/);
  });
});

describe('readHistory', () => {
  const FILES: [string, HistoryFormat, number][] = [
    ['valid.jsonl', 'jsonl', 7],
    ['jepsen-vector.edn', 'edn', 6],
    ['jepsen-lines.edn', 'edn', 5],
    ['porcupine-etcd-tabs.txt', 'porcupine-etcd', 14],
    ['porcupine-etcd-spaces.txt', 'porcupine-etcd', 4],
    ['porcupine-kv.txt', 'porcupine-kv', 6],
  ];
  it.each(FILES)('detects and reads %s', async (name, format, count) => {
    const r = await readHistory(fixture(name));
    expect(r.format).toBe(format);
    expect(r.ops).toHaveLength(count);
    const streamed: Op[] = [];
    for await (const op of streamHistory(fixture(name))) streamed.push(op);
    expect(streamed).toEqual(r.ops);
  });

  it('reads history.jsonl of a run directory', async () => {
    const r = await readHistory(fixture('run-dir'));
    expect(r.format).toBe('jsonl');
    expect(r.ops).toEqual((await readHistory(fixture('valid.jsonl'))).ops);
  });

  it('honours an explicit format', async () => {
    const r = await readHistory(fixture('porcupine-kv.txt'), 'edn');
    expect(r.format).toBe('edn');
    expect(r.ops[0].key).toBe('0');
  });

  it('names a missing path and the fix', async () => {
    const missing = path.join(tmp, 'nope.jsonl');
    const err = await readHistory(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `${missing} does not exist, pass an existing history file (.jsonl, .edn, porcupine log) or a Faultline run directory`,
    );
    await expect(async () => {
      for await (const _ of streamHistory(missing)) void _;
    }).rejects.toThrow(/does not exist/);
  });

  it('names a directory without history.jsonl and the fix', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    const err = await readHistory(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a directory without a history\\.jsonl, pass a Faultline run directory`));
  });

  it('passes the empty-history error of an empty JSONL file through', async () => {
    const err = await readHistory(fixture('empty.jsonl')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryError);
    expect((err as HistoryError).line).toBe(1);
  });

  it('streams a JSONL history without reading it first', async () => {
    const it = streamHistory(fixture('truncated.jsonl'))[Symbol.asyncIterator]();
    // The first two records arrive before the reader reaches the torn third line.
    expect((await it.next()).value).toMatchObject({ index: 0 });
    expect((await it.next()).value).toMatchObject({ index: 1 });
    await expect(it.next()).rejects.toThrow(HistoryError);
  });
});
