/**
 * The message journal: every message the routed network sees, one JSON object a line in
 * `messages.jsonl`, plus in-memory counts for the report.
 *
 * Lines are built by string concatenation around a body serialised once (the same text goes to the
 * node's stdin), buffered, and written every FLUSH_MS and on close: a write(2) per message would
 * cost more than routing it, and a crash loses at most FLUSH_MS of journal.
 */
import fs from 'node:fs';

/** Why a message was not delivered. `down` (an addition to the brief): its destination was killed. */
export type DropReason = 'partition' | 'loss' | 'down';

/** One line of messages.jsonl. */
export interface JournalEntry {
  id: number;
  /** When it was sent, ns since the journal's origin. */
  time: number;
  src: string;
  dest: string;
  type: string;
  body?: unknown;
  dropped?: DropReason;
  /** When it is due at its destination, ns since the origin (absent when dropped). */
  deliverAt?: number;
}

export interface EndpointCounts {
  sent: number;
  received: number;
  /** Messages addressed to this endpoint that were dropped. */
  dropped: number;
}

export interface TypeCounts {
  count: number;
  dropped: number;
}

/** Counts for the report. */
export interface NetworkStats {
  total: number;
  delivered: number;
  dropped: Record<DropReason, number>;
  /** Messages still in flight when the stats were taken. */
  inFlight: number;
  byNode: Record<string, EndpointCounts>;
  byType: Record<string, TypeCounts>;
}

/** What the report reads about the network (MaelstromCluster.journal). */
export interface JournalView {
  /** messages.jsonl. */
  readonly path: string;
  stats(): NetworkStats & { lostAtDelivery: number };
  /** Resolves when every message so far is in the file. */
  flush(): Promise<void>;
}

/** How often buffered journal lines are written (the brief asks for at most 200 ms). */
export const FLUSH_MS = 100;

export class Journal {
  private chunks: string[] = [];
  private stream: fs.WriteStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly byNode = new Map<string, EndpointCounts>();
  private readonly byType = new Map<string, TypeCounts>();
  private readonly dropped: Record<DropReason, number> = { partition: 0, loss: 0, down: 0 };
  private total = 0;
  private delivered = 0;
  private lastWrite: Promise<void> = Promise.resolve();

  /** The write error, if the journal file could not be written. */
  error: Error | undefined;

  /** Journals to `path` (created or truncated); without a path only the counts are kept. */
  constructor(readonly path: string | undefined) {
    if (path !== undefined) {
      this.stream = fs.createWriteStream(path, { flags: 'w' });
      // A failing disk must not crash the run; the counts stay, and the error is visible at close.
      this.stream.on('error', (err) => { this.error = err; });
      this.timer = setInterval(() => this.writeOut(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Records one message; `bodyJson` is its body already serialised. */
  record(id: number, time: number, src: string, dest: string, type: string, bodyJson: string, dropped: DropReason | undefined, deliverAt: number | undefined): void {
    // A body without a string type is delivered with a warning (wire.ts); the journal names it plainly.
    if (typeof type !== 'string') type = '(no type)';
    this.total++;
    this.endpoint(src).sent++;
    const d = this.endpoint(dest);
    let t = this.byType.get(type);
    if (t === undefined) this.byType.set(type, (t = { count: 0, dropped: 0 }));
    t.count++;
    if (dropped !== undefined) this.countDrop(dropped, d, t);
    if (this.stream === undefined) return;
    // Ids and names are plain tokens, but JSON.stringify keeps a strange node name from breaking the line.
    this.chunks.push(
      `{"id":${id},"time":${time},"src":${JSON.stringify(src)},"dest":${JSON.stringify(dest)},"type":${JSON.stringify(type)},"body":${bodyJson}` +
        (dropped !== undefined ? `,"dropped":"${dropped}"}\n` : `,"deliverAt":${deliverAt}}\n`),
    );
  }

  /**
   * A message journaled as in flight was dropped on arrival (a partition began while it travelled): counted
   * as dropped, and a line of its own (`lateDrop`) so the journal's earlier `deliverAt` is not taken for a delivery.
   */
  recordLateDrop(msg: { id?: number; src: string; dest: string; body: { type: string } }, time: number, why: DropReason): void {
    const type = typeof msg.body.type === 'string' ? msg.body.type : '(no type)';
    this.countDrop(why, this.endpoint(msg.dest), this.byType.get(type));
    if (this.stream === undefined) return;
    this.chunks.push(`{"id":${msg.id ?? null},"time":${time},"src":${JSON.stringify(msg.src)},"dest":${JSON.stringify(msg.dest)},"type":${JSON.stringify(type)},"lateDrop":"${why}"}\n`);
  }

  private countDrop(why: DropReason, dest: { dropped: number }, type: { dropped: number } | undefined): void {
    this.dropped[why]++;
    dest.dropped++;
    if (type !== undefined) type.dropped++;
  }

  /** Counts a delivery (the message reached its destination's handler or pipe). */
  recordDelivery(dest: string): void {
    this.delivered++;
    this.endpoint(dest).received++;
  }

  /** Counts for the report; `inFlight` is supplied by the network. */
  stats(inFlight: number): NetworkStats {
    return {
      total: this.total,
      delivered: this.delivered,
      dropped: { ...this.dropped },
      inFlight,
      byNode: Object.fromEntries([...this.byNode].map(([k, v]) => [k, { ...v }])),
      byType: Object.fromEntries([...this.byType].map(([k, v]) => [k, { ...v }])),
    };
  }

  /** Resolves when everything recorded so far has reached the file. */
  flush(): Promise<void> {
    this.writeOut();
    return this.lastWrite;
  }

  /** Flushes and closes the file. Never rejects. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.writeOut();
    const s = this.stream;
    this.stream = undefined;
    if (s === undefined || s.closed) return;
    // 'close' follows both a clean finish and an error (autoDestroy), so this cannot hang.
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
    });
  }

  private endpoint(id: string): EndpointCounts {
    let c = this.byNode.get(id);
    if (c === undefined) this.byNode.set(id, (c = { sent: 0, received: 0, dropped: 0 }));
    return c;
  }

  private writeOut(): void {
    if (this.chunks.length === 0 || this.stream === undefined) return;
    const data = this.chunks.join('');
    this.chunks = [];
    // Writes complete in order, so the last one's callback means everything before it is written too.
    this.lastWrite = new Promise((resolve) => this.stream!.write(data, () => resolve()));
  }
}
