/**
 * Fuzzing every input parser (issue 13, "the class, not only the instance"): arbitrary bytes and
 * structured near-misses of each format must end in a verdict or in an InputError — what the CLI
 * turns into exit 0/1/2 or 254 — never in another exception (exit 3, a stack trace) or a hang.
 *
 * History formats go through `faultline check` itself (checkCommand, the function the CLI runs,
 * in-process: a child process per case would allow a few dozen cases, not thousands). Maelstrom node
 * lines go through the line splitter and the line validator the routed network uses.
 *
 * FUZZ_RUNS sets the cases per parser and input kind (default 1,500 each, so 3,000 per parser in
 * CI); `npm run fuzz:nightly` runs 50,000 each. FUZZ_SEED replays a run. The counts are printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../harness/top/cli/check-command.js';
import { InputError } from '../../harness/ground/history/errors.js';
import { LineSplitter } from '../../harness/middle/maelstrom/line-splitter.js';
import { parseNodeLine, protocolError } from '../../harness/middle/maelstrom/wire.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-fuzz-'));
const counts: Record<string, number> = {};
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz cases: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')} (${total} in all, seed ${SEED ?? 'random'})`);
});

let fileNo = 0;
/** Runs `faultline check` on `bytes`: the exit code it would give, or the exception that would be exit 3. */
async function checkBytes(bytes: Uint8Array | string, format: string): Promise<number> {
  const file = nodePath.join(dir, `h${fileNo++}.${format === 'jsonl' ? 'jsonl' : format === 'edn' ? 'edn' : 'log'}`);
  fs.writeFileSync(file, bytes);
  try {
    return await checkCommand([file, '--format', format, '--timeout', '2s', '--workers', '0'], () => undefined);
  } catch (err) {
    if (err instanceof InputError) {
      // One sentence naming the cause: never empty, never a stack.
      expect(err.message.length).toBeGreaterThan(0);
      expect(err.message).not.toMatch(/\n\s+at /);
      return 254;
    }
    throw err;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Near-misses: valid lines of a format, then a few edits drawn from tokens that format's readers meet. */
function nearMiss(valid: fc.Arbitrary<string[]>, tokens: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...tokens) }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), len: fc.nat(12), token: fc.constantFrom(...tokens) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(12) }),
    fc.record({ kind: fc.constant('noise' as const), at: fc.nat(), token: fc.string({ unit: 'binary', maxLength: 4 }) }),
  );
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\r\n')).map(([lines, edits, eol]) => {
    let text = lines.join(eol) + eol;
    for (const e of edits) {
      const at = text.length === 0 ? 0 : e.at % (text.length + 1);
      if (e.kind === 'insert') text = text.slice(0, at) + e.token + text.slice(at);
      else if (e.kind === 'replace') text = text.slice(0, at) + e.token + text.slice(at + e.len);
      else if (e.kind === 'truncate') text = text.slice(0, at);
      else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.len);
      else text = text.slice(0, at) + e.token + text.slice(at);
    }
    return text;
  });
}

const jsonValue = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 5 }), fc.string({ maxLength: 3 }), fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })));
const opRecord = fc.record({
  process: fc.oneof(fc.nat(3), fc.constant('nemesis')),
  type: fc.constantFrom('invoke', 'ok', 'fail', 'info'),
  f: fc.constantFrom('read', 'write', 'cas', 'add', 'get', 'put', 'append', 'acquire', 'enqueue', 'start-partition'),
  value: jsonValue,
  key: fc.option(fc.constantFrom('a', 'b', 0, 1), { nil: undefined }),
});
const jsonlLines = fc.array(opRecord, { minLength: 1, maxLength: 12 }).map((ops) => ops.map((o) => JSON.stringify(o)));
const JSONL_TOKENS = ['{', '}', '[', ']', '"', ',', ':', 'null', '1e400', '-0', '9007199254740993', '"type":"ok"', '"process":-1', '"index":1.5',
  '"time":"x"', '"value":{"__proto__":1}', '\uFEFF', '\u0000', '\x1b[2J', '{"a":'.repeat(50), '[[[[[[[[[[[[', '"\\ud800"', 'NaN', 'Infinity', '['.repeat(100_000)];

