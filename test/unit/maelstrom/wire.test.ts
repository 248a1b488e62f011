/**
 * Line framing and validation of what nodes print: every rejection names the problem and what was
 * expected; chunk boundaries never split or merge messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryQueue, LineSplitter, MAX_LINE_SHOWN, parseNodeLine } from '../../../harness/middle/maelstrom/index.js';
import { MAX_LINE_CHARS } from '../../../harness/middle/maelstrom/line-splitter.js';

const known = new Set(['n0', 'n1', 'c1', 'lin-kv']);
const parse = (line: string) => parseNodeLine('n0', line, (d) => known.has(d), () => [...known]);

describe('parseNodeLine', () => {
  it('accepts a valid message', () => {
    expect(parse('{"src":"n0","dest":"c1","body":{"type":"echo_ok","in_reply_to":3,"echo":1}}')).toEqual({
      ok: true, msg: { src: 'n0', dest: 'c1', body: { type: 'echo_ok', in_reply_to: 3, echo: 1 } },
    });
  });

  it.each([
    ['hello world', /^it is not JSON/, /print logs and debug output to stderr/],
    ['[1,2]', /not an object/, /one JSON object per line/],
    ['{"src":"n0","body":{"type":"x"}}', /lacks "dest"/, /"dest"/],
    ['{"body":{"type":"x"}}', /lacks "src" and "dest"/, /"src"/],
    ['{"src":"n0","dest":"c1","body":"x"}', /"body" is "x", not an object/, /"body"/],
    ['{"src":"n0","dest":"n9","body":{"type":"x"}}', /"dest" is "n9", which is not on the network/, /among n0, n1, c1, lin-kv/],
    // Maelstrom's network asserts that src names a node or client on it (net.clj validate-msg).
    ['{"src":"n7","dest":"c1","body":{"type":"x"}}', /"src" is "n7", which is not on the network \(this node is n0\)/, /another node or client id on the network/],
  ])('rejects %s', (line, problem, expected) => {
    const r = parse(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toMatch(problem);
      expect(r.expected).toMatch(expected);
    }
  });
});

describe('#19: what Maelstrom\'s network accepts is delivered; where Faultline is stricter, a warning', () => {
  it.each([
    // A Raft proxying a client's request to its leader keeps the client's src (Maelstrom accepts any src on the network).
    ['{"src":"c1","dest":"n1","body":{"type":"write","msg_id":4}}', 'src-not-self', /sent a message with "src" c1, not its own id.*delivers it as from c1/],
    ['{"src":"n1","dest":"c1","body":{"type":"x"}}', 'src-not-self', /"src" n1/],
    // Maelstrom's network does not look into bodies.
    ['{"src":"n0","dest":"c1","body":{"in_reply_to":1}}', 'body-type', /no "type".*delivers it/],
    ['{"src":"n0","dest":"c1","body":{"type":7}}', 'body-type', /"type" = 7/],
    ['{"src":"n0","dest":"c1","body":{"type":"x","msg_id":"a"}}', 'msg-id', /"msg_id" "a", not an integer/],
    ['{"src":"n0","dest":"c1","body":{"type":"x","in_reply_to":1.5}}', 'in-reply-to', /"in_reply_to" 1.5, not an integer/],
  ])('delivers %s with a %s warning', (line, rule, text) => {
    const r = parse(line);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.msg).toEqual(JSON.parse(line));
      expect(r.warnings?.map((w) => w.rule)).toEqual([rule]);
      expect(r.warnings?.[0].text).toMatch(text);
    }
  });
});

describe('LineSplitter', () => {
  it('reassembles lines across any chunking', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\n\r]/g, '')).filter((s) => s.trim() !== ''), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const got: string[] = [];
        const s = new LineSplitter((l) => got.push(l), () => {});
        let prev = 0;
        for (const p of [...points, text.length]) {
          s.push(text.slice(prev, p));
          prev = p;
        }
        expect(got).toEqual(lines);
        expect(s.end()).toBe('');
      }));
  });

  it('reports an over-long line once, drops it, and carries on with the next', () => {
    const got: string[] = [];
    const heads: string[] = [];
    const s = new LineSplitter((l) => got.push(l), (h) => heads.push(h));
    const chunk = 'x'.repeat(1 << 20);
    for (let i = 0; i <= MAX_LINE_CHARS / chunk.length; i++) s.push(chunk);
    s.push('tail\n{"ok":1}\n');
    expect(heads).toHaveLength(1);
    expect(heads[0]).toMatch(/^x{1000}$/);
    expect(got).toEqual(['{"ok":1}']);
  });

  it('strips CR, skips blank lines and keeps an unterminated tail', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l), () => {});
    s.push('a\r\n\n  \nb');
    expect(got).toEqual(['a']);
    expect(s.end()).toBe('b');
  });
});

describe('DeliveryQueue', () => {
  it('delivers in due order, zero-delay first, equal times FIFO', async () => {
    const got: string[] = [];
    const q = new DeliveryQueue<string>((x) => got.push(x), (e) => { throw e; });
    q.push(30, 'late');
    q.push(10, 'a');
    q.push(10, 'b');
    q.push(0, 'now');
    q.push(20, 'mid');
    expect(q.size).toBe(5);
    await new Promise((r) => setTimeout(r, 60));
    expect(got).toEqual(['now', 'a', 'b', 'mid', 'late']);
    q.close();
  });

  it('reports a throwing consumer and keeps delivering', async () => {
    const errors: unknown[] = [];
    const got: number[] = [];
    const q = new DeliveryQueue<number>((x) => { if (x === 1) throw new Error('boom'); got.push(x); }, (e) => errors.push(e));
    for (const x of [0, 1, 2]) q.push(0, x);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([0, 2]);
    expect(errors).toHaveLength(1);
    q.close();
  });
});

it('truncates quoted lines', async () => {
  const { protocolError } = await import('../../../harness/middle/maelstrom/wire.js');
  const e = protocolError('n3', 0, 'x'.repeat(1000), 'it is not JSON', 'JSON');
  expect(e.line.length).toBeLessThan(MAX_LINE_SHOWN + 30);
  expect(e.line).toMatch(/… \(1000 chars\)$/);
  expect(e.message).toMatch(/^n3 printed an invalid message on stdout: it is not JSON\. Expected JSON\. The line: x+… \(1000 chars\)$/);
});
