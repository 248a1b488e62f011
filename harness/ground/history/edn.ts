/**
 * A small EDN reader for the subset Jepsen writes into histories.
 *
 * Values map onto plain JSON-like data so that imported ops look like Faultline's own:
 * keywords and symbols become strings without the colon (`:read` → 'read'), maps become plain
 * objects (non-string keys are stringified), vectors, lists and sets become arrays, `nil` → null,
 * tagged literals (`#inst "…"`, `#jepsen.history.Op{…}`) read as their inner value. `1N` and `1` are
 * one value in Clojure, so both read as the number 1; only integers outside the safe range become
 * bigint, so ids are never silently rounded (importers turn those into exact decimal strings).
 * Nesting deeper than MAX_DEPTH is an error, not a stack overflow.
 *
 * The reader is a hand-written scanner over char codes (no tokenizer regex, no intermediate token
 * list, maps built without an intermediate array) because Jepsen's history.edn can have millions
 * of lines.
 */
import { HistoryError } from './errors.js';

/** What the reader produces. */
export type EdnValue = null | boolean | number | bigint | string | EdnValue[] | { [key: string]: EdnValue };

// Char codes used by the scanner.
const NL = 10, SPACE = 32, COMMA = 44, SEMI = 59, QUOTE = 34, HASH = 35, BACKSLASH = 92;
const LPAREN = 40, RPAREN = 41, LBRACK = 91, RBRACK = 93, LBRACE = 123, RBRACE = 125;
const COLON = 58, CARET = 94, UNDERSCORE = 95;

const CLOSERS: Record<number, string> = { [RPAREN]: ')', [RBRACK]: ']', [RBRACE]: '}' };
const CHAR_NAMES: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\' };
const INT = /^[+-]?\d+N?$/;
const FLOAT = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;
const RATIO = /^[+-]?\d+\/\d+$/;
/** Deepest nesting read; Jepsen histories nest a few levels, 200k "[" would overflow the stack. */
export const MAX_DEPTH = 1000;

/** True for bytes that end a token: whitespace, commas, delimiters, quotes, comments. */
function isDelimiter(c: number): boolean {
  return c <= SPACE || c === COMMA || c === LPAREN || c === RPAREN || c === LBRACK || c === RBRACK ||
    c === LBRACE || c === RBRACE || c === QUOTE || c === SEMI;
}

/** Streaming EDN reader over a string; `line` is the 1-based line of the next unread character. */
export class EdnReader {
  pos = 0;
  line = 1;
  private depth = 0;

  constructor(
    readonly text: string,
    readonly file: string = '<edn>',
  ) {}