const ednValue = fc.oneof(fc.constant('nil'), fc.integer({ min: -3, max: 5 }).map(String), fc.constantFrom('1N', '2N', '1.0', '1/2', '"x"', ':k', '[1 2]', '#{1}', '(1 2)'));
const ednLines = fc.array(fc.record({
  process: fc.oneof(fc.nat(3).map(String), fc.constant(':nemesis')),
  type: fc.constantFrom(':invoke', ':ok', ':fail', ':info'),
  f: fc.constantFrom(':read', ':write', ':cas', ':add', ':start'),
  value: ednValue,
}), { minLength: 1, maxLength: 12 }).chain((ops) => fc.boolean().map((wrapped) => {
  const lines = ops.map((o) => `{:process ${o.process}, :type ${o.type}, :f ${o.f}, :value ${o.value}}`);
  return wrapped ? ['[', ...lines, ']'] : lines;
}));
const EDN_TOKENS = ['[', ']', '(', ')', '{', '}', '#{', '#_', '#inst "2020"', '#jepsen.history.Op', '^:meta', '^{:a 1}', '##NaN', '##Inf', '##Nope', '\\newline', '\\u00', '\\',
  '"', '"\\q"', ';comment\n', ':', '1N', '99999999999999999999999', '1/0', '0/0', '1e400', '-', '+', '.5', 'nil', ':type', ':process', ':f', '#', '#""', '\uFEFF', '['.repeat(40), '['.repeat(100_000), '#_'.repeat(5_000), '{:a '.repeat(20_000)];

const etcdLines = fc.array(fc.tuple(fc.nat(4), fc.constantFrom(':invoke', ':ok', ':fail', ':info'), fc.constantFrom(':read', ':write', ':cas'),
  fc.oneof(fc.constant('nil'), fc.integer({ min: 0, max: 5 }).map(String), fc.constant('[1 2]'), fc.constant(':timed-out'))), { minLength: 1, maxLength: 12 })
  .map((rs) => rs.map(([p, t, f, v]) => `INFO  jepsen.util - ${p}\t${t}\t${f}\t${v}`));
const ETCD_TOKENS = ['INFO', 'jepsen.util', '-', ':invoke', ':ok', ':fail', ':info', ':read', ':write', ':cas', 'nil', ':timed-out', '[', ']', '99999999999999999999', '-1', '\t', ' '];

const kvLines = fc.array(fc.tuple(fc.nat(4), fc.constantFrom(':invoke', ':ok'), fc.constantFrom(':get', ':put', ':append'), fc.constantFrom('"0"', '"1"'),
  fc.oneof(fc.constant('nil'), fc.constant('"x"'), fc.constant('"y"'))), { minLength: 1, maxLength: 12 })
  .map((rs) => rs.map(([p, t, f, k, v]) => `{:process ${p}, :type ${t}, :f ${f}, :key ${k}, :value ${v}}`));

const FORMATS: [string, fc.Arbitrary<string>][] = [
  ['jsonl', nearMiss(jsonlLines, JSONL_TOKENS)],
  ['edn', nearMiss(ednLines, EDN_TOKENS)],
  ['porcupine-etcd', nearMiss(etcdLines, ETCD_TOKENS)],
  ['porcupine-kv', nearMiss(kvLines, [...EDN_TOKENS, ':key', ':get', ':put', ':append'])],
];

