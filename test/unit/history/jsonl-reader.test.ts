import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryError, type Op, readJsonl, readJsonlSync } from '../../../harness/ground/history/index.js';

const FIX = fileURLToPath(new URL('../../fixtures/history/', import.meta.url));
const fixture = (name: string) => path.join(FIX, name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-jsonl-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function collect(file: string, chunkSize?: number): Promise<Op[]> {
  const ops: Op[] = [];
  for await (const op of readJsonl(file, { chunkSize })) ops.push(op);
  return ops;
}

/** Runs both readers and returns what each threw (or null). */
async function errorsOf(file: string): Promise<[unknown, unknown]> {
  const streamed = await collect(file).then(() => null, (e: unknown) => e);
  let sync: unknown = null;
  try {
    readJsonlSync(file);
  } catch (e) {
    sync = e;
  }
  return [streamed, sync];
}

function writeTmp(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('readJsonl / readJsonlSync on valid histories', () => {
  it('reads every field, skips blank lines, keeps nemesis, key, node and error', async () => {
    const ops = await collect(fixture('valid.jsonl'));
    expect(readJsonlSync(fixture('valid.jsonl'))).toEqual(ops);
    expect(ops.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ops[1]).toEqual({ index: 1, time: 150, process: 'nemesis', type: 'info', f: 'start-partition', value: 'majority' });
    expect(ops[2].node).toBe('n1');
    expect(ops[3]).toMatchObject({ key: 'k1', value: [3, 4] });
    expect(ops[6].error).toEqual({ kind: 'timeout', ms: 500 });
  });

  it('fills a missing index with the position and a missing time with the index; accepts CRLF and no final newline', async () => {
    const ops = await collect(fixture('no-index-crlf.jsonl'));
    expect(ops).toEqual([
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'read', value: null },
      { index: 1, time: 1, process: 0, type: 'ok', f: 'read', value: 1 },
      { index: 2, time: 7, process: 1, type: 'invoke', f: 'write', value: 2 },
    ]);
    expect(readJsonlSync(fixture('no-index-crlf.jsonl'))).toEqual(ops);
  });

  it('splits lines correctly at any chunk boundary, including inside multi-byte characters', async () => {
    const opArb = fc.record({
      process: fc.oneof(fc.nat(50), fc.constant('nemesis' as const)),
      type: fc.constantFrom('invoke' as const, 'ok' as const, 'fail' as const, 'info' as const),
      f: fc.string({ unit: 'grapheme', maxLength: 6 }),
      value: fc.jsonValue({ maxDepth: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), async (recs, chunk) => {
        const ops: Op[] = recs.map((r, i) => ({ index: i, time: i * 10, ...r }));
        const file = writeTmp('prop.jsonl', ops.map((o) => JSON.stringify(o)).join('\n') + '\n');
        const back = await collect(file, chunk);
        // JSON turns -0 into 0, so compare through JSON rather than with Object.is semantics.
        expect(JSON.stringify(back)).toEqual(JSON.stringify(readJsonlSync(file)));
        // An integral double past 2^53 that JSON writes as plain digits (below 1e21) reads back as
        // those exact digits (exact-int.ts); everything else as JSON.parse reads it.
        const exact = (_k: string, v: unknown) => (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) < 1e21 ? String(v) : v);
        expect(JSON.stringify(back)).toEqual(JSON.stringify(ops.map((o) => JSON.parse(JSON.stringify(o), exact))));
      }),
      { numRuns: 150 },
    );
  });

  it('closes the file when the consumer stops early', async () => {
    for await (const op of readJsonl(fixture('valid.jsonl'))) {
      expect(op.index).toBe(0);
      break;
    }
  });
});

describe('readJsonl / readJsonlSync on broken histories', () => {
  // [fixture, line, message fragment]
  const FILES: [string, number, RegExp][] = [
    ['truncated.jsonl', 3, /last line is cut off/],
    ['bad-type.jsonl', 2, /field "type" is "done", expected one of "invoke", "ok", "fail", "info"/],
    ['not-json.jsonl', 3, /not valid JSON .*expected one JSON object per line/],
    ['empty.jsonl', 1, /^.*:1: the history is empty: /],
    ['blank.jsonl', 1, /the history is empty/],
  ];
  it.each(FILES)('%s fails at line %i', async (name, line, message) => {
    for (const err of await errorsOf(fixture(name))) {
      expect(err).toBeInstanceOf(HistoryError);
      const e = err as HistoryError;
      expect(e.file).toBe(fixture(name));
      expect(e.line).toBe(line);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`${fixture(name)}:${line}: `)).toBe(true);
    }
  });

  const OK = '{"process":0,"type":"invoke","f":"read","value":null}';
  // [case, bad line (written as line 2), message fragment]
  const RECORDS: [string, string, RegExp][] = [
    ['array record', '[1,2]', /the record is an array, expected a JSON object/],
    ['null record', 'null', /the record is null/],
    ['missing type', '{"process":0,"f":"read"}', /field "type" is missing/],
    ['missing f', '{"process":0,"type":"ok"}', /field "f" is missing, expected the operation name/],
    ['numeric f', '{"process":0,"type":"ok","f":3}', /field "f" is 3/],
    ['negative process', '{"process":-1,"type":"ok","f":"read"}', /field "process" is -1, expected a non-negative integer or "nemesis"/],
    ['fractional process', '{"process":1.5,"type":"ok","f":"read"}', /field "process" is 1.5/],
    ['string process', '{"process":"n1","type":"ok","f":"read"}', /field "process" is "n1"/],
    ['missing process', '{"type":"ok","f":"read"}', /field "process" is missing/],
    ['string index', '{"index":"1","process":0,"type":"ok","f":"read"}', /field "index" is "1", expected a non-negative integer/],
    ['string time', '{"time":"now","process":0,"type":"ok","f":"read"}', /field "time" is "now", expected a number/],
    ['object key', '{"process":0,"type":"ok","f":"read","key":{}}', /field "key" is \{\}, expected a string or a number/],
    ['numeric node', '{"process":0,"type":"ok","f":"read","node":1}', /field "node" is 1/],
  ];
  it.each(RECORDS)('%s', async (_name, bad, message) => {
    const file = writeTmp('bad.jsonl', `${OK}\n${bad}\n${OK}\n`);
    for (const err of await errorsOf(file)) {
      expect(err).toBeInstanceOf(HistoryError);
      expect((err as HistoryError).line).toBe(2);
      expect((err as HistoryError).message).toMatch(message);
    }
  });

  it('reports a truncated last line only when it is really the unterminated last line', async () => {
    const file = writeTmp('mid.jsonl', `${OK}\n{"process":0,\n${OK}\n`);
    const [streamed] = await errorsOf(file);
    expect((streamed as HistoryError).message).toMatch(/not valid JSON/);
  });
});

