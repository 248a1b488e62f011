/**
 * The Raft's persistent state: currentTerm and votedFor (`meta.json`, replaced atomically) and the
 * log (`log.jsonl`, one entry a line `{"i":index,"t":term,"c":command}`), under the node's data dir.
 *
 * Writes reach the kernel at once; `sync()` makes them durable (fdatasync), and the node calls it
 * once per turn of its event loop before any message leaves (group commit). A conflicting suffix is
 * cut with ftruncate at the byte offset of its first entry; compaction rewrites the file atomically.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { Bugs } from './bugs.js';
import { FsyncFile, WriteBackFile, type AppendFile } from './durable-file.js';
import { lastIndex, type LogView } from './log-view.js';
import type { Entry } from './messages.js';

export class LogStore implements LogView {
  term = 0;
  votedFor: string | null = null;
  snapIndex = 0;
  snapTerm = 0;
  entries: Entry[] = [];
  /** Byte offset in log.jsonl where each held entry's line starts. */
  private offsets: number[] = [];
  private readonly log: AppendFile;
  private readonly meta: AppendFile;

  /** Opens (creating) the store in `dir`; the snapshot point comes from the snapshot file, if any. */
  constructor(readonly dir: string, private readonly bugs: Bugs, snap: { index: number; term: number } = { index: 0, term: 0 }) {
    fs.mkdirSync(dir, { recursive: true });
    this.snapIndex = snap.index;
    this.snapTerm = snap.term;
    const metaPath = nodePath.join(dir, 'meta.json');
    this.loadMeta(metaPath);
    const logPath = nodePath.join(dir, 'log.jsonl');
    const valid = this.loadLog(logPath);
    // BUG `no-fsync`: term, vote and log go through a write-back buffer that is never fsynced.
    const open = (p: string): AppendFile => (bugs.has('no-fsync') ? new WriteBackFile(p) : new FsyncFile(p));
    this.log = open(logPath);
    this.meta = open(metaPath);
    // A torn or out-of-sequence tail (a crash mid-write) is dropped, so appends continue cleanly.
    if (valid < this.log.size) {
      this.log.truncate(valid);
      this.log.sync();
    }
  }

  get lastIndex(): number {
    return lastIndex(this);
  }

  /** Records a new term and/or vote (made durable by the next sync, with everything else). */
  setTermVote(term: number, votedFor: string | null): void {
    if (term === this.term && votedFor === this.votedFor) return;
    this.term = term;
    this.votedFor = votedFor;
    // BUG `forget-vote`: the vote lives only in memory; a restart forgets whom this node voted for.
    const persisted = this.bugs.has('forget-vote') ? null : votedFor;
    this.meta.replace(JSON.stringify({ term, votedFor: persisted }) + '\n');
  }

  /** Appends entries at the end of the log. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    let text = '';
    let offset = this.log.size;
    let i = this.lastIndex;
    for (const e of entries) {
      const line = JSON.stringify({ i: ++i, t: e.term, c: e.cmd }) + '\n';
      this.offsets.push(offset);
      offset += Buffer.byteLength(line);
      text += line;
      this.entries.push(e);
    }
    this.log.append(text);
  }

  /** Drops the entries from `index` on (index > snapIndex). */
  truncateFrom(index: number): void {
    const k = index - this.snapIndex - 1;
    if (k < 0 || k >= this.entries.length) return;
    this.log.truncate(this.offsets[k]);
    this.entries.length = k;
    this.offsets.length = k;
  }

  /**
   * Moves the snapshot point to (index, term): entries up to `index` are dropped; when `keepSuffix`
   * is false (the follower's log disagrees with an installed snapshot) every entry goes.
   * Call only after the snapshot file itself is durable.
   */
  compactTo(index: number, term: number, keepSuffix: boolean): void {
    const k = keepSuffix ? Math.max(0, Math.min(this.entries.length, index - this.snapIndex)) : this.entries.length;
    this.entries = this.entries.slice(k);
    this.snapIndex = index;
    this.snapTerm = term;
    let text = '';
    this.offsets = [];
    let i = index;
    for (const e of this.entries) {
      this.offsets.push(Buffer.byteLength(text));
      text += JSON.stringify({ i: ++i, t: e.term, c: e.cmd }) + '\n';
    }
    this.log.replace(text);
  }

  /** Makes every change so far durable: one fdatasync for the whole turn (group commit). */
  sync(): void {
    this.meta.sync();
    this.log.sync();
  }

  close(): void {
    this.log.close();
    this.meta.close();
  }

  private loadMeta(path: string): void {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch {
      return;
    }
    // Created empty when the store was first opened; replaced atomically on every change since.
    if (text.trim() === '') return;
    const m = JSON.parse(text) as { term: number; votedFor: string | null };
    this.term = m.term;
    this.votedFor = m.votedFor;
  }

  /** Reads log.jsonl into memory; returns the byte length of its valid prefix. */
  private loadLog(path: string): number {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(path);
    } catch {
      return 0;
    }
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      let rec: { i: number; t: number; c: Entry['cmd'] };
      try {
        rec = JSON.parse(buf.toString('utf8', pos, nl)) as typeof rec;
      } catch {
        break;
      }
      // Lines at or below the snapshot are left over from before compaction; skip them.
      if (rec.i > this.snapIndex) {
        if (rec.i !== this.lastIndex + 1) break;
        this.offsets.push(pos);
        this.entries.push({ term: rec.t, cmd: rec.c });
      }
      pos = nl + 1;
    }
    return pos;
  }
}
