/**
 * The run's clock and timers, injected (docs/testing.md): the controller reads time and waits only
 * through a `Clock`, so the same runner drives real nodes on the real clock and the in-memory target
 * on a simulated one, where a run of 30 s takes milliseconds and the same seed gives the same history.
 *
 * Lives with the generator (the ground floor): it imports nothing, and both the controller and the
 * targets (which may not import the controller) take it from here.
 */

/** A pending timer; `cancel` is idempotent. */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Nanoseconds on a monotonic clock (the real one: `process.hrtime.bigint()`). */
  now(): bigint;
  /** Calls `fn` once, `ms` from now. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /**
   * Calls `fn` every `ms`. `background` timers (a progress line) never keep a run going on their own:
   * the real clock unrefs them, the simulated one never advances time for them alone.
   */
  setInterval(fn: () => void, ms: number, opts?: { background?: boolean }): ClockTimer;
  /** Resolves `ms` from now. */
  sleep(ms: number): Promise<void>;
}

/** The machine's clock and Node's timers: what every real run uses. */
export const realClock: Clock = {
  now: () => process.hrtime.bigint(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms, opts) {
    const t = setInterval(fn, ms);
    if (opts?.background) t.unref();
    return { cancel: () => clearInterval(t) };
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface SimTimer {
  at: bigint;
  seq: number;
  fn: () => void;
  every?: bigint;
  background: boolean;
  live: boolean;
}

/** How many turns of the real event loop the simulated clock lets pass with nothing to do before it jumps. */
const IDLE_TURNS = 3;

/**
 * Virtual time: `now` stands still while anything runs and jumps to the next timer once every task is
 * waiting (the event loop turned IDLE_TURNS times with nothing but timers left), as a discrete-event
 * simulator does. Timers due at one instant fire in the order they were set, so a run whose tasks
 * wait only on this clock (the in-memory target's) is deterministic.
 *
 * Work that waits on real I/O (a real socket, a child process) is not seen: time may jump past it.
 * It is for runs whose every wait is on this clock.
 */
export class SimClock implements Clock {
  private t: bigint;
  private seq = 0;
  private timers: SimTimer[] = [];
  private pumping = false;
  /** Timer callbacks fired so far (tests read it to see that time advanced by events, not by sleeping). */
  fired = 0;

  constructor(startNs = 1_000_000_000n) {
    this.t = startNs;
  }

  now(): bigint {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, undefined, false);
  }

  setInterval(fn: () => void, ms: number, opts?: { background?: boolean }): ClockTimer {
    return this.add(fn, ms, toNs(Math.max(1, ms)), opts?.background === true);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => { this.setTimeout(resolve, ms); });
  }

  /** Moves time forward by `ms` at once, firing every timer due on the way (for tests of timers alone). */
  advance(ms: number): void {
    const until = this.t + toNs(ms);
    for (;;) {
      const next = this.first(true);
      if (!next || next.at > until) break;
      this.fire(next);
    }
    this.t = until;
  }

  private add(fn: () => void, ms: number, every: bigint | undefined, background: boolean): ClockTimer {
    const timer: SimTimer = { at: this.t + toNs(Math.max(0, ms)), seq: this.seq++, fn, every, background, live: true };
    this.timers.push(timer);
    this.schedulePump();
    return { cancel: () => { timer.live = false; } };
  }

  /** The earliest live timer (ties by the order they were set); foreground only unless `any`. */
  private first(any: boolean): SimTimer | undefined {
    this.timers = this.timers.filter((x) => x.live);
    let best: SimTimer | undefined;
    for (const x of this.timers) {
      if (!any && x.background) continue;
      if (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq)) best = x;
    }
    return best;
  }

  private fire(timer: SimTimer): void {
    if (timer.at > this.t) this.t = timer.at;
    if (timer.every !== undefined) timer.at += timer.every;
    else timer.live = false;
    this.fired++;
    timer.fn();
  }

  private schedulePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    let idle = 0;
    const turn = (): void => {
      // Work that ran since the last turn (a promise chain, a callback) may set new timers: wait until
      // a few turns pass with nothing new, then jump to the earliest timer.
      const before = this.seq + this.fired;
      const foreground = this.first(false);
      if (!foreground) { this.pumping = false; return; }
      if (idle < IDLE_TURNS) { idle++; setImmediate(() => { if (this.seq + this.fired !== before) idle = 0; turn(); }); return; }
      idle = 0;
      // Background timers due first fire on the way (a progress line at its instant).
      const next = this.first(true)!;
      this.fire(next);
      setImmediate(turn);
    };
    setImmediate(turn);
  }
}

const toNs = (ms: number): bigint => BigInt(Math.round(ms * 1e6));
