import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  HistoryError,
  parsePorcupineEtcd,
  parsePorcupineKv,
  readPorcupineEtcd,
  readPorcupineKv,
} from '../../../harness/ground/history/index.js';

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

describe('porcupine etcd logs', () => {
  const LINE = (rest: string) => `INFO  jepsen.util - 3\t${rest}`;
  // Every line shape of the corpus (README §1) and what it becomes.
  const SHAPES: [string, Record<string, unknown>][] = [
    [':invoke\t:read\tnil', { type: 'invoke', f: 'read', value: null }],
    [':invoke\t:write\t4', { type: 'invoke', f: 'write', value: 4 }],
    [':invoke\t:cas\t[1 2]', { type: 'invoke', f: 'cas', value: [1, 2] }],
    [':ok\t:read\tnil', { type: 'ok', f: 'read', value: null }],
    [':ok\t:read\t3', { type: 'ok', f: 'read', value: 3 }],
    [':ok\t:write\t4', { type: 'ok', f: 'write', value: 4 }],
    [':ok\t:cas\t[1 2]', { type: 'ok', f: 'cas', value: [1, 2] }],
    [':fail\t:cas\t[1 2]', { type: 'fail', f: 'cas', value: [1, 2] }],
    [':fail\t:read\t:timed-out', { type: 'info', f: 'read', value: null, error: 'timed-out' }],
    [':info\t:write\t:timed-out', { type: 'info', f: 'write', value: null, error: 'timed-out' }],
    [':info\t:cas\t:timed-out', { type: 'info', f: 'cas', value: null, error: 'timed-out' }],
  ];
  it.each(SHAPES)('%s', (rest, expected) => {
    expect(parsePorcupineEtcd(LINE(rest))).toEqual([{ index: 0, time: 0, process: 3, ...expected }]);
  });

  it('reads the tab-separated layout of logs 000-099', async () => {
    const ops = await readPorcupineEtcd(fixture('porcupine-etcd-tabs.txt'));
    expect(ops).toHaveLength(14);
    expect(ops.map((o) => o.index)).toEqual([...Array(14).keys()]);
    expect(ops.map((o) => o.time)).toEqual([...Array(14).keys()]);
    expect(ops.map((o) => `${o.process} ${o.type} ${o.f}`)).toEqual([
      '0 invoke read', '1 invoke write', '2 invoke cas', '0 ok read', '1 ok write', '2 fail cas', '0 invoke read',
      '0 info read', '2 invoke write', '2 info write', '3 invoke cas', '3 ok cas', '4 invoke read', '4 ok read',
    ]);
  });

  it('reads the space-separated layout of logs 100-102 and any mix of spaces and tabs', async () => {
    const ops = await readPorcupineEtcd(fixture('porcupine-etcd-spaces.txt'));
    expect(ops).toEqual([
      { index: 0, time: 0, process: 1, type: 'invoke', f: 'write', value: 3 },
      { index: 1, time: 1, process: 4, type: 'invoke', f: 'cas', value: [1, 2] },
      { index: 2, time: 2, process: 1, type: 'ok', f: 'write', value: 3 },
      { index: 3, time: 3, process: 4, type: 'info', f: 'cas', value: null, error: 'timed-out' },
    ]);
  });

  it('reads an empty file as an empty history (etcd_095 is empty and trivially linearizable)', () => {
    expect(parsePorcupineEtcd('')).toEqual([]);
    expect(parsePorcupineEtcd('\n\n')).toEqual([]);
  });

  it('accepts CRLF line endings', () => {
    expect(parsePorcupineEtcd(`${LINE(':invoke\t:read\tnil')}\r\n${LINE(':ok\t:read\t1')}\r\n`)).toHaveLength(2);
  });

  const BROKEN: [string, number, RegExp][] = [
    ['porcupine-etcd-bad-value.txt', 2, /is not a porcupine etcd log record, expected "INFO {2}jepsen.util - <process>/],
    ['porcupine-etcd-bad-prefix.txt', 3, /does not start with "INFO jepsen.util -"/],
  ];
  it.each(BROKEN)('%s fails at line %i', async (name, line, message) => {
    const err = await readPorcupineEtcd(fixture(name)).then(
      () => { throw new Error('expected an error'); },
      (e: unknown) => e as HistoryError,
    );
    expect(err).toBeInstanceOf(HistoryError);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`${fixture(name)}:${line}: `)).toBe(true);
  });

  it('rejects :timed-out on an invoke or ok', () => {
    expect(errorOf(() => parsePorcupineEtcd(LINE(':ok\t:read\t:timed-out'))).message).toMatch(/expected :timed-out only on a :fail or :info/);
  });
});

describe('porcupine kv logs', () => {
  it('reads keys into Op.key and values as strings or null', async () => {
    const ops = await readPorcupineKv(fixture('porcupine-kv.txt'));
    expect(ops).toEqual([
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'put', key: '0', value: 'x 0 0 y' },
      { index: 1, time: 1, process: 1, type: 'invoke', f: 'get', key: '0', value: null },
      { index: 2, time: 2, process: 0, type: 'ok', f: 'put', key: '0', value: 'x 0 0 y' },
      { index: 3, time: 3, process: 1, type: 'ok', f: 'get', key: '0', value: 'x 0 0 y' },
      { index: 4, time: 4, process: 1, type: 'invoke', f: 'append', key: '1', value: 'x 1 0 y' },
      { index: 5, time: 5, process: 1, type: 'ok', f: 'append', key: '1', value: 'x 1 0 y' },
    ]);
  });

  it('reads an empty file as an empty history, as porcupine does', () => {
    expect(parsePorcupineKv('')).toEqual([]);
  });

  it('names the line of a record without :key', async () => {
    const err = await readPorcupineKv(fixture('porcupine-kv-missing-key.txt')).then(
      () => { throw new Error('expected an error'); },
      (e: unknown) => e as HistoryError,
    );
    expect(err).toBeInstanceOf(HistoryError);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/the record has no :key, expected :key "<key>"/);
  });

  const RECORDS: [string, string, RegExp][] = [
    ['unknown f', '{:process 0, :type :invoke, :f :cas, :key "0", :value "a"}', /:f is "cas", expected :get, :put or :append/],
    ['numeric key', '{:process 0, :type :invoke, :f :get, :key 0, :value nil}', /:key is 0, expected a string/],
    ['numeric value', '{:process 0, :type :ok, :f :get, :key "0", :value 3}', /:value is 3, expected a string or nil/],
    ['nemesis', '{:process :nemesis, :type :info, :f :get, :key "0"}', /kv histories have no nemesis/],
    ['not a map', '[:process 0]', /expected an op map/],
  ];
  it.each(RECORDS)('%s', (_name, bad, message) => {
    const err = errorOf(() => parsePorcupineKv(`{:process 0, :type :invoke, :f :get, :key "0", :value nil}\n${bad}\n`, 'kv.txt'));
    expect(err.line).toBe(2);
    expect(err.message).toMatch(message);
  });
});
