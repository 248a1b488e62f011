/**
 * Integers beyond 2^53 in history records (the Op of op.ts): a double cannot hold them,
 * so a record holds such an integer as its exact decimal string ("9007199254740993"); every integer
 * in the safe range stays a number. This is the form the EDN importer already gives a bigint
 * (import-edn.ts `normaliseNumbers`), so the JSONL reader, the EDN reader and the porcupine importers
 * agree, and checkers compare values with plain equality: one integer has exactly one form.
 *
 * Node 20's JSON.parse rounds such integers and has no way to hand out a number's source text (the
 * reviver's `context.source` arrived in Node 21), so the JSONL reader parses as usual and only
 * re-parses the rare record whose parsed values hold a number that is not a safe integer.
 */

/** The record form of an integer written in decimal: a number when safe, else its exact decimal string. */
export function exactInteger(digits: string): number | string {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : BigInt(digits).toString();
}

/** The record form of a bigint: a number when safe, else its exact decimal string. */
export function bigintValue(b: bigint): number | string {
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b.toString();
}

/**
 * True when a value parsed by JSON.parse holds a number that is an integer but not a safe one: the
 * only sign that JSON.parse may have rounded digits away. Walks structure only, never string text,
 * so a record with a long string value costs nothing more.
 */
export function mayHaveRounded(v: unknown): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (mayHaveRounded(v[i])) return true;
    return false;
  }
  for (const k in v) if (mayHaveRounded((v as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * Parses JSON text that JSON.parse has already accepted, keeping every integer beyond 2^53 exact as
 * its decimal string: such number tokens are quoted in the text, which is then parsed again. Tokens
 * with a fraction or an exponent are doubles by their writing and stay numbers (as in the EDN reader).
 */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string; the text is valid JSON, so a backslash always escapes the next character.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      continue;
    }
    if (c !== 0x2d /* - */ && (c < 0x30 || c > 0x39)) continue;
    let j = i + 1;
    while (j < n && isNumberChar(text.charCodeAt(j))) j++;
    const token = text.slice(i, j);
    // 15 digits always fit; only a longer plain integer can be rounded.
    if (token.length >= 16 && /^-?\d+$/.test(token)) {
      const exact = exactInteger(token);
      if (typeof exact === 'string') {
        out += text.slice(from, i) + '"' + exact + '"';
        from = j;
      }
    }
    i = j - 1;
  }
  return JSON.parse(from === 0 ? text : out + text.slice(from));
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e /* . */ || c === 0x65 /* e */ || c === 0x45 /* E */ || c === 0x2b /* + */ || c === 0x2d /* - */;
}

/**
 * A value with every bigint in it replaced by its record form (see {@link bigintValue}); the value
 * itself when it holds none. Used where a value is about to become a record (the JSONL writer).
 */
export function withoutBigints(v: unknown): unknown {
  if (typeof v === 'bigint') return bigintValue(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = withoutBigints(v[i]);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const x = withoutBigints((v as Record<string, unknown>)[k]);
    if (x !== (v as Record<string, unknown>)[k]) {
      out ??= { ...(v as Record<string, unknown>) };
      // defineProperty: a "__proto__" key is data here, never the prototype.
      Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    }
  }
  return out ?? v;
}
