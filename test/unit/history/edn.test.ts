import { describe, expect, it } from 'vitest';
import { HistoryError, parseEdn, parseEdnAll } from '../../../harness/ground/history/index.js';

describe('parseEdn values', () => {
  const CASES: [string, string, unknown][] = [
    ['nil', 'nil', null],
    ['true', 'true', true],
    ['false', 'false', false],
    ['integer', '42', 42],
    ['negative integer', '-7', -7],
    ['explicit plus', '+3', 3],
    ['big integer', '12345678901234567890', 12345678901234567890n],
    ['N suffix: 1N and 1 are one value in Clojure', '5N', 5],
    ['N suffix beyond the safe range', '9007199254740993N', 9007199254740993n],
    ['float', '1.5', 1.5],
    ['exponent', '-2.5e3', -2500],
    ['M suffix', '0.25M', 0.25],
    ['ratio', '1/4', 0.25],
    ['symbolic values', '[##Inf ##-Inf]', [Infinity, -Infinity]],
    ['keyword', ':read', 'read'],
    ['namespaced keyword', ':jepsen.history/op', 'jepsen.history/op'],
    ['symbol', 'foo-bar?', 'foo-bar?'],
    ['lone minus is a symbol', '-', '-'],
    ['string', '"hello world"', 'hello world'],
    ['string escapes', String.raw`"a\"b\\c\nd\te\u00e9"`, 'a"b\\c\nd\te\u00e9'],
    ['characters', String.raw`[\a \newline \space \u0041 \(]`, ['a', '\n', ' ', 'A', '(']],
    ['vector', '[1 2 3]', [1, 2, 3]],
    ['list', '(1 (2) [])', [1, [2], []]],
    ['set', '#{:a}', ['a']],
    ['commas are whitespace', '[1,2,,3 ,]', [1, 2, 3]],
    ['comments', '[1 ; one\n 2] ; end', [1, 2]],
    ['discard', '[1 #_2 #_ #_3 4 5]', [1, 5]],
    ['discard before the close', '[1 #_2]', [1]],
    ['map with keyword keys', '{:a 1, :b [2]}', { a: 1, b: [2] }],
    ['map with other keys', '{"s" 1, 2 2, nil 3, [1 2] 4}', { s: 1, '2': 2, nil: 3, '[1,2]': 4 }],
    ['nested map', '{:a {:b {:c nil}}}', { a: { b: { c: null } } }],
    ['#inst reads as its string', '#inst "2024-01-02T03:04:05.000-00:00"', '2024-01-02T03:04:05.000-00:00'],
    ['#uuid reads as its string', '#uuid "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'],
    ['record literal reads as its map', '#jepsen.history.Op{:index 0, :type :ok}', { index: 0, type: 'ok' }],
    ['metadata is dropped', '^:private [1]', [1]],
  ];
  it.each(CASES)('%s', (_name, text, expected) => {
    expect(parseEdn(text)).toEqual(expected);
  });

  it('NaN reads as NaN', () => {
    expect(parseEdn('##NaN')).toBeNaN();
  });

  it('a "__proto__" key is an ordinary key, not a prototype', () => {
    const m = parseEdn('{"__proto__" {:polluted true}}') as Record<string, unknown>;
    expect(Object.keys(m)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseEdnAll', () => {
  it('returns each top-level value with the line it starts on, counting newlines inside strings', () => {
    const text = '; header\n{:a 1}\n\n"two\nlines" {:b\n 2}\n[3]';
    expect(parseEdnAll(text)).toEqual([
      { value: { a: 1 }, line: 2 },
      { value: 'two\nlines', line: 4 },
      { value: { b: 2 }, line: 5 },
      { value: [3], line: 7 },
    ]);
  });

  it('returns nothing for whitespace and comments only', () => {
    expect(parseEdnAll(' ; nothing\n,,\n')).toEqual([]);
  });
});

describe('parseEdn errors carry the line', () => {
  const ERRORS: [string, string, number, RegExp][] = [
    ['unclosed vector', '[1\n2\n', 1, /the vector opened on line 1 is never closed, expected "\]"/],
    ['mismatched closer', '{:a [1\n 2}', 2, /"}" closes the vector opened on line 1, expected "\]"/],
    ['stray closer', '\n\n)', 3, /unexpected "\)"/],
    ['odd map', '\n{:a 1\n :b}', 2, /the map opened on line 2 has a key without a value/],
    ['unclosed string', '["abc\n\n', 1, /the string opened on line 1 is never closed/],
    ['bad escape', '\n"a\\qb"', 2, /"\\q" is not a valid string escape/],
    ['bad number', '[1 2x]', 1, /"2x" is not a valid number/],
    ['lone colon', '[: 1]', 1, /a lone ":" is not a keyword/],
    ['bad symbolic value', '##Foo', 1, /"##Foo" is not a symbolic value/],
    ['trailing input', '1 2', 1, /more input follows the first value/],
    ['empty input', '  ', 1, /the input ends where a value was expected/],
    ['discard at the end', '#_1', 1, /the input ends where a value was expected/],
  ];
  it.each(ERRORS)('%s', (_name, text, line, message) => {
    let err: unknown;
    try {
      parseEdn(text, 'h.edn');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HistoryError);
    expect((err as HistoryError).line).toBe(line);
    expect((err as HistoryError).file).toBe('h.edn');
    expect((err as HistoryError).message).toMatch(message);
  });
});
