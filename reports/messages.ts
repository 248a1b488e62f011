/**
 * A Maelstrom run's network journal (`messages.jsonl`, harness/middle/maelstrom/journal.ts) read once for
 * the report: counts per endpoint and type for the chart, and the journal's text itself for the
 * message diagram, which the page parses a window of lines at a time (reports/diagram-script.ts).
 *
 * The journal's lines have a fixed layout (id, time, src, dest, type, then body and deliverAt or
 * dropped, or lateDrop), so counting reads each line's head with one sticky match instead of parsing
 * it: a 200,000-line journal is counted in a fraction of what JSON.parse per line took
 * (bench/report.ts). A line in any other layout is parsed as JSON.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);

export interface MessageCounts {
  total: number;
  /** Lines that were not journal entries (a torn last line after a crash). */
  bad: number;
  /** Per endpoint and kind (sent / delivered / dropped), for the chart. */
  rows: { endpoint: string; kind: 'sent' | 'delivered' | 'dropped'; count: number }[];
  /** Per message type. */
  byType: { type: string; count: number; dropped: number }[];
}

/**
 * zlib's level for the journal's chunks: at 200,000 messages level 2 packs them 8 % smaller than
 * level 1 for the same time; level 4 takes 75 % longer for 2 % more (bench/report.ts). Every
 * megabyte of the page costs its opening time, embedded data or not.
 */
const JOURNAL_GZIP_LEVEL = 2;

/** Journal lines per packed chunk (a multiple of the diagram's 100-line window). */
export const CHUNK_LINES = 10_000;

/**
 * The diagram's input: the journal's lines as written, one message or late drop a line, in chunks of
 * CHUNK_LINES lines, each gzipped and in base64 (a tenth of the text's size, and nothing in it can
 * end the page's block); the page unpacks a chunk with the browser's own DecompressionStream when a
 * window needs it. Inflating a 200,000-line journal whole took the page 0.2–0.5 s before its first
 * window could be drawn (bench/report.ts); its first chunk takes a twentieth of that.
 */
export interface DiagramMeta {
  /** Lines in the journal. */
  count: number;
  /** Lines per chunk (the last may hold fewer). */
  chunkLines: number;
  /** Per chunk, the send time (µs) its first line records, or the previous chunk's when it records none: where a jump to a time looks. */
  chunkSentUs: number[];
  /** Every endpoint that sent or received, in order of first appearance. */
  endpoints: string[];
  /** id → why, for messages dropped on arrival (the journal's `lateDrop` lines). */
  lateDrops: Record<number, string>;
  /** The longest time a delivered message travelled (µs): how far back a window looks for arrivals. */
  maxTravelUs: number;
}

export interface DiagramData extends DiagramMeta {
  /** Per chunk, its lines gzipped, in base64. */
  chunks: string[];
}

export interface Journal {
  counts: MessageCounts;
  diagram: DiagramData;
}

/** A journal counted, its chunks still being packed on libuv's thread pool. */
export interface OpenJournal {
  counts: MessageCounts;
  diagram: DiagramMeta;
  /** The chunks, gzipped, in base64. */
  packed: Promise<string[]>;
}

/** Clients are many and short-lived (c1, c2, …): one bar for all of them keeps the chart readable. */
const endpointOf = (id: string): string => (/^c\d+$/.test(id) ? 'clients' : id);

/** The fields counting needs, from a line in any layout; undefined when it is not a message. */
function parseLine(line: string): { id?: unknown; src: string; dest: string; type: string; time: number; deliverAt?: number; dropped?: string; lateDrop?: string } | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || typeof o.src !== 'string' || typeof o.dest !== 'string') return undefined;
  return {
    id: o.id, src: o.src, dest: o.dest, type: typeof o.type === 'string' ? o.type : '?', time: typeof o.time === 'number' ? o.time : 0,
    ...(typeof o.deliverAt === 'number' ? { deliverAt: o.deliverAt } : {}),
    ...(o.dropped !== undefined ? { dropped: String(o.dropped) } : {}),
    ...(o.lateDrop !== undefined ? { lateDrop: String(o.lateDrop) } : {}),
  };
}

// A line's head in the journal's layout: id, time, src, dest, type (names without escapes).
const HEAD = /\{"id":(\d+),"time":(\d+),"src":"([^"\\]*)","dest":"([^"\\]*)","type":"([^"\\]*)",/y;

// A line's send time as the page's diagram reads it (reports/diagram-script.ts, `sentOf`): in its first 80 characters.
const SENT = /"time":(-?\d+(?:\.\d+)?)/;

/**
 * Counts a journal and starts packing its text for the diagram. The packing runs on libuv's thread
 * pool, a chunk a task, while this thread counts and renders the rest of the page.
 */
