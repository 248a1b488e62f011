import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Op, ednExport, parseEdn, parseEdnHistory, toEdn, toEdnValue } from '../../../harness/ground/history/index.js';

describe('toEdn', () => {
  it('writes one Jepsen op map per line inside a vector', () => {
    const ops: Op[] = [
      { index: 0, time: 12, process: 3, type: 'invoke', f: 'write', value: 2 },
      { index: 1, time: 20, process: 'nemesis', type: 'info', f: 'start-partition', value: ['n1', 'n2'] },
      { index: 2, time: 31, process: 3, type: 'ok', f: 'write', value: 2, node: 'n1' },
      { index: 3, time: 40, process: 4, type: 'fail', f: 'put', key: 'k"1', value: null, error: { why: 'no quorum' } },
    ];
    expect(toEdn(ops)).toBe(
      '[{:index 0, :time 12, :type :invoke, :process 3, :f :write, :value 2}\n' +
        ' {:index 1, :time 20, :type :info, :process :nemesis, :f :start-partition, :value ["n1" "n2"]}\n' +
        ' {:index 2, :time 31, :type :ok, :process 3, :f :write, :value 2, :node "n1"}\n' +
        ' {:index 3, :time 40, :type :fail, :process 4, :f :put, :key "k\\"1", :value nil, :error {:why "no quorum"}}]\n',
    );
  });

  it('writes an empty history as []', () => {
    expect(toEdn([])).toBe('[]\n');
    expect(parseEdnHistory(toEdn([]))).toEqual([]);
  });

  const VALUES: [string, unknown, string][] = [
    ['nil', null, 'nil'],
    ['undefined as nil', undefined, 'nil'],
    ['booleans', [true, false], '[true false]'],
    ['integers', [0, -5, 9007199254740991], '[0 -5 9007199254740991]'],
    ['negative zero keeps its sign', -0, '-0.0'],
    ['floats', [1.5, 1e21, 2 ** 60], '[1.5 1e+21 1152921504606847000.0]'],
    ['non-finite', [Infinity, -Infinity, NaN], '[##Inf ##-Inf ##NaN]'],
    ['bigint', 5n, '5N'],
    ['escapes', 'a"b\\c\nd\te\r\u0001', '"a\\"b\\\\c\\nd\\te\\r\\u0001"'],
    ['lone surrogate escaped, pair kept', '\ud800x\ud83d\ude00', '"\\ud800x\ud83d\ude00"'],
    ['keyword and string keys', { a: 1, 'two words': 2, '1x': 3, 'ns/k': 4 }, '{:a 1, "two words" 2, "1x" 3, "ns/k" 4}'],
    ['set', new Set([1]), '#{1}'],
    ['date', new Date(0), '#inst "1970-01-01T00:00:00.000Z"'],
  ];
  it.each(VALUES)('value: %s', (_name, value, edn) => {
    expect(toEdnValue(value)).toBe(edn);
  });

  it('rejects values EDN cannot hold', () => {
    expect(() => toEdnValue(() => 1)).toThrow(TypeError);
    expect(() => toEdnValue(Symbol('s'))).toThrow(TypeError);
  });
});