describe('fuzzing the history parsers through faultline check', () => {
  for (const [format, near] of FORMATS) {
    it(`${format}: arbitrary bytes give a verdict or 254`, async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        counts[format] = (counts[format] ?? 0) + 1;
        expect([0, 1, 2, 254]).toContain(await checkBytes(bytes, format));
      }), { numRuns: RUNS, seed: SEED, timeout: 10_000 });
    }, 600_000);

    it(`${format}: structured near-misses give a verdict or 254`, async () => {
      await fc.assert(fc.asyncProperty(near, async (text) => {
        counts[format] = (counts[format] ?? 0) + 1;
        expect([0, 1, 2, 254]).toContain(await checkBytes(text, format));
      }), { numRuns: RUNS, seed: SEED, timeout: 10_000 });
    }, 600_000);
  }

  it('auto-detection: any of these inputs, format unnamed, gives a verdict or 254', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(...FORMATS.map(([, a]) => a), fc.string({ unit: 'binary', maxLength: 200 })), async (text) => {
      counts.auto = (counts.auto ?? 0) + 1;
      expect([0, 1, 2, 254]).toContain(await checkBytes(text, 'auto'));
    }), { numRuns: RUNS, seed: SEED, timeout: 10_000 });
  }, 600_000);
});

describe('fuzzing Maelstrom node lines', () => {
  const names = ['n0', 'n1', 'c1', 'lin-kv'];
  const known = (d: string): boolean => names.includes(d);
  /** What the network does with a node's stdout: split into lines, validate each, describe each rejection. */
  function feed(chunks: string[]): void {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), (head) => lines.push(head));
    for (const c of chunks) splitter.push(c);
    const rest = splitter.end();
    if (rest !== '') lines.push(rest);
    for (const line of lines) {
      const r = parseNodeLine('n0', line, known, () => names);
      if (r.ok) {
        // Delivered as Maelstrom would; where Faultline is stricter, with a warning that says so.
        if (typeof r.msg.body.type !== 'string' || r.msg.body.type === '') expect(r.warnings?.map((w) => w.rule)).toContain('body-type');
        if (r.msg.src !== 'n0') expect(r.warnings?.map((w) => w.rule)).toContain('src-not-self');
      } else {
        const e = protocolError('n0', 0, line, r.problem, r.expected);
        expect(e.message).toContain('n0 printed an invalid message on stdout');
        expect(e.line.length).toBeLessThanOrEqual(260);
      }
    }
  }
  const message = fc.record({
    src: fc.constantFrom('n0', 'n1', 'c1', 'x', 1 as unknown as string),
    dest: fc.constantFrom('n1', 'c1', 'lin-kv', 'nowhere', null as unknown as string),
    body: fc.oneof(
      fc.record({ type: fc.constantFrom('echo_ok', 'read_ok', '', 7), msg_id: fc.oneof(fc.nat(), fc.double(), fc.string()), in_reply_to: fc.option(fc.oneof(fc.nat(), fc.constant(1e400), fc.string())) }),
      fc.anything(),
    ),
  }).map((m) => JSON.stringify(m));
  const LINE_TOKENS = ['{', '}', '"src"', '"dest"', '"body"', '"type"', ':', ',', 'null', '\n', '\r', '\uFEFF', '\u0000', '1e400', '"__proto__"'];

  it('arbitrary bytes in arbitrary chunks never throw, and every rejection is described', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 60 }), { maxLength: 8 }), (chunks) => {
      counts['maelstrom-lines'] = (counts['maelstrom-lines'] ?? 0) + 1;
      feed(chunks);
    }), { numRuns: RUNS, seed: SEED });
  });

  it('structured near-misses of messages never throw, and every rejection is described', () => {
    fc.assert(fc.property(nearMiss(fc.array(message, { minLength: 1, maxLength: 5 }), LINE_TOKENS), fc.nat(40), (text, cut) => {
      counts['maelstrom-lines'] = (counts['maelstrom-lines'] ?? 0) + 1;
      feed(cut === 0 ? [text] : [text.slice(0, cut), text.slice(cut)]);
    }), { numRuns: RUNS, seed: SEED });
  });
});
