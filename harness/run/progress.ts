/** Live counts of a run, shown as one updating line on a TTY and as periodic lines otherwise. */
export class Progress {
  ok = 0;
  fail = 0;
  info = 0;
  faults = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastOps = 0;
  private lastAt = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly startNs: () => number,
    private readonly limitS: number,
  ) {}

  start(): void {
    const tty = this.stream.isTTY === true;
    this.lastAt = this.startNs();
    this.timer = setInterval(() => this.print(tty), tty ? 250 : 5_000);
    this.timer.unref();
  }

  private print(tty: boolean): void {
    const now = this.startNs();
    const done = this.ok + this.fail + this.info;
    const rate = ((done - this.lastOps) * 1e9) / Math.max(1, now - this.lastAt);
    this.lastOps = done;
    this.lastAt = now;
    const elapsed = now / 1e9;
    const left = Math.max(0, this.limitS - elapsed);
    const faults = this.faults.size ? [...this.faults].join(',') : 'none';
    const line = `${elapsed.toFixed(0)}s elapsed, ${left.toFixed(0)}s left | ${rate.toFixed(0)} ops/s | ` +
      `ok ${this.ok} fail ${this.fail} info ${this.info} | faults: ${faults}`;
    this.stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
  }
}
