/**
 * The simulated clock (harness/ground/generator/clock.ts): time stands still while work runs, jumps to the
 * next timer once every task waits, fires timers of one instant in the order they were set, and never
 * advances for background timers alone.
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../harness/ground/generator/clock.js';

describe('SimClock', () => {
  it('jumps to each timer in due order, ties in the order they were set, and sleeps take no real time', async () => {
    const c = new SimClock(0n);
    const seen: string[] = [];
    c.setTimeout(() => seen.push(`b@${c.now()}`), 20);
    c.setTimeout(() => seen.push(`a@${c.now()}`), 10);
    c.setTimeout(() => seen.push(`c@${c.now()}`), 20);
    const started = Date.now();
    await c.sleep(3_600_000); // an hour of simulated time
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen).toEqual(['a@10000000', 'b@20000000', 'c@20000000']);
    expect(c.now()).toBe(3_600_000_000_000n);
  });

  it('a cancelled timer never fires; an interval repeats until cancelled', async () => {
    const c = new SimClock(0n);
    let ticks = 0;
    const every = c.setInterval(() => { ticks++; }, 100);
    const never = c.setTimeout(() => { throw new Error('cancelled timer fired'); }, 50);
    never.cancel();
    await c.sleep(1_000);
    every.cancel();
    expect(ticks).toBe(10);
    await c.sleep(1_000);
    expect(ticks).toBe(10);
  });

  it('background intervals fire on the way but never move time on their own', async () => {
    const c = new SimClock(0n);
    let ticks = 0;
    c.setInterval(() => { ticks++; }, 5_000, { background: true });
    // Nothing in the foreground: time stays put however long the real loop turns.
    await new Promise((r) => setTimeout(r, 50));
    expect(c.now()).toBe(0n);
    expect(ticks).toBe(0);
    await c.sleep(12_000);
    expect(ticks).toBe(2);
  });

  it('work that chains promises between waits sees no time pass: time moves only when every task waits', async () => {
    const c = new SimClock(0n);
    const times: bigint[] = [];
    const task = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 50; j++) await Promise.resolve();
        times.push(c.now());
        await c.sleep(1);
      }
    };
    await Promise.all([task(), task()]);
    expect(times).toEqual([0n, 0n, 1_000_000n, 1_000_000n, 2_000_000n, 2_000_000n]);
  });

  it('advance() fires what falls due in the step, for tests of timers alone', () => {
    const c = new SimClock(0n);
    const seen: number[] = [];
    c.setTimeout(() => seen.push(1), 1_000);
    c.setTimeout(() => seen.push(2), 3_000);
    c.advance(2_000);
    expect(seen).toEqual([1]);
    expect(c.now()).toBe(2_000_000_000n);
  });
});
