import type { Op } from '../history/op.js';
import { escapeControls } from './terminal.js';

/**
 * Live counts of a run, shown as one updating line on a TTY and as periodic lines otherwise: the time
 * left, or past the time limit the phase (healing, quiet, final reads), and every fault active now.
 */
export class Progress {
  ok = 0;
  fail = 0;
  info = 0;
  faults = new Set<string>();
  /** What the run does past its time limit; set from the ops it records (see `record`). */
  phase: string | undefined;
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
    const left = this.limitS - elapsed;
    const faults = this.faults.size ? [...this.faults].sort().join(',') : 'none';
    const when = left > 0 ? `${left.toFixed(0)}s left` : `time limit reached: ${this.phase ?? 'waiting for the clients\' last ops, then healing, quiet and final reads'}`;
    const line = escapeControls(`${elapsed.toFixed(0)}s elapsed, ${when} | ${rate.toFixed(0)} ops/s | ` +
      `ok ${this.ok} fail ${this.fail} info ${this.info} | faults: ${faults}`);
    this.stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
  }
}

/**
 * Updates `p` with one recorded op: counts, the faults active (a fault starts when its op completes
 * having done something, and ends with its heal), and the phase after the time limit.
 */
export function trackOp(p: Progress, op: Op, pastLimit: boolean, quietS: number): void {
  if (op.process !== 'nemesis') {
    if (op.type === 'ok') p.ok++;
    else if (op.type === 'fail') p.fail++;
    else if (op.type === 'info') p.info++;
    // Client invokes past the limit come only from the final reads (the time limit stops the others).
    if (pastLimit && op.type === 'invoke') p.phase = 'final reads';
    return;
  }
  if (op.type === 'invoke') {
    if (pastLimit) p.phase = 'healing every fault';
    return;
  }
  if (pastLimit) p.phase = `healed; quiet for ${quietS}s, then final reads`;
  const m = /^(start|stop)-(.+)$/.exec(op.f);
  if (m) {
    if (m[1] === 'start') p.faults.add(m[2]); else p.faults.delete(m[2]);
    return;
  }
  // Clock: a bump or strobe leaves offsets in place until the reset.
  if (op.f === 'bump-clock' || op.f === 'strobe-clock') p.faults.add('clock');
  else if (op.f === 'reset-clock') p.faults.delete('clock');
  // Kill and pause are active only when they hit a node (`kill primaries` with no leader hits none).
  else if (op.f === 'kill' || op.f === 'pause') {
    if (Array.isArray(op.value) && op.value.length > 0 && op.type !== 'fail') p.faults.add(op.f);
  } else if (op.f === 'start') p.faults.delete('kill');
  else if (op.f === 'resume') p.faults.delete('pause');
}