  /** Skips whitespace, commas, `;` comments and `#_` discarded forms; returns the next char code or -1. */
  skipSpace(): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c !== c) return -1; // NaN: past the end
      if (c === NL) this.line++;
      else if (c === SEMI) {
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl === -1 ? t.length : nl;
        continue;
      } else if (c === HASH && t.charCodeAt(this.pos + 1) === UNDERSCORE) {
        this.pos += 2;
        this.read();
        continue;
      } else if (c > SPACE && c !== COMMA) return c;
      this.pos++;
    }
  }

  /** True when only whitespace, comments and discarded forms remain. */
  atEnd(): boolean {
    return this.skipSpace() === -1;
  }

  /** Throws a HistoryError at `line` (default: the current line). */
  fail(what: string, line = this.line): never {
    throw new HistoryError(this.file, line, what);
  }

  /** Reads the next form; throws at the end of the input. */
  read(): EdnValue {
    if (++this.depth > MAX_DEPTH) {
      this.fail(`values are nested more than ${MAX_DEPTH} levels deep, expected a history of op maps (is the file truncated or not EDN?)`);
    }
    try {
      return this.readForm();
    } finally {
      this.depth--;
    }
  }

  private readForm(): EdnValue {
    const c = this.skipSpace();
    if (c === -1) this.fail('the input ends where a value was expected');
    const t = this.text;
    switch (c) {
      case LBRACE: return this.readMap();
      case LBRACK: return this.readSeq(RBRACK, 'vector');
      case LPAREN: return this.readSeq(RPAREN, 'list');
      case QUOTE: return this.readString();
      case COLON: {
        this.pos++;
        const name = this.tokenRest();
        if (name === '') this.fail('a lone ":" is not a keyword, expected a name after the colon');
        return name;
      }
      case HASH: return this.readDispatch();
      case BACKSLASH: return this.readChar();
      case CARET: {
        // Metadata (^:foo or ^{…}) annotates the next form; histories never depend on it.
        this.pos++;
        this.read();
        return this.read();
      }
      case RPAREN: case RBRACK: case RBRACE:
        this.fail(`unexpected "${t[this.pos]}" with no open collection to close`);
    }
    // Any other char starts a symbol or number; it is not a delimiter, so it belongs to the token.
    this.pos++;
    return this.atom(t[this.pos - 1] + this.tokenRest());
  }

  /** Reads the elements of a collection whose opener is at `pos`, up to `close`. */
  readSeq(close: number, kind: string): EdnValue[] {
    const open = this.line;
    this.pos++;
    const out: EdnValue[] = [];
    for (;;) {
      const c = this.skipSpace();
      if (c === close) {
        this.pos++;
        return out;
      }
      this.checkOpen(c, close, kind, open);
      out.push(this.read());
    }
  }

  /** Reads key/value pairs straight into the object: maps dominate histories. */
  private readMap(): { [key: string]: EdnValue } {
    const open = this.line;
    this.pos++;
    const out: { [key: string]: EdnValue } = {};
    for (;;) {
      let c = this.skipSpace();
      if (c === RBRACE) {
        this.pos++;
        return out;
      }
      this.checkOpen(c, RBRACE, 'map', open);
      const k = this.read();
      const key = typeof k === 'string' ? k : keyString(k);
      c = this.skipSpace();
      if (c === RBRACE) this.fail(`the map opened on line ${open} has a key without a value`, open);
      this.checkOpen(c, RBRACE, 'map', open);
      const v = this.read();
      // Assigning "__proto__" would replace the prototype instead of adding a key.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
    }
  }

  /** Fails if `c` ends the input or closes a different collection than the open one. */
  private checkOpen(c: number, close: number, kind: string, open: number): void {
    // Point at the opener: that is where the fix (or the missing half) is.
    if (c === -1) this.fail(`the ${kind} opened on line ${open} is never closed, expected "${CLOSERS[close]}"`, open);
    if (c === RPAREN || c === RBRACK || c === RBRACE) {
      this.fail(`"${CLOSERS[c]}" closes the ${kind} opened on line ${open}, expected "${CLOSERS[close]}"`);
    }
  }

  private readString(): string {
    const t = this.text;
    const start = this.pos + 1;
    const startLine = this.line;
    const unclosed = () => this.fail(`the string opened on line ${startLine} is never closed, expected a closing '"'`, startLine);
    // Fast path: scan to the closing quote; most strings have no escapes and slice out directly.
    let i = start;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return t.slice(start, i);
      }
      if (c === BACKSLASH) break;
      if (c === NL) this.line++;
      else if (c !== c) unclosed();
      i++;
    }
    let out = t.slice(start, i);
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === QUOTE) break;
      if (c !== c) unclosed();
      if (c !== BACKSLASH) {
        if (c === NL) this.line++;
        out += t[i++];
        continue;
      }
      const e = t[i + 1];
      i += 2;
      const unescaped = e === 'u' ? this.unicodeEscape(t.slice(i, i + 4)) : ESCAPES[e];
      if (unescaped === undefined) {
        this.fail(`"\\${e ?? ''}" is not a valid string escape, expected one of \\n \\t \\r \\b \\f \\" \\\\ \\uXXXX`);
      }
      out += unescaped;
      if (e === 'u') i += 4;
    }
    this.pos = i + 1;
    return out;
  }

  private unicodeEscape(hex: string): string {
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`"\\u${hex}" is not a valid escape, expected four hex digits after \\u`);
    return String.fromCharCode(parseInt(hex, 16));
  }

  /** `#` forms other than `#_` (handled in skipSpace): sets, tagged literals, regexes, symbolic values. */
  private readDispatch(): EdnValue {
    const t = this.text;
    const next = t.charCodeAt(this.pos + 1);
    if (next === LBRACE || next === QUOTE) {
      this.pos++;
      return next === LBRACE ? this.readSeq(RBRACE, 'set') : this.readString();
    }
    if (next === HASH) {
      this.pos += 2;
      const tok = this.tokenRest();
      if (tok === 'Inf') return Infinity;
      if (tok === '-Inf') return -Infinity;
      if (tok === 'NaN') return NaN;
      this.fail(`"##${tok}" is not a symbolic value, expected ##Inf, ##-Inf or ##NaN`);
    }
    this.pos++;
    const tag = this.tokenRest();
    if (tag === '') this.fail('a "#" must be followed by a tag, "{", "_" or a string');
    // #inst "…", #uuid "…", #jepsen.history.Op{…}: keep the inner value; the tag adds no meaning here.
    return this.read();
  }

  private readChar(): string {
    this.pos++;
    // A character literal is at least one char even if that char is a delimiter, as in `\(`.
    const first = this.text[this.pos];
    if (first === undefined) this.fail('the input ends after "\\", expected a character');
    this.pos++;
    const name = first + this.tokenRest();
    if (name.length === 1) return name;
    if (CHAR_NAMES[name] !== undefined) return CHAR_NAMES[name];
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(parseInt(name.slice(1), 16));
    this.fail(`"\\${name}" is not a character literal, expected e.g. \\a, \\newline or \\u0041`);
  }

  /** Reads up to the next delimiter (possibly nothing). */
  private tokenRest(): string {
    const t = this.text;
    const start = this.pos;
    let i = start;
    while (i < t.length && !isDelimiter(t.charCodeAt(i))) i++;
    this.pos = i;
    return t.slice(start, i);
  }

  private atom(tok: string): EdnValue {
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    const c = tok.charCodeAt(0);
    const numeric = (c >= 48 && c <= 57) || ((c === 43 || c === 45) && tok.length > 1 && tok.charCodeAt(1) >= 48 && tok.charCodeAt(1) <= 57);
    if (!numeric) return tok; // a symbol
    if (INT.test(tok)) {
      const digits = tok.endsWith('N') ? tok.slice(0, -1) : tok;
      const n = Number(digits);
      // 1N is 1 in Clojure: a bigint only where a number would round.
      return Number.isSafeInteger(n) ? n : BigInt(digits);
    }
    if (FLOAT.test(tok)) return Number(tok.endsWith('M') ? tok.slice(0, -1) : tok);
    if (RATIO.test(tok)) {
      const [p, q] = tok.split('/');
      return Number(p) / Number(q);
    }
    this.fail(`"${tok}" is not a valid number, expected an integer, a float or a ratio`);
  }
}

/** How a non-string map key is named in the resulting object. */
function keyString(k: EdnValue): string {
  if (k === null) return 'nil';
  if (typeof k === 'object') return JSON.stringify(k, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(k);
}

/** Reads exactly one EDN value from `text`; `file` names it in errors. */
export function parseEdn(text: string, file = '<edn>'): EdnValue {
  const r = new EdnReader(text, file);
  const v = r.read();
  if (!r.atEnd()) r.fail('more input follows the first value, expected the end of the input');
  return v;
}

/** Reads every top-level EDN value in `text`, each with the line it starts on. */
export function parseEdnAll(text: string, file = '<edn>'): { value: EdnValue; line: number }[] {
  const r = new EdnReader(text, file);
  const out: { value: EdnValue; line: number }[] = [];
  while (!r.atEnd()) {
    const line = r.line;
    out.push({ value: r.read(), line });
  }
  return out;
}