describe('toEdn round-trips through the EDN importer', () => {
  const str = fc.string({ unit: 'binary', maxLength: 12 });
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(), // includes -0, NaN, ±Infinity, subnormals
    fc.bigInt(),
    str,
    fc.constantFrom('read', 'x 0 0 y', 'nil', ':k', '__proto__'),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(str, fc.constantFrom('a', 'b-c', '__proto__', 'nil', '1')), tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));
  const opArb = fc.record(
    {
      time: fc.oneof(fc.integer({ min: 0 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
      process: fc.oneof(fc.nat(1000), fc.constant('nemesis' as const)),
      type: fc.constantFrom('invoke' as const, 'ok' as const, 'fail' as const, 'info' as const),
      f: fc.oneof(fc.constantFrom('read', 'write', 'cas', 'start-partition'), str),
      value,
      key: fc.oneof(str, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
      node: str,
      error: value.filter((v) => v !== null),
    },
    { requiredKeys: ['time', 'process', 'type', 'f', 'value'] },
  );

  it('parseEdnHistory(toEdn(ops)) equals ops', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 8 }), (recs) => {
        const ops: Op[] = recs.map((r, i) => ({ index: i, ...r }));
        const back = ops.length === 0 ? [] : parseEdnHistory(toEdn(ops));
        // Imported numbers are normalised: a bigint reads back as a number, or as its exact decimal
        // string when a number would round (1N and 1 are one value in Clojure).
        expect(back).toEqual(ops.map((o) => {
          const n: Op = { ...o, value: plainNumbers(o.value) };
          if (o.error !== undefined) n.error = plainNumbers(o.error);
          return n;
        }));
        // toEqual treats 0 and -0 as different, so signs of zero survive; NaN equals NaN.
      }),
      { numRuns: 300 },
    );
  });

  it('every value reads back as itself', () => {
    fc.assert(
      fc.property(value, (v) => {
        // The reader keeps a bigint only where a number would round.
        const bigintAsReader = (x: unknown): unknown => typeof x === 'bigint' && Number.isSafeInteger(Number(x)) ? Number(x)
          : Array.isArray(x) ? x.map(bigintAsReader)
          : x !== null && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, bigintAsReader(y)])) : x;
        expect(parseEdn(toEdnValue(v))).toEqual(bigintAsReader(v));
      }),
      { numRuns: 500 },
    );
  });
});

/** What the importer makes of bigints: numbers where exact, decimal strings otherwise. */
function plainNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plainNumbers);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: plainNumbers(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

describe('toEdn with event records', () => {
  it('leaves events out, renumbers densely, says how many, and Jepsen-style pairing reads the rest', () => {
    const ops: Op[] = [
      { index: 0, time: 1, process: 0, type: 'invoke', f: 'watch', value: null },
      { index: 1, time: 2, process: 0, type: 'event', f: 'event', value: { kind: 'put', key: 'a', rev: 7 }, node: 'n1' },
      { index: 2, time: 3, process: 1, type: 'invoke', f: 'put', value: { key: 'a' } },
      { index: 3, time: 4, process: 0, type: 'event', f: 'event', value: { kind: 'progress', rev: 7 } },
      { index: 4, time: 5, process: 0, type: 'ok', f: 'watch', value: { end: 'window' } },
      { index: 5, time: 6, process: 1, type: 'ok', f: 'put', value: { key: 'a', rev: 8 } },
    ];
    const { edn, droppedEvents } = ednExport(ops);
    expect(droppedEvents).toBe(2);
    expect(toEdn(ops)).toBe(edn);
    expect(edn).not.toContain(':event');
    expect(edn.trimEnd().split('\n').at(-1)).toBe("; 2 event records (watch deliveries) left out: Jepsen's op types are invoke, ok, fail and info; indices renumbered densely");
    const back = parseEdnHistory(edn);
    expect(back.map((o) => [o.index, o.type, o.f, o.process])).toEqual([[0, 'invoke', 'watch', 0], [1, 'invoke', 'put', 1], [2, 'ok', 'watch', 0], [3, 'ok', 'put', 1]]);
    // Each process' ops alternate invoke, completion: what Knossos and Elle expect.
    for (const p of [0, 1]) expect(back.filter((o) => o.process === p).map((o) => o.type)).toEqual(['invoke', 'ok']);
  });
  it('keeps a history without events exactly as before (indices untouched)', () => {
    const ops: Op[] = [{ index: 4, time: 1, process: 0, type: 'invoke', f: 'read', value: null }];
    expect(ednExport(ops)).toEqual({ edn: '[{:index 4, :time 1, :type :invoke, :process 0, :f :read, :value nil}]\n', droppedEvents: 0 });
  });
});
