import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HistoryError, isClientOp, parseEdnHistory, readEdnHistory } from '../../../harness/ground/history/index.js';

const FIX = fileURLToPath(new URL('../../fixtures/history/', import.meta.url));
const fixture = (name: string) => path.join(FIX, name);

function errorOf(fn: () => unknown): HistoryError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HistoryError);
    return e as HistoryError;
  }
  throw new Error('expected a HistoryError');
}

describe('Jepsen EDN import', () => {
  it('reads a vector history with comments, commas, a nemesis, tags and a discarded form', async () => {
    const ops = await readEdnHistory(fixture('jepsen-vector.edn'));
    expect(ops).toEqual([
      { index: 0, time: 1000, process: 0, type: 'invoke', f: 'write', value: 1 },
      { index: 1, time: 1500, process: 'nemesis', type: 'info', f: 'start', value: ['isolated', { n1: ['n2', 'n3'] }] },
      { index: 2, time: 2000, process: 0, type: 'ok', f: 'write', value: 1, node: 'n1' },
      { index: 3, time: 2500, process: 1, type: 'invoke', f: 'read', value: null },
      { index: 4, time: 3000, process: 1, type: 'info', f: 'read', value: null, error: ['timeout', 'no "reply" in 5s'] },
      { index: 5, time: 3500, process: 2, type: 'fail', f: 'cas', value: [1, 2], key: 7 },
    ]);
    expect(ops.filter(isClientOp)).toHaveLength(5);
  });

  it('reads one op map per line, gives dense indexes and uses the index as time when :time is absent', async () => {
    const ops = await readEdnHistory(fixture('jepsen-lines.edn'));
    expect(ops.map((o) => [o.index, o.time, o.process, o.type, o.f, o.value])).toEqual([
      [0, 0, 0, 'invoke', 'write', 0],
      [1, 1, 0, 'ok', 'write', 0],
      [2, 2, 1, 'invoke', 'read', null],
      [3, 3, 1, 'ok', 'read', 0],
      [4, 4, 'nemesis', 'info', 'kill', null],
    ]);
  });

  it('reads a top-level list', async () => {
    const ops = await readEdnHistory(fixture('jepsen-list.edn'));
    expect(ops.map((o) => o.value)).toEqual([null, 3]);
  });

  it('ignores the file\'s own :index (filtered Jepsen histories have gaps) and keeps :time', () => {
    const ops = parseEdnHistory('[{:index 7, :time 5, :process 0, :type :invoke, :f :read}\n {:index 9, :time 3, :process 0, :type :ok, :f :read, :value 1}]');
    expect(ops.map((o) => [o.index, o.time])).toEqual([[0, 5], [1, 3]]);
    expect(ops[0].value).toBeNull();
  });

  it('accepts an explicit empty vector as an empty history', () => {
    expect(parseEdnHistory('[]')).toEqual([]);
    expect(parseEdnHistory('; nothing yet\n[ ]\n')).toEqual([]);
  });

  it('keeps string and keyword :process "nemesis" as the nemesis and stringifies a keyword :node', () => {
    const ops = parseEdnHistory('{:process "nemesis", :type :info, :f :heal, :node :n2}');
    expect(ops[0]).toMatchObject({ process: 'nemesis', node: 'n2' });
  });

  const FILES: [string, number, RegExp][] = [
    ['broken-not-map.edn', 2, /the record is a vector or list, expected an op map like/],
    ['broken-missing-type.edn', 3, /the op map has no :type, expected :type :invoke, :ok, :fail or :info/],
    ['broken-unclosed.edn', 3, /the history opened with "\[" on line 1 is never closed/],
  ];
  it.each(FILES)('%s fails at line %i', async (name, line, message) => {
    const err = await readEdnHistory(fixture(name)).then(
      () => { throw new Error('expected an error'); },
      (e: unknown) => e as HistoryError,
    );
    expect(err).toBeInstanceOf(HistoryError);
    expect(err.file).toBe(fixture(name));
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
  });

  const RECORDS: [string, string, RegExp][] = [
    ['bad type', '{:process 0, :type :done, :f :read}', /:type is "done", expected :invoke, :ok, :fail or :info/],
    ['missing f', '{:process 0, :type :ok}', /the op map has no :f/],
    ['numeric f', '{:process 0, :type :ok, :f 3}', /:f is 3, expected the operation name/],
    ['missing process', '{:type :ok, :f :read}', /the op map has no :process/],
    ['negative process', '{:process -2, :type :ok, :f :read}', /:process is -2, expected a non-negative integer or :nemesis/],
    ['other keyword process', '{:process :client, :type :ok, :f :read}', /:process is "client"/],
    ['string time', '{:process 0, :type :ok, :f :read, :time "x"}', /:time is "x", expected a number of nanoseconds/],
    ['vector key', '{:process 0, :type :ok, :f :read, :key [1]}', /:key is \[1\], expected a string, keyword or number/],
    ['nil record', 'nil', /the record is nil, expected an op map/],
    ['keyword record', ':ok', /the record is the word or string "ok"/],
  ];
  it.each(RECORDS)('%s', (_name, bad, message) => {
    const err = errorOf(() => parseEdnHistory(`{:process 0, :type :invoke, :f :read}\n${bad}\n`, 'h.edn'));
    expect(err.line).toBe(2);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith('h.edn:2: ')).toBe(true);
  });

  it('rejects an empty file (nothing was recorded) with line 1', () => {
    const err = errorOf(() => parseEdnHistory(' ; only a comment\n', 'h.edn'));
    expect(err.line).toBe(1);
    expect(err.message).toMatch(/the history is empty/);
  });

  it('rejects input after the closing bracket of a vector history', () => {
    const err = errorOf(() => parseEdnHistory('[]\n{:process 0, :type :ok, :f :read}'));
    expect(err.message).toMatch(/more input follows the history/);
  });
});
