/**
 * Integers beyond 2^53 in every reader (harness/ground/history/exact-int.ts): kept as exact decimal strings,
 * the form the EDN importer gives them, so the JSONL reader, the EDN reader and the porcupine etcd
 * importer agree and a stale read of 2^53 after a write of 2^53+1 is never read as a match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Op, parseEdnHistory, parseJsonl, parsePorcupineEtcd, readJsonl } from '../../../harness/ground/history/index.js';
import { exactInteger, parseJsonExact } from '../../../harness/ground/history/exact-int.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-exact-int-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const line = (index: number, type: string, f: string, value: string, extra = ''): string =>
  `{"index":${index},"time":${index},"process":${index >> 1},"type":"${type}","f":"${f}","value":${value}${extra}}`;

describe('JSONL reader: integers beyond 2^53', () => {
  it('keeps a top-level value exact: 2^53+1 and 2^53 stay two values', () => {
    const ops = parseJsonl([line(0, 'invoke', 'write', '9007199254740993'), line(1, 'ok', 'read', '9007199254740992')].join('\n'), 'h');
    expect(ops.map((o) => o.value)).toEqual(['9007199254740993', '9007199254740992']);
  });

  it('keeps safe integers as numbers at the edge (2^53-1, -(2^53-1)) and floats as JSON.parse reads them', () => {
    const ops = parseJsonl(line(0, 'invoke', 'write', '[9007199254740991,-9007199254740991,1.5,1e300,12345678901234567.5,0]'), 'h');
    expect(ops[0].value).toEqual([9007199254740991, -9007199254740991, 1.5, 1e300, 12345678901234567.5, 0]);
  });

  it('keeps nested and negative big integers exact, and leaves strings that hold digits alone', () => {
    const text = line(0, 'ok', 'txn', '{"a":[[-18446744073709551617,1],{"b":9007199254740993}],"s":"x\\"12345678901234567890","t":"-9007199254740993"}');
    expect(parseJsonl(text, 'h')[0].value).toEqual({
      a: [['-18446744073709551617', 1], { b: '9007199254740993' }],
      s: 'x"12345678901234567890',
      t: '-9007199254740993',
    });
  });

  it('keeps a big key and a big error exact; a time past 2^53 ns stays a number', () => {
    const text = '{"index":0,"time":9007199254740993,"process":0,"type":"info","f":"put","value":"v","key":9007199254740993,"error":[9007199254740995]}';
    const [op] = parseJsonl(text, 'h');
    expect(op.key).toBe('9007199254740993');
    expect(op.error).toEqual(['9007199254740995']);
    expect(op.time).toBe(9007199254740992);
  });

  it('the streaming reader agrees with the in-memory one, whatever the chunk size', async () => {
    const text = [line(0, 'invoke', 'cas', '[9007199254740993,9007199254740995]'), line(1, 'ok', 'cas', '[9007199254740993,9007199254740995]')].join('\n') + '\n';
    const file = path.join(tmp, 'cas.jsonl');
    fs.writeFileSync(file, text);
    for (const chunkSize of [3, 64, 1 << 20]) {
      const ops: Op[] = [];
      for await (const op of readJsonl(file, { chunkSize })) ops.push(op);
      expect(ops).toEqual(parseJsonl(text, file));
      expect(ops[1].value).toEqual(['9007199254740993', '9007199254740995']);
    }
  });

  it('reads the same ops as the EDN importer for the same history', () => {
    const edn = '[{:process 0 :type :invoke :f :write :value 9007199254740993}\n' +
      '{:process 0 :type :ok :f :write :value [-9007199254740993N 5N {:k 18446744073709551616}]}]';
    const jsonl = [line(0, 'invoke', 'write', '9007199254740993'), line(1, 'ok', 'write', '[-9007199254740993,5,{"k":18446744073709551616}]')].join('\n');
    const strip = (ops: Op[]) => ops.map(({ f, type, value }) => ({ f, type, value }));
    expect(strip(parseJsonl(jsonl, 'h'))).toEqual(strip(parseEdnHistory(edn, 'h')));
  });
});

describe('porcupine etcd importer', () => {
  it('keeps values and cas pairs beyond 2^53 exact', () => {
    const log = 'INFO  jepsen.util - 0 :invoke :write 9007199254740993\n' +
      'INFO  jepsen.util - 0 :ok :write 9007199254740993\n' +
      'INFO  jepsen.util - 1 :invoke :cas [9007199254740992 -9007199254740995]\n' +
      'INFO  jepsen.util - 1 :ok :cas [3 -9007199254740995]\n';
    const ops = parsePorcupineEtcd(log, 'etcd.log');
    expect(ops.map((o) => o.value)).toEqual(['9007199254740993', '9007199254740993', ['9007199254740992', '-9007199254740995'], [3, '-9007199254740995']]);
  });
});

describe('exactInteger / parseJsonExact', () => {
  it('gives one form per integer', () => {
    expect(exactInteger('9007199254740991')).toBe(9007199254740991);
    expect(exactInteger('9007199254740992')).toBe('9007199254740992');
    expect(exactInteger('-0009007199254740993')).toBe('-9007199254740993');
  });

  it('parses what JSON.parse parses, with only the big integers changed', () => {
    const text = '{"a":[1,-2.5e3,"\\\\",9007199254740993,true,null],"b\\"9007199254740993":-9007199254740993}';
    expect(parseJsonExact(text)).toEqual({ a: [1, -2500, '\\', '9007199254740993', true, null], 'b"9007199254740993': '-9007199254740993' });
  });
});
