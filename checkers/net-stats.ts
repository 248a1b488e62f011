/**
 * Network statistics of a run, as Maelstrom's net checker reports them: messages sent, delivered and
 * dropped, messages per client operation for all traffic, for client traffic (a message to or from a
 * client `c<N>`) and for server traffic (every other message: node to node, node to service), and
 * the same counts per message type.
 *
 * Read from the run's own records, the message journal (`messages.jsonl`, one message a line, see
 * harness/middle/maelstrom/journal.ts) and the history, not from the network's live counters: the figures
 * are then those any reader of the two files would compute, and hold for a run read back later.
 * "Operations" are client invocations (Maelstrom divides by the same), final reads included.
 */
import fs from 'node:fs';
import type { Op } from '../harness/ground/history/op.js';

/** Counts of one class of traffic. */
export interface TrafficCounts {
  /** Messages sent (each send is one message). */
  sent: number;
  /** Sent and not dropped (delivered, or due when the run ended). */
  delivered: number;
  dropped: number;
  /** sent / client operations; null when the history has no client operation. */
  msgsPerOp: number | null;
}

/** results.json `net`. */
export interface NetStats {
  /** Client invocations in the history: the divisor of every msgsPerOp. */
  ops: number;
  all: TrafficCounts;
  clients: TrafficCounts;
  servers: TrafficCounts;
  byType: Record<string, { sent: number; dropped: number; clients: number; servers: number }>;
  /** Lines of the journal that are not messages (a torn last line after a crash). */
  badLines: number;
}

/** A client's id in Maelstrom's naming (`c1`, `c22`); every other id is a node or a service. */
export const isClientId = (id: string): boolean => /^c\d+$/.test(id);

/** Client invocations: what Maelstrom divides the message count by. */
export function clientInvocations(history: readonly Op[]): number {
  let n = 0;
  for (const op of history) if (op.type === 'invoke' && typeof op.process === 'number') n++;
  return n;
}

const counts = (): TrafficCounts => ({ sent: 0, delivered: 0, dropped: 0, msgsPerOp: null });

/** Accumulates journal lines into NetStats. */
export class NetStatsBuilder {
  private readonly all = counts();
  private readonly clients = counts();
  private readonly servers = counts();
  private readonly byType = new Map<string, { sent: number; dropped: number; clients: number; servers: number }>();
  private bad = 0;

  /** One parsed journal line. */
  add(m: { src?: unknown; dest?: unknown; type?: unknown; dropped?: unknown; lateDrop?: unknown }): void {
    if (typeof m.src !== 'string' || typeof m.dest !== 'string') { this.bad++; return; }
    const client = isClientId(m.src) || isClientId(m.dest);
    const cls = client ? this.clients : this.servers;
    const type = typeof m.type === 'string' ? m.type : '(no type)';
    let t = this.byType.get(type);
    if (t === undefined) this.byType.set(type, (t = { sent: 0, dropped: 0, clients: 0, servers: 0 }));
    if (m.lateDrop !== undefined) {
      // A message journaled as in flight and dropped on arrival: its send was counted already.
      for (const c of [this.all, cls]) { c.dropped++; c.delivered--; }
      t.dropped++;
      return;
    }
    for (const c of [this.all, cls]) {
      c.sent++;
      if (m.dropped !== undefined) c.dropped++;
      else c.delivered++;
    }
    t.sent++;
    if (m.dropped !== undefined) t.dropped++;
    if (client) t.clients++;
    else t.servers++;
  }

  /** One journal line as text; a line that is not JSON counts as bad. */
  addLine(line: string): void {
    if (line.trim() === '') return;
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      this.bad++;
      return;
    }
    if (typeof m !== 'object' || m === null) { this.bad++; return; }
    this.add(m as Record<string, unknown>);
  }

  /** The statistics, divided by `ops` client invocations. */
  done(ops: number): NetStats {
    const per = (c: TrafficCounts): TrafficCounts => ({ ...c, msgsPerOp: ops > 0 ? c.sent / ops : null });
    const byType = Object.fromEntries([...this.byType].sort(([, a], [, b]) => b.sent - a.sent));
    return { ops, all: per(this.all), clients: per(this.clients), servers: per(this.servers), byType, badLines: this.bad };
  }
}

/** NetStats of a journal file and the run's history. */
export function netStatsOfFile(journal: string, history: readonly Op[]): NetStats {
  const b = new NetStatsBuilder();
  const text = fs.readFileSync(journal, 'utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    b.addLine(text.slice(start, end));
    start = end + 1;
  }
  return b.done(clientInvocations(history));
}

/** `12.7 msgs/op (client 2.0, server 10.7)`: the summary line's figure. */
export function msgsPerOpText(s: NetStats): string {
  const f = (x: number | null): string => (x === null ? '–' : x.toFixed(2));
  return `${s.all.sent} messages (${s.all.delivered} delivered, ${s.all.dropped} dropped), ${f(s.all.msgsPerOp)} per op: client ${f(s.clients.msgsPerOp)}, server ${f(s.servers.msgsPerOp)} (${s.ops} client ops)`;
}

/** Whether `v` (results.json `net`, read back) has the shape of NetStats. */
export function isNetStats(v: unknown): v is NetStats {
  const s = v as Partial<NetStats> | null | undefined;
  return typeof s === 'object' && s !== null && typeof s.ops === 'number' && typeof s.all?.sent === 'number' && typeof s.clients?.sent === 'number' && typeof s.servers?.sent === 'number';
}
