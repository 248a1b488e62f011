import type { Op } from '../../ground/history/op.js';
import { effectIn } from '../../middle/faults/nemesis/effect.js';
import type { FaultBand } from '../../ground/contracts/roles.js';
import { escapeControls } from './terminal.js';
import { realClock, type Clock, type ClockTimer } from '../../ground/generator/index.js';

/**
 * Live counts of a run, shown as one updating line on a TTY and as periodic lines otherwise. Before the
 * clients start it is the set-up phase, on a clock of its own; from then on "elapsed" counts from the
 * clients' start (the instant the time limit counts from), with the time left, or past the time limit
 * the phase (healing, quiet, final reads), and every fault active now.
 */
export class Progress {
  ok = 0;
  fail = 0;
  info = 0;
  faults = new Set<string>();
  /** What the run does past its time limit; set from the ops it records (see `record`). */
  phase: string | undefined;
  /** What the set-up is doing, shown until the clients start. */
  setupStep = 'setting up';
  private timer: ClockTimer | undefined;
  private lastOps = 0;
  private lastAt = 0;
  /** The run clock's reading (ns) when the clients started; undefined during set-up. */
  private clientsAt: number | undefined;
  /** The last ten-second mark of set-up printed off a TTY. */
  private setupTens = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly startNs: () => number,
    private readonly limitS: number,
    /** Whose timer prints the line: the run's clock (simulated in test/unit/run/). */
    private readonly clock: Clock = realClock,
  ) {}

  start(): void {
    const tty = this.stream.isTTY === true;
    this.lastAt = this.startNs();
    this.timer = this.clock.setInterval(() => this.print(tty), tty ? 250 : 5_000, { background: true });
  }

  /** The clients start now: from here "elapsed" and the time limit count. */
  clientsStart(): void {
    this.clientsAt = this.startNs();
    this.lastAt = this.clientsAt;
    this.lastOps = this.ok + this.fail + this.info;
    const setupS = this.clientsAt / 1e9;
    if (this.stream.isTTY !== true) this.stream.write(`set-up done in ${setupS.toFixed(0)}s; clients start, time limit ${this.limitS}s\n`);
  }

  /** Whether an op at `timeNs` (the run's clock) is past the clients' time limit. */
  pastLimit(timeNs: number): boolean {
    return this.clientsAt !== undefined && timeNs >= this.clientsAt + this.limitS * 1e9;
  }

  /** The line as it reads now (the rate counts from the previous call). */
  line(): string {
    const now = this.startNs();
    if (this.clientsAt === undefined) return escapeControls(`set-up ${(now / 1e9).toFixed(0)}s: ${this.setupStep}`);
    const done = this.ok + this.fail + this.info;
    const rate = ((done - this.lastOps) * 1e9) / Math.max(1, now - this.lastAt);
    this.lastOps = done;
    this.lastAt = now;
    const elapsed = (now - this.clientsAt) / 1e9;
    const left = this.limitS - elapsed;
    const faults = this.faults.size ? [...this.faults].sort().join(',') : 'none';
    const when = left > 0 ? `${Math.ceil(left - 1e-9).toFixed(0)}s left` : `time limit reached: ${this.phase ?? 'waiting for the clients\' last ops, then healing, quiet and final reads'}`;
    return escapeControls(`${Math.floor(elapsed).toFixed(0)}s elapsed, ${when} | ${rate.toFixed(0)} ops/s | ` +
      `ok ${this.ok} fail ${this.fail} info ${this.info} | faults: ${faults}`);
  }

  private print(tty: boolean): void {
    // Off a TTY a set-up line every 10 s is enough; a set-up that fails fast prints only its error.
    if (!tty && this.clientsAt === undefined) {
      const tens = Math.floor(this.startNs() / 10e9);
      if (tens <= this.setupTens) return;
      this.setupTens = tens;
    }
    const line = this.line();
    this.stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  stop(): void {
    this.timer?.cancel();
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
  }
}

/**
 * Keeps the set of faults in force from the nemesis ops, by the bands the packages declared: a fault
 * is in force from its start op's completion until its stop op's completion (a band whose stop is its
 * start is in force while its own op runs). A start that failed, or whose completion names an empty
 * list of nodes (`kill primaries` with no leader), or whose fault record says it reached no node (a
 * strobe that never flipped), hit nothing and is not in force.
 */
export function bandTracker(bands: readonly FaultBand[]): (active: Set<string>, op: Op) => void {
  return (active, op) => {
    for (const b of bands) {
      if (b.start === b.stop) {
        if (op.f === b.start) { if (op.type === 'invoke') active.add(b.name); else active.delete(b.name); }
        continue;
      }
      if (op.type === 'invoke') continue;
      // The fault record (nemesis/effect.ts) says whether a start reached any node; without one (a
      // history from before it), an empty node list means it hit nothing.
      const effect = effectIn(op.value);
      const hitNothing = op.type === 'fail' || (effect ? !effect.took : Array.isArray(op.value) && op.value.length === 0);
      if (op.f === b.start && !hitNothing) active.add(b.name);
      else if (op.f === b.stop) active.delete(b.name);
    }
  };
}

/** Counts a client op, follows the faults in force (`faults`, from the declared bands) and the phase past the time limit. */
export function trackOp(p: Progress, op: Op, pastLimit: boolean, quietS: number, faults: (active: Set<string>, op: Op) => void): void {
  if (op.process !== 'nemesis') {
    if (op.type === 'ok') p.ok++;
    else if (op.type === 'fail') p.fail++;
    else if (op.type === 'info') p.info++;
    // Client invokes past the limit come only from the final reads (the time limit stops the others).
    if (pastLimit && op.type === 'invoke') p.phase = 'final reads';
    return;
  }
  if (pastLimit) p.phase = op.type === 'invoke' ? 'healing every fault' : `healed; quiet for ${quietS}s, then final reads`;
  faults(p.faults, op);
}