export function openJournal(file: string): OpenJournal {
  const per = new Map<string, { sent: number; delivered: number; dropped: number }>();
  const types = new Map<string, { count: number; dropped: number }>();
  const ep = (id: string) => {
    let c = per.get(id);
    if (!c) per.set(id, (c = { sent: 0, delivered: 0, dropped: 0 }));
    return c;
  };
  const lateDrops: Record<number, string> = {};
  let total = 0;
  let bad = 0;
  let maxTravel = 0;
  const bytes = fs.readFileSync(file);
  const raw = bytes.toString('utf8');
  // Chunks are cut as the lines are walked, each handed to the pool at once: string offsets are
  // byte offsets when the text is ASCII (as a journal nearly always is), otherwise each chunk's
  // bytes are counted.
  const ascii = raw.length === bytes.length;
  const chunks: Promise<Buffer>[] = [];
  const chunkSentUs: number[] = [];
  let cutAt = 0;
  let cutByte = 0;
  const cut = (to: number): void => {
    const toByte = ascii ? to : cutByte + Buffer.byteLength(raw.slice(cutAt, to));
    chunks.push(gzip(bytes.subarray(cutByte, toByte), { level: JOURNAL_GZIP_LEVEL }));
    cutAt = to;
    cutByte = toByte;
  };
  let lines = 0;
  const count = (src: string, dest: string, type: string, time: number, deliverAt: number | undefined, dropped: string | undefined): void => {
    total++;
    ep(src).sent++;
    if (dropped !== undefined) ep(dest).dropped++;
    else ep(dest).delivered++;
    let t = types.get(type);
    if (!t) types.set(type, (t = { count: 0, dropped: 0 }));
    t.count++;
    if (dropped !== undefined) t.dropped++;
    if (deliverAt !== undefined && deliverAt - time > maxTravel) maxTravel = deliverAt - time;
  };
  const lateDrop = (id: unknown, dest: string, type: string, why: string): void => {
    // A message counted as in flight (delivered) earlier was dropped on arrival.
    const c = ep(dest);
    c.delivered = Math.max(0, c.delivered - 1);
    c.dropped++;
    const lt = types.get(type);
    if (lt) lt.dropped++;
    if (typeof id === 'number') lateDrops[id] = why;
  };
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf('\n', start);
    if (end < 0) end = raw.length;
    if (lines % CHUNK_LINES === 0) {
      if (lines > 0) cut(start);
      const m = SENT.exec(raw.slice(start, Math.min(end + 1, start + 80)));
      chunkSentUs.push(m ? Number(m[1]) / 1e3 : chunkSentUs.length > 0 ? chunkSentUs[chunkSentUs.length - 1] : 0);
    }
    lines++;
    HEAD.lastIndex = start;
    const h = HEAD.exec(raw);
    const at = HEAD.lastIndex;
    const lineStart = start;
    start = end + 1;
    if (h !== null && at <= end) {
      if (raw.startsWith('"lateDrop":"', at)) { lateDrop(Number(h[1]), h[4], h[5], raw.slice(at + 12, end - 2)); continue; }
      // The tail: `,"deliverAt":N}` or `,"dropped":"why"}` (the body before it is any JSON).
      // Looked for in the line's last characters only: a search back through the file would cost a pass each.
      const from = Math.max(at, end - 64);
      const tail = raw.slice(from, end);
      const x = tail.lastIndexOf(',"dropped":"');
      const d = tail.lastIndexOf(',"deliverAt":');
      if (x > d) count(h[3], h[4], h[5], Number(h[2]), undefined, tail.slice(x + 12, -2));
      else count(h[3], h[4], h[5], Number(h[2]), d >= 0 ? Number(tail.slice(d + 13, -1)) : undefined, undefined);
      continue;
    }
    const line = raw.slice(lineStart, end);
    if (line.trim() === '') continue;
    const m = parseLine(line);
    if (m === undefined) { bad++; continue; }
    if (m.lateDrop !== undefined) lateDrop(m.id, m.dest, m.type, m.lateDrop);
    else count(m.src, m.dest, m.type, m.time, m.deliverAt, m.dropped);
  }
  // The last chunk (the only one, empty, for an empty journal).
  cut(raw.length);
  if (chunkSentUs.length === 0) chunkSentUs.push(0);
  const packed = Promise.all(chunks).then((bs) => bs.map((b) => b.toString('base64')));
  // Kept from an unhandled rejection while the caller works; it awaits (and so reports) it later.
  packed.catch(() => undefined);
  const rows: MessageCounts['rows'] = [];
  const grouped = new Map<string, { sent: number; delivered: number; dropped: number }>();
  for (const [id, c] of per) {
    const k = endpointOf(id);
    const g = grouped.get(k);
    if (g) { g.sent += c.sent; g.delivered += c.delivered; g.dropped += c.dropped; } else grouped.set(k, { ...c });
  }
  for (const [endpoint, c] of [...grouped].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    for (const kind of ['sent', 'delivered', 'dropped'] as const) rows.push({ endpoint, kind, count: c[kind] });
  }
  const byType = [...types].map(([type, c]) => ({ type, count: c.count, dropped: c.dropped })).sort((a, b) => b.count - a.count);
  // Torn or foreign lines stay in the text; the page skips a line it cannot parse.
  return {
    counts: { total, bad, rows, byType },
    diagram: { count: lines, chunkLines: CHUNK_LINES, chunkSentUs, endpoints: [...per.keys()], lateDrops, maxTravelUs: Math.round(maxTravel / 1e3) },
    packed,
  };
}

/** Reads a journal: counts, and its text packed for the diagram. */
export async function readJournal(file: string): Promise<Journal> {
  const { counts, diagram, packed } = openJournal(file);
  return { counts, diagram: { ...diagram, chunks: await packed } };
}

/** Counts messages per endpoint and type. */
export async function countMessages(file: string): Promise<MessageCounts> {
  return (await readJournal(file)).counts;
}
