/**
 * A message body as its node wrote it. The routed network routes on the parsed envelope but forwards
 * the body's own text, so what a peer receives is byte for byte what the node sent: JSON.parse then
 * JSON.stringify would round integers beyond 2^53 (a snowflake id 12345678901234567891 arrives as
 * 12345678901234567000), rewrite 1.0 as 1 and 1e400 as null, and undo \u escapes. Maelstrom's
 * network (Clojure, Jackson) keeps longs and bigints exact; so does this one.
 *
 * Inside the harness (services, workload clients) a body whose integers do not fit a double is read
 * with those integers as bigints (parseBody), and written back with their digits (stringifyBody).
 */
import { mayHaveRounded } from '../../ground/history/exact-int.js';

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Index just past the JSON string starting at `i` (a `"`); the text is valid JSON. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22 /* " */) return i + 1;
  }
  return i;
}

/** Index of the end of the JSON value starting at `i`: the `,` or `}` / `]` that closes its container. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { i = skipString(text, i) - 1; continue; }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) { if (depth === 0) return i; depth--; }
    else if (c === 0x2c && depth === 0) return i;
  }
  return i;
}

/**
 * The source text of the top-level member `name` of a JSON object `line` (one JSON.parse accepted),
 * or undefined when it has none. With duplicate names the last wins, as in JSON.parse.
 */
export function memberText(line: string, name: string): string | undefined {
  let i = 0;
  const n = line.length;
  while (i < n && isWs(line.charCodeAt(i))) i++;
  if (line.charCodeAt(i) !== 0x7b) return undefined;
  i++;
  let found: string | undefined;
  while (i < n) {
    while (i < n && isWs(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) === 0x7d) break;
    const keyEnd = skipString(line, i);
    const key = JSON.parse(line.slice(i, keyEnd)) as string;
    i = keyEnd;
    while (i < n && line.charCodeAt(i) !== 0x3a /* : */) i++;
    i++;
    while (i < n && isWs(line.charCodeAt(i))) i++;
    const end = skipValue(line, i);
    if (key === name) found = line.slice(i, end).trimEnd();
    i = end;
    if (line.charCodeAt(i) === 0x2c) i++;
    else break;
  }
  return found;
}

const MARK = '\u0000faultline-bigint:';
const MARKED = /"\\u0000faultline-bigint:(-?\d+)"/g;

/**
 * The value of body text JSON.parse accepted as `parsed`: `parsed` itself unless it holds an integer
 * JSON.parse may have rounded; then the text parsed again with each integer beyond 2^53 as a bigint.
 */
export function exactBody<T>(text: string, parsed: T): T {
  if (!mayHaveRounded(parsed)) return parsed;
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { i = skipString(text, i) - 1; continue; }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    let j = i + 1;
    while (j < n && /[0-9.eE+-]/.test(text[j])) j++;
    const token = text.slice(i, j);
    if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(from, i)}"\\u0000faultline-bigint:${token}"`;
      from = j;
    }
    i = j - 1;
  }
  const marked = out + text.slice(from);
  return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(MARK) ? BigInt(v.slice(MARK.length)) : v)) as T;
}

/** JSON text of a body the harness made; bigints are written as their digits. */
export function stringifyBody(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
    return JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v}` : v)).replace(MARKED, '$1');
  }
}
