/**
 * Splits a node's stdout into lines across arbitrary chunk boundaries.
 *
 * Chunks are scanned with indexOf and sliced, never concatenated whole: with thousands of small
 * messages per chunk the work is linear in the bytes, and a partial last line waits in `rest`.
 */

/** Longest line accepted; a node printing more without a newline is broken, and we must not buffer it all. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export class LineSplitter {
  private rest = '';
  private overflowing = false;

  /** `onLine` gets each complete line (without its newline, CR stripped); `onOverflow` a too-long one's head. */
  constructor(private readonly onLine: (line: string) => void, private readonly onOverflow: (head: string) => void) {}

  /** Feeds one chunk of text. */
  push(chunk: string): void {
    let start = 0;
    let nl = chunk.indexOf('\n');
    if (nl < 0) {
      this.append(chunk);
      return;
    }
    this.emit(this.rest + chunk.slice(0, nl));
    this.rest = '';
    start = nl + 1;
    while ((nl = chunk.indexOf('\n', start)) >= 0) {
      this.emit(chunk.slice(start, nl));
      start = nl + 1;
    }
    this.append(chunk.slice(start));
  }

  /** The unterminated rest at end of stream, if any (a node that died mid-line). */
  end(): string {
    const r = this.rest;
    this.rest = '';
    this.overflowing = false;
    return r;
  }

  private append(s: string): void {
    if (s === '') return;
    if (this.overflowing) return;
    this.rest += s;
    if (this.rest.length > MAX_LINE_CHARS) {
      this.onOverflow(this.rest.slice(0, 1000));
      this.rest = '';
      this.overflowing = true;
    }
  }

  private emit(line: string): void {
    if (this.overflowing) {
      // The tail of an over-long line: already reported, drop it.
      this.overflowing = false;
      return;
    }
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    // Blank lines carry nothing; Maelstrom's own libraries sometimes print them.
    if (line.trim() === '') return;
    this.onLine(line);
  }
}
