/**
 * Message counts from a Maelstrom run's network journal (`messages.jsonl`, targets/maelstrom/
 * journal.ts), streamed so a journal of millions of messages never sits in memory.
 */
import fs from 'node:fs';
import readline from 'node:readline';

export interface MessageCounts {
  total: number;
  /** Lines that were not journal entries (a torn last line after a crash). */
  bad: number;
  /** Per endpoint and kind (sent / delivered / dropped), for the chart. */
  rows: { endpoint: string; kind: 'sent' | 'delivered' | 'dropped'; count: number }[];
  /** Per message type. */
  byType: { type: string; count: number; dropped: number }[];
}

/** Clients are many and short-lived (c1, c2, …): one bar for all of them keeps the chart readable. */
const endpointOf = (id: string): string => (/^c\d+$/.test(id) ? 'clients' : id);

/** Counts messages per endpoint and type. */
export async function countMessages(file: string): Promise<MessageCounts> {
  const per = new Map<string, { sent: number; delivered: number; dropped: number }>();
  const types = new Map<string, { count: number; dropped: number }>();
  const ep = (id: string) => {
    const k = endpointOf(id);
    let c = per.get(k);
    if (!c) per.set(k, (c = { sent: 0, delivered: 0, dropped: 0 }));
    return c;
  };
  let total = 0;
  let bad = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let m: { src?: unknown; dest?: unknown; type?: unknown; dropped?: unknown; lateDrop?: unknown };
    try {
      m = JSON.parse(line) as typeof m;
    } catch {
      bad++;
      continue;
    }
    if (typeof m.src !== 'string' || typeof m.dest !== 'string') { bad++; continue; }
    if (m.lateDrop !== undefined) {
      // A message counted as in flight (delivered) earlier was dropped on arrival.
      const c = ep(m.dest);
      c.delivered = Math.max(0, c.delivered - 1);
      c.dropped++;
      const lt = types.get(typeof m.type === 'string' ? m.type : '?');
      if (lt) lt.dropped++;
      continue;
    }
    total++;
    ep(m.src).sent++;
    if (m.dropped !== undefined) ep(m.dest).dropped++;
    else ep(m.dest).delivered++;
    const type = typeof m.type === 'string' ? m.type : '?';
    let t = types.get(type);
    if (!t) types.set(type, (t = { count: 0, dropped: 0 }));
    t.count++;
    if (m.dropped !== undefined) t.dropped++;
  }
  const rows: MessageCounts['rows'] = [];
  for (const [endpoint, c] of [...per].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    for (const kind of ['sent', 'delivered', 'dropped'] as const) rows.push({ endpoint, kind, count: c[kind] });
  }
  const byType = [...types].map(([type, c]) => ({ type, ...c })).sort((a, b) => b.count - a.count);
  return { total, bad, rows, byType };
}
