/**
 * Escaping for the one-file report: HTML text and attributes, JSON inside `<script>` blocks, and
 * XML for JUnit. Everything a run holds (values, keys, node names, logs) is user data and may
 * contain markup; nothing from a run ever reaches the page unescaped.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Bidi controls (embeddings, overrides, isolates, marks): a value holding U+202E would flip the text
// after it in the page — a history could make "write 1" read "1 etirw" or hide what a cell says.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every bidi control written as `\uHHHH`, so the page shows it instead of obeying it. */
export function visibleBidi(text: string): string {
  return text.replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes text for HTML content and for double- or single-quoted attribute values (bidi controls shown, not obeyed). */
export function esc(text: unknown): string {
  return visibleBidi(String(text)).replace(/[&<>"']/g, (c) => HTML[c]);
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const BIDI_ONE = /^[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/;

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` become `\u003c` etc.,
 * so `</script>` or `<!--` in data can never end or alter the block; U+2028/2029 are escaped too so
 * the text is also valid as a JS literal. `JSON.parse` of the result gives the value back, its bidi
 * controls written out as text.
 */
export function jsonForScript(value: unknown): string {
  // A bidi control only occurs inside a JSON string; `\\uHHHH` there parses back as the visible text
  // \uHHHH, which the page then shows instead of obeying (every value in the data is for display).
  // One pass over the text (at 100,000 ops it is megabytes): bidi controls get a doubled backslash.
  return (JSON.stringify(value) ?? 'null').replace(SCRIPT_UNSAFE, (c) => `${BIDI_ONE.test(c) ? '\\\\' : '\\'}u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON for a block the page unpacks itself (not read as script text): only bidi controls are
 * written out, as jsonForScript writes them, so the page shows them instead of obeying them.
 */
export function jsonWithVisibleBidi(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(BIDI, (c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A short, single-line rendering of any JSON value, for table cells and bar labels. */
export function show(value: unknown, max = 200): string {
  let s: string;
  if (value === undefined) s = '';
  else if (typeof value === 'string') s = value;
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  s = visibleBidi(s);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// XML 1.0 forbids most control characters even when escaped; a node's log may contain any byte.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escapes text for XML content and attributes, dropping characters XML cannot carry. */
export function xmlEsc(text: unknown): string {
  return String(text)
    .replace(XML_INVALID, '\ufffd')
    .replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : HTML[c]));
}

/** Bytes as `12.3 KB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
