/**
 * #31 part 1: what a node receives is byte for byte what its peer sent — integers beyond 2^53,
 * floats as written (1.50, 1e400), unicode and \u escapes, deep nesting, odd whitespace — because the
 * network routes on the parsed envelope and forwards the body's own text. Inside the harness the
 * same integers are exact bigints (services) or exact decimal strings (history records).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { exactBody, memberText, stringifyBody } from '../../../harness/middle/maelstrom/body-text.js';
import { Network, parseNodeLine, replyOf, LinKv, type MaelstromMessage } from '../../../harness/middle/maelstrom/index.js';

const nets: Network[] = [];
afterEach(async () => { await Promise.all(nets.splice(0).map((n) => n.close())); });

const ws = fc.constantFrom('', ' ', '  ', '\t', '\n ');
const bigInt = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => b.toString());
const float = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('1.50', '1.0', '-0', '0.0', '1e400', '-2.5E-3', '12345678901234567891.5', '1E+2'),
);
const escaped = fc.constantFrom('\\u00e9', '\\n', '\\"', '\\\\', '\\ud83d\\ude00', '\\/', '\\u0000');
const str = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => JSON.stringify(s).slice(1, -1)), escaped), { maxLength: 4 })
  .map((parts) => `"${parts.join('')}"`);

/** Raw JSON text, written as a node of any language might write it. */
const { value: jsonText } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    bigInt, float, str, fc.constantFrom('true', 'false', 'null', '0', '-1', '9007199254740993'),
    fc.tuple(ws, fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 })).map(([w, items]) => `[${w}${items.map(([a, v, b]) => a + v + b).join(',')}]`),
    fc.array(fc.tuple(str, ws, tie('value')), { maxLength: 4 }).map((members) => `{${members.map(([k, w, v]) => `${k}${w}:${w}${v}`).join(',')}}`),
  ),
}));

/** A body: an object with a type and random members. */
const bodyText = fc.array(fc.tuple(str, ws, jsonText), { maxLength: 5 })
  .map((members) => `{"type":"probe"${members.map(([k, w, v]) => `,${w}${k}${w}:${v}`).join('')}}`);

const known = new Set(['n0', 'n1', 'c1', 'lin-kv']);

describe('#31 exact numbers on the wire', () => {
  it('a peer receives the body text its sender wrote, byte for byte (property)', async () => {
    const n = new Network({ seed: 1 });
    nets.push(n);
    const got: string[] = [];
    n.register('n0', 'node', () => {});
    n.register('n1', 'node', (_m, text) => { got.push(text); });
    await fc.assert(fc.asyncProperty(bodyText, ws, async (body, w) => {
      const line = `{${w}"src":"n0",${w}"dest":"n1",${w}"body":${w}${body}${w}}`;
      JSON.parse(line); // the generator writes only valid JSON
      const parsed = parseNodeLine('n0', line, (d) => known.has(d), () => [...known]);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.bodyJson).toBe(body);
      got.length = 0;
      n.send(parsed.msg.src, parsed.msg.dest, parsed.msg.body, parsed.bodyJson);
      await new Promise((r) => setTimeout(r, 0));
      expect(got).toEqual([body]);
    }), { numRuns: 300 });
  });

  it('memberText takes the last of duplicate members, as JSON.parse does, and skips strings holding braces', () => {
    expect(memberText('{"body":{"a":1},"x":"}{\\"","body" : [1, {"b":"]"}] }', 'body')).toBe('[1, {"b":"]"}]');
    expect(memberText('{"bo\\u0064y":12345678901234567891}', 'body')).toBe('12345678901234567891');
    expect(memberText('{"src":"n0"}', 'body')).toBeUndefined();
  });

  it('the harness reads integers beyond 2^53 exactly: bigints inside, digits when written back', () => {
    const text = '{"type":"write","key":"k","value":12345678901234567891,"f":1.5,"s":"12345678901234567891","n":[-98765432109876543210]}';
    const body = exactBody(text, JSON.parse(text) as unknown) as Record<string, unknown>;
    expect(body.value).toBe(12345678901234567891n);
    expect(body.s).toBe('12345678901234567891');
    expect(body.n).toEqual([-98765432109876543210n]);
    expect(stringifyBody(body)).toBe(text);
    // Bodies without such integers are returned as parsed (no second parse).
    const plain = { type: 'x', v: 2 ** 53 - 1 };
    expect(exactBody(JSON.stringify(plain), plain)).toBe(plain);
  });

  it('lin-kv keeps a 64-bit value exact: written, read back and compared by cas', () => {
    const kv = new LinKv();
    const big = (text: string) => exactBody(text, JSON.parse(text) as unknown) as MaelstromMessage['body'];
    replyOf(kv, 'n0', big('{"type":"write","key":1,"value":18446744073709551615,"msg_id":1}'));
    expect(stringifyBody(replyOf(kv, 'n0', big('{"type":"read","key":1,"msg_id":2}')))).toBe('{"type":"read_ok","value":18446744073709551615,"in_reply_to":2}');
    // 18446744073709551614 rounds to the same double as ...615: cas must still tell them apart.
    expect(replyOf(kv, 'n0', big('{"type":"cas","key":1,"from":18446744073709551614,"to":1,"msg_id":3}')).type).toBe('error');
    expect(replyOf(kv, 'n0', big('{"type":"cas","key":1,"from":18446744073709551615,"to":1,"msg_id":4}')).type).toBe('cas_ok');
  });
});

describe('#31 latency as Maelstrom applies it', () => {
  it('--latency delays node↔node and node↔service messages, never a client\'s', async () => {
    const n = new Network({ seed: 1, latency: { kind: 'constant', ms: 100 } });
    nets.push(n);
    const at = new Map<string, number>();
    const t0 = performance.now();
    for (const id of ['n0', 'n1']) n.register(id, 'node', (m) => { at.set(m.body.type, performance.now() - t0); });
    n.register('c1', 'client', (m) => { at.set(m.body.type, performance.now() - t0); });
    n.register('lin-kv', 'service', (m) => { at.set(m.body.type, performance.now() - t0); });
    n.send('c1', 'n0', { type: 'client-to-node' });
    n.send('n0', 'c1', { type: 'node-to-client' });
    n.send('n0', 'n1', { type: 'node-to-node' });
    n.send('n0', 'lin-kv', { type: 'node-to-service' });
    await new Promise((r) => setTimeout(r, 150));
    expect(at.get('client-to-node')).toBeLessThan(50);
    expect(at.get('node-to-client')).toBeLessThan(50);
    expect(at.get('node-to-node')).toBeGreaterThanOrEqual(99);
    expect(at.get('node-to-service')).toBeGreaterThanOrEqual(99);
  });
});