describe('#6: reading is linear in the length of a line', () => {
  it('copies a line that spans many chunks a bounded number of times, not once per chunk', async () => {
    const { vi } = await import('vitest');
    const value = 'x'.repeat(256 * 1024);
    const file = path.join(tmp, 'one-long-line.jsonl');
    const line = `${JSON.stringify({ index: 0, time: 0, process: 0, type: 'invoke', f: 'write', value })}\n`;
    fs.writeFileSync(file, line + line.replace('"invoke"', '"ok"'));
    const concat = vi.spyOn(Buffer, 'concat');
    let copied = 0;
    concat.mockImplementation((list: readonly Uint8Array[], total?: number) => {
      copied += list.reduce((n, b) => n + b.length, 0);
      return realConcat(list, total);
    });
    try {
      const ops = await collect(file, 1024); // 512 chunks: quadratic joining copies ~64 MB
      expect(ops.map((o) => o.type)).toEqual(['invoke', 'ok']);
      expect((ops[0].value as string).length).toBe(value.length);
    } finally {
      concat.mockRestore();
    }
    expect(copied).toBeLessThanOrEqual(3 * fs.statSync(file).size);
  });
});
const realConcat = Buffer.concat.bind(Buffer);

describe('event records (watch deliveries)', () => {
  it('reads an event record like any other, keeping its process, node and value', async () => {
    const { parseJsonl } = await import('../../../harness/ground/history/jsonl-reader.js');
    const text = [
      '{"index":0,"time":1,"process":0,"type":"invoke","f":"watch","value":null}',
      '{"index":1,"time":2,"process":0,"type":"event","f":"event","value":{"watcher":"w0","kind":"put","key":"a","value":"p1","rev":7,"batch":1},"node":"n1"}',
      '{"index":2,"time":3,"process":0,"type":"ok","f":"watch","value":{"end":"window"}}',
    ].join('\n');
    const ops = parseJsonl(text, 'h.jsonl');
    expect(ops[1]).toEqual({ index: 1, time: 2, process: 0, type: 'event', f: 'event', value: { watcher: 'w0', kind: 'put', key: 'a', value: 'p1', rev: 7, batch: 1 }, node: 'n1' });
    expect(() => parseJsonl('{"process":0,"type":"events","f":"event"}', 'h.jsonl')).toThrow(/field "type" is "events", expected one of "invoke", "ok", "fail", "info", "event"/);
  });
});
